"""Forms for the admin's intermediate pages (bulk filing, merging) and the category picker."""

from django import forms
from django.utils.text import slugify

from newsarchive.models import Category, Tag


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


class TagsForm(forms.Form):
    tags = forms.CharField(
        help_text="Separate tags with commas.",
        error_messages={"required": "Type at least one tag."},
        widget=forms.TextInput(attrs={"class": "vTextField tag-suggest", "autocomplete": "off"}),
    )

    def clean_tags(self):
        names = [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]
        if not names:
            raise forms.ValidationError("Type at least one tag.")
        return names

    def existing_tags(self):
        return list(Tag.objects.filter(name__in=self.cleaned_data["tags"]))

    def tags_creating_missing(self):
        tags = {tag.name: tag for tag in self.existing_tags()}
        for name in self.cleaned_data["tags"]:
            if name not in tags:
                tags[name] = Tag.objects.create(name=name, slug=unique_tag_slug(name))
        return list(tags.values())


def unique_tag_slug(name):
    base = slugify(name, allow_unicode=True) or "tag"
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


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
