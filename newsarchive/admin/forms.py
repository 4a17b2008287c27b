"""Forms for the admin's intermediate pages (bulk filing, merging), the category picker and
the tag box."""

import csv

from django import forms

from newsarchive.models import Category, Tag

TAG_NAME_LENGTH = Tag._meta.get_field("name").max_length


class CategoryTreeField(forms.ModelMultipleChoiceField):
    """Categories as WordPress shows them: a checkbox list in tree order, indented by depth."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.order_by("path"), **kwargs)

    def label_from_instance(self, category):
        return f"{'— ' * category.depth}{category.name}"


class CategoryChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.order_by("path"), **kwargs)

    def label_from_instance(self, category):
        return f"{'— ' * category.depth}{category.name} ({category.entry_count})"


class FileIntoForm(forms.Form):
    categories = CategoryTreeField(
        error_messages={"required": "Choose at least one category to file the entries into."}
    )
    replace = forms.TypedChoiceField(
        label="Their other categories",
        choices=[("", "Keep them (add these)"), ("1", "Remove them (file only here)")],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )


class RemoveFromForm(forms.Form):
    categories = CategoryTreeField(
        error_messages={"required": "Choose at least one category to remove the entries from."}
    )


def parse_tag_names(text):
    """Tag names as typed in a tag box: separated by commas; a name holding a comma or a double
    quote is written in double quotes, its quotes doubled (`"Washington, D.C.", Iran`)."""
    line = " ".join(text.splitlines())
    names = next(csv.reader([line], skipinitialspace=True), [])
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def tag_names_text(names):
    """The text a tag box shows for these names: parse_tag_names() reads the same names back."""

    def written(name):
        if "," in name or '"' in name:
            return '"{}"'.format(name.replace('"', '""'))
        return name

    return ", ".join(written(name) for name in names)


class TagNamesInput(forms.TextInput):
    """A tag box: the tags an entry has, as names separated by commas."""

    def __init__(self, attrs=None):
        super().__init__(
            {"class": "vTextField tag-suggest", "autocomplete": "off", **(attrs or {})}
        )

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            names = sorted((getattr(tag, "name", tag) for tag in value), key=str.casefold)
            value = tag_names_text(names)
        return super().format_value(value)


class TagNamesField(forms.CharField):
    """Tag names typed in a box (see parse_tag_names); cleaned to a list of names."""

    widget = TagNamesInput
    default_help_text = (
        'Separate tags with commas; put a name holding a comma in double quotes: "Washington, D.C."'
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(**kwargs)

    def to_python(self, value):
        return parse_tag_names(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        too_long = [name for name in value if len(name) > TAG_NAME_LENGTH]
        if too_long:
            raise forms.ValidationError(
                "A tag name has at most %(limit)d characters; shorten %(names)s.",
                params={"limit": TAG_NAME_LENGTH, "names": tag_names_text(too_long)},
                code="max_length",
            )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        before = {getattr(tag, "name", tag) for tag in initial or ()}
        return before != set(self.to_python(data))


class TagsForm(forms.Form):
    tags = TagNamesField(error_messages={"required": "Type at least one tag."})

    def existing_tags(self):
        return list(Tag.objects.filter(name__in=self.cleaned_data["tags"]))

    def tags_creating_missing(self):
        tags = {tag.name: tag for tag in self.existing_tags()}
        for name in self.cleaned_data["tags"]:
            if name not in tags:
                tags[name] = Tag.objects.create(name=name)
        return list(tags.values())


class MergeCategoryForm(forms.Form):
    target = CategoryChoiceField(
        label="Merge into", error_messages={"required": "Choose the category to merge into."}
    )

    def __init__(self, *args, merging, **kwargs):
        super().__init__(*args, **kwargs)
        self.merging = list(merging)

    def clean_target(self):
        target = self.cleaned_data["target"]
        for category in self.merging:
            if target.is_within(category):
                raise forms.ValidationError(
                    f"“{target}” is “{category}” or below it; choose a category outside it."
                )
            if category.slug == Category.UNCATEGORIZED_SLUG:
                raise forms.ValidationError("Uncategorized cannot be merged away.")
        return target


class MergeTagForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"),
        label="Merge into",
        error_messages={"required": "Choose the tag to merge into."},
    )

    def __init__(self, *args, merging, **kwargs):
        super().__init__(*args, **kwargs)
        self.merging = list(merging)

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target in self.merging:
            raise forms.ValidationError("Choose a tag that is not one of those being merged.")
        return target
