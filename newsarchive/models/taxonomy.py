"""Where entries are filed: sources, the category tree (with redirects from old paths) and tags."""

from django.db import models, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from taggit.models import TagBase, TaggedItemBase

from newsarchive.models.imports import wordpress_blog, wordpress_identity

# A slug is one segment of an address (`/tag/<slug>/`, `/category/<path>/`): not empty, no "/"
# (it would split the segment) nor line break (the routes' patterns stop at one), and not "."
# or "..", which browsers resolve away (`/tag/../` is `/`). Any other text can: the address
# carries it percent-encoded, and Django reads the same slug back.
NOT_IN_SLUGS = ("/", "\n", "\r")
DOT_SEGMENTS = (".", "..")


def is_addressable(slug):
    return (
        bool(slug)
        and slug not in DOT_SEGMENTS
        and not any(character in slug for character in NOT_IN_SLUGS)
    )


def addressable_slug(slug, name="", fallback="item", max_length=None):
    """`slug` (its first `max_length` characters) if it can make an address; else one made from
    it, or from `name`, or `fallback`.

    The same arguments always give the same slug, so an import run twice finds its own terms.
    """
    if is_addressable(slug[:max_length]):
        return slug[:max_length]
    for text in (slug, name, fallback):
        made = slugify(text.replace("/", "-"), allow_unicode=True)[:max_length].strip("-_")
        if is_addressable(made):
            return made
    return fallback


def unique_slug(model, slug, name, fallback, max_length, exclude_pk=None):
    """An addressable slug no other row of `model` has: `golf`, else `golf-2`, `golf-3`…"""
    base = addressable_slug(slug, name, fallback, max_length)
    taken = model._default_manager.exclude(pk=exclude_pk)
    candidate, n = base, 1
    while taken.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
    return candidate


def keep_or_make_slug(item, fallback):
    """The item's slug if it makes an address, else a unique one made from it or its name."""
    limit = item._meta.get_field("slug").max_length
    if is_addressable(item.slug) and len(item.slug) <= limit:
        return item.slug
    # Made anew: the slug cut to the column, or from the name.
    return unique_slug(type(item), item.slug, item.name, fallback, limit, exclude_pk=item.pk)


def addressable_constraint(model_name):
    """The database's own guard: no row, however written (fixtures, bulk loads, SQL), can hold a
    slug that makes no address."""
    condition = ~Q(slug="") & ~Q(slug__in=DOT_SEGMENTS)
    for character in NOT_IN_SLUGS:
        condition &= ~Q(slug__contains=character)
    return models.CheckConstraint(
        condition=condition,
        name=f"{model_name}_slug_addressable",
        violation_error_message=(
            "A slug must be able to make an address: not empty, no “/” or line break, "
            "not “.” or “..”."
        ),
    )


def address_or_none(item, segments=None):
    """`item.get_absolute_url()`, or None when its slug (or each of `segments`) makes no address.
    For listings: a name shown without a link beats a page that cannot be shown."""
    if not all(map(is_addressable, [item.slug] if segments is None else segments)):
        return None
    try:
        return item.get_absolute_url()
    except NoReverseMatch:
        return None


class SlugManager(models.Manager):
    """Fixtures refer to sources and categories by slug rather than by id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    """Who wrote the reposted article: a wire service or a newspaper."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    url = models.URLField("website", blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        constraints = [addressable_constraint("source")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = keep_or_make_slug(self, "source")
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)


class Category(models.Model):
    UNCATEGORIZED_SLUG = "uncategorized"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    path = models.CharField(
        max_length=1000, unique=True, editable=False, help_text="Slugs from the top, joined by /."
    )
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    tree_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published entries here and in sub-categories."
    )
    latest_at = models.DateTimeField(null=True, editable=False)
    wp_term_id = models.PositiveIntegerField("WordPress term id", null=True, blank=True)
    wp_blog = wordpress_blog()

    objects = SlugManager()

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"
        constraints = [
            addressable_constraint("category"),
            *wordpress_identity("category", "wp_term_id"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = keep_or_make_slug(self, "category")
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # The old address keeps working, for this category and those below it.
                CategoryRedirect.objects.filter(old_path=self.path).delete()
                CategoryRedirect.objects.update_or_create(
                    old_path=old_path, defaults={"category": self}
                )
                for child in self.children.all():
                    child.save()

    def get_absolute_url(self):
        return reverse("category", kwargs={"path": self.path})

    @property
    def address(self):
        return address_or_none(self, self.path.split("/"))

    def natural_key(self):
        return (self.slug,)

    @property
    def depth(self):
        return self.path.count("/")

    @classmethod
    def uncategorized(cls):
        category, _ = cls.objects.get_or_create(
            slug=cls.UNCATEGORIZED_SLUG, defaults={"name": "Uncategorized"}
        )
        return category

    def is_within(self, other):
        """Whether this category is `other` or sits somewhere below it."""
        return self.path == other.path or self.path.startswith(f"{other.path}/")


class CategoryRedirect(models.Model):
    """An address a category used to have (before a slug edit or a merge)."""

    old_path = models.CharField(max_length=1000, unique=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self):
        return f"/category/{self.old_path}/ → {self.category.path}"


class Tag(TagBase):
    description = models.TextField(blank=True)
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    wp_term_id = models.PositiveIntegerField("WordPress term id", null=True, blank=True)
    wp_blog = wordpress_blog()

    class Meta:
        ordering = ["name"]
        constraints = [
            addressable_constraint("tag"),
            *wordpress_identity("tag", "wp_term_id"),
        ]

    def save(self, *args, **kwargs):
        # Made here rather than by taggit when missing: taggit finds a free slug by prefix,
        # which misses the numbered ones of a slug cut to fit the column.
        self.slug = keep_or_make_slug(self, "tag")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("tag", kwargs={"slug": self.slug})

    @property
    def address(self):
        return address_or_none(self)


class TaggedEntry(TaggedItemBase):
    # A plain foreign key rather than taggit's generic relation: joins use real indexes.
    content_object = models.ForeignKey("Entry", on_delete=models.CASCADE, related_name="tagged")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_entry_tag")
        ]
