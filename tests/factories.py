"""Small explicit builders with sensible defaults; every test states what matters to it."""

import datetime
import itertools
import time
import zoneinfo

from django.contrib.auth import get_user_model

from newsarchive.models import Category, Comment, Entry, Source, Tag

BLOG_TZ = zoneinfo.ZoneInfo("America/New_York")
_numbers = itertools.count(1)


def at(year, month=1, day=1, hour=12, minute=0, second=0):
    """An aware datetime in the blog's time zone."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=BLOG_TZ)


def make_entry(*, categories=(), tags=(), **overrides):
    number = next(_numbers)
    fields = {
        "title": f"Entry number {number}",
        "slug": f"entry-number-{number}",
        "body": f"Paragraph one of entry {number}.\n\nParagraph two.",
        "status": Entry.Status.PUBLISHED,
        # Later for each new entry, but always on the afternoon of March 10, 2007.
        "published_at": at(2007, 3, 10, 12, 0) + datetime.timedelta(seconds=number % 36000),
        **overrides,
    }
    entry = Entry.objects.create(**fields)
    if categories:
        entry.categories.set(categories)
    else:
        entry.ensure_category()
    if tags:
        entry.tags.set(tags)
    return entry


def make_category(name, parent=None, **overrides):
    slug = overrides.pop("slug", name.lower().replace(" ", "-"))
    return Category.objects.create(name=name, slug=slug, parent=parent, **overrides)


def make_tag(name):
    return Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_source(name="Associated Press"):
    return Source.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_comment(entry, **overrides):
    number = next(_numbers)
    fields = {
        "author_name": f"Reader {number}",
        "author_email": f"reader{number}@example.com",
        "body": f"Comment number {number}.",
        "status": Comment.Status.APPROVED,
        "submitted_at": entry.published_at + datetime.timedelta(hours=1, minutes=number),
        **overrides,
    }
    return Comment.objects.create(entry=entry, **fields)


def make_user(username="editor", **overrides):
    return get_user_model().objects.create_user(
        username=username, password="correct horse battery staple", **overrides
    )


def form_token(entry, seconds_ago=10):
    """The signed timestamp a comment form carries, as if served `seconds_ago` seconds ago."""
    from unittest import mock

    from newsarchive.comments.forms import issue_token

    with mock.patch("time.time", return_value=time.time() - seconds_ago):
        return issue_token(entry)


def comment_data(entry, **overrides):
    """What a reader's browser posts from the Leave a Reply form."""
    return {
        "author_name": "Jane Reader",
        "author_email": "jane@example.org",
        "author_url": "",
        "body": "A thoughtful comment.",
        "parent": "",
        "homepage": "",
        "issued": form_token(entry),
        **overrides,
    }
