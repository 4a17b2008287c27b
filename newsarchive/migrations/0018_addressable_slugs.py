"""Every tag, category and source slug makes an address: slugs that cannot (empty ones, such as
the tags an untouched admin save used to create from "[]", ones holding "/" or a line break,
and "." or "..") are first given one made from the slug or the name, then the database refuses
them for good."""

from django.db import migrations, models
from django.utils.text import slugify

NOT_IN_SLUGS = ("/", "\n", "\r")
DOT_SEGMENTS = (".", "..")


def condition():
    addressable = ~models.Q(slug="") & ~models.Q(slug__in=DOT_SEGMENTS)
    for character in NOT_IN_SLUGS:
        addressable &= ~models.Q(slug__contains=character)
    return addressable


UNADDRESSABLE = ~condition()


def made_slug(model, item, fallback):
    """As newsarchive.models.taxonomy.unique_slug() makes them, kept here as it was."""
    limit = model._meta.get_field("slug").max_length
    base = fallback
    for text in (item.slug, item.name):
        made = slugify(text.replace("/", "-"), allow_unicode=True)[:limit].strip("-_")
        if made and made not in DOT_SEGMENTS and not any(c in made for c in NOT_IN_SLUGS):
            base = made
            break
    candidate, n = base, 1
    while model.objects.exclude(pk=item.pk).filter(slug=candidate).exists():
        n += 1
        candidate = f"{base[: limit - len(str(n)) - 1]}-{n}"
    return candidate


def repair(apps, schema_editor):
    for name, fallback in [("Tag", "tag"), ("Source", "source")]:
        model = apps.get_model("newsarchive", name)
        for item in model.objects.filter(UNADDRESSABLE):
            item.slug = made_slug(model, item, fallback)
            item.save(update_fields=["slug"])
    Category = apps.get_model("newsarchive", "Category")
    CategoryRedirect = apps.get_model("newsarchive", "CategoryRedirect")
    broken = list(Category.objects.filter(UNADDRESSABLE))
    for category in broken:
        category.slug = made_slug(Category, category, "category")
        category.save(update_fields=["slug"])
    if broken:
        recompute_paths(Category, CategoryRedirect)
    if schema_editor.connection.vendor == "postgresql":
        # Check the foreign keys now: PostgreSQL alters no table with checks still pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def recompute_paths(Category, CategoryRedirect):
    """Paths are slugs from the top: recompute them all, parents first, and let an old path
    that worked as an address (a slug holding "/") lead to its category."""
    by_parent = {}
    for category in Category.objects.all():
        by_parent.setdefault(category.parent_id, []).append(category)
    level = [(None, c) for c in by_parent.get(None, [])]
    seen = set()
    while level:
        following = []
        for parent_path, category in level:
            if category.pk in seen:
                continue
            seen.add(category.pk)
            path = f"{parent_path}/{category.slug}" if parent_path else category.slug
            if path != category.path:
                old = category.path
                category.path = path
                category.save(update_fields=["path"])
                if old and not CategoryRedirect.objects.filter(old_path=old).exists():
                    CategoryRedirect.objects.create(old_path=old, category=category)
            following += [(path, child) for child in by_parent.get(category.pk, [])]
        level = following


MESSAGE = (
    "A slug must be able to make an address: not empty, no “/” or line break, not “.” or “..”."
)


class Migration(migrations.Migration):
    dependencies = [
        ("newsarchive", "0017_failed_attempts"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        *[
            migrations.AddConstraint(
                model_name=model_name,
                constraint=models.CheckConstraint(
                    condition=condition(),
                    name=f"{model_name}_slug_addressable",
                    violation_error_message=MESSAGE,
                ),
            )
            for model_name in ("category", "source", "tag")
        ],
    ]
