import time

from django import forms
from django.core import signing
from django.core.validators import MaxLengthValidator, URLValidator

from newsarchive.models import Comment
from newsarchive.pagecache.names import form_time, form_times

# A person needs more than this to read an entry and write; a script does not.
MIN_SECONDS_TO_COMMENT = 2
# A form served longer ago than this is served again before it is taken (a token copied once
# must not serve a script forever).
MAX_SECONDS_TO_COMMENT = 24 * 60 * 60
CHECK_AGAIN = "Please check your comment and send it again."
MAX_BODY_LENGTH = 65525  # WordPress's limit


def issue_token(entry, again=False):
    """A signed note of which entry's form this is and when it was served (the page cache signs
    the same for each reader of a cached page: newsarchive/pagecache/names.py)."""
    return form_time(entry.pk, again)


def read_token(token, entry):
    """(seconds since the form was served, whether it was shown again), or None if the token is
    forged, for another entry or older than MAX_SECONDS_TO_COMMENT."""
    try:
        entry_id, milliseconds, *again = form_times.unsign(token).split(":")
    except (signing.BadSignature, ValueError):
        return None
    if entry_id != str(entry.pk) or not milliseconds.isdigit() or again not in ([], ["again"]):
        return None
    age = time.time() - int(milliseconds) / 1000
    if age > MAX_SECONDS_TO_COMMENT:
        return None
    return age, bool(again)


def seconds_since_issued(token, entry):
    """Seconds since the form was served, or None if the token is not a valid one for it."""
    found = read_token(token, entry)
    return None if found is None else found[0]


class WebAddressField(forms.URLField):
    """Only http and https addresses: never javascript:, data: or anything else a browser runs."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class TrapInput(forms.TextInput):
    """The field people never see, served empty every time: a form shown again must not send
    back what a browser's autofill once put there."""

    def format_value(self, value):
        return None


class CommentForm(forms.ModelForm):
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    issued = forms.CharField(widget=forms.HiddenInput)
    # A field people never see; bots that fill every field fill this one too.
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=TrapInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    remember = forms.BooleanField(
        required=False,
        label="Save my name, email, and website in this browser for the next time I comment.",
    )

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body", "notify"]
        labels = {
            "author_name": "Name",
            "author_email": "Email",
            "author_url": "Website",
            "body": "Comment",
            "notify": "Notify me of follow-up comments by email",
        }
        # Autocomplete tokens, so that browsers fill in the commenter's own name and addresses
        # (Django adds maxlength, required, and aria-invalid and aria-describedby for errors).
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "author_url": forms.URLInput(attrs={"autocomplete": "url"}),
            "body": forms.Textarea(attrs={"rows": 8, "cols": 45, "maxlength": MAX_BODY_LENGTH}),
        }
        error_messages = {
            "author_name": {"required": "Please give your name."},
            "author_email": {
                "required": "Please give your email address (it is never published).",
                "invalid": "Please give a valid email address.",
            },
            "author_url": {
                "invalid": "Please give a web address starting with http:// or https://."
            },
            "body": {"required": "Please type your comment."},
        }
        field_classes = {"author_url": WebAddressField}

    # The fields typed in, in order (name, email and website only for a reader not logged in).
    TYPED = ("author_name", "author_email", "author_url", "body")

    def __init__(self, *args, entry, user, discussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry, self.user = entry, user
        for field in self.fields.values():
            # The model's help texts are for editors; the form's own note tells readers what
            # they need (and a help text not shown would leave aria-describedby pointing at
            # nothing).
            field.help_text = ""
        self.fields["body"].validators.append(MaxLengthValidator(MAX_BODY_LENGTH))
        if user.is_authenticated:
            for name in ("author_name", "author_email", "author_url", "remember"):
                del self.fields[name]
        else:
            self.fields["author_name"].required = discussion.require_name_email
            self.fields["author_email"].required = discussion.require_name_email

    def typed_fields(self):
        return [self[name] for name in self.TYPED if name in self.fields]

    def clean_parent(self):
        number = self.cleaned_data.get("parent")
        if not number:
            return None
        parent = self.entry.comments.approved().filter(pk=number).first()
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not available.")
        return parent

    def clean_homepage(self):
        return self.cleaned_data.get("homepage", "").strip()

    def looks_automated(self):
        """Filled the hidden field, or posted faster than a person could (or with a forged or
        stale form). A person may do either once (autofill, a paste and a quick click): the
        form is shown again to them; `is_second_try()` says whether this is that again."""
        age = seconds_since_issued(self.cleaned_data.get("issued", ""), self.entry)
        return (
            bool(self.cleaned_data.get("homepage")) or age is None or age < MIN_SECONDS_TO_COMMENT
        )

    def is_second_try(self):
        found = read_token(self.cleaned_data.get("issued", ""), self.entry)
        return found is not None and found[1]

    def reissue(self):
        """For the form shown again to be sent again: a new time (counted from now), marked as
        a second try, so that a second sending that still looks automated is kept as spam."""
        self.reissued = issue_token(self.entry, again=True)
