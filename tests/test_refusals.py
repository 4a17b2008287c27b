"""Nothing a person typed is lost: every way the Leave a Reply form can refuse a comment shows
what they wrote. Parametrised over the refusals the code defines (Refusal), so a new way of
refusing fails here until this file knows how to bring it about."""

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from newsarchive.comments.views import Refusal
from newsarchive.models import Comment, DiscussionSettings
from tests.factories import comment_data, make_comment, make_entry

pytestmark = pytest.mark.django_db

TYPED = {
    "author_name": "Zoë Überlin-Ørsted",
    "author_email": "zoe@example.org",
    "author_url": "https://zoe.example.org/notes",
    "body": "Words I took ten minutes to write — with <b>markup</b>, “quotes” and a\nnew line.",
}


def invalid(entry, monkeypatch):
    return {"author_email": "not an address"}


def check_again(entry, monkeypatch):
    return {"homepage": "filled in by autofill"}


def closed(entry, monkeypatch):
    entry.comments_open = False
    entry.save()
    return {}


def locked(entry, monkeypatch):
    entry.password = "open sesame"  # not typed by this reader
    entry.save()
    return {}


def duplicate(entry, monkeypatch):
    make_comment(entry, author_email=TYPED["author_email"], body=TYPED["body"])
    return {}


def too_many(entry, monkeypatch):
    per_minute = DiscussionSettings.load().comments_per_minute
    for n in range(per_minute):
        make_comment(entry, ip_address="127.0.0.1", submitted_at=timezone.now(), body=f"n{n}")
    return {}


def unavailable(entry, monkeypatch):
    def down():
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(DiscussionSettings, "load", staticmethod(down))
    return {}


HOW = {
    Refusal.INVALID: invalid,
    Refusal.CHECK_AGAIN: check_again,
    Refusal.CLOSED: closed,
    Refusal.LOCKED: locked,
    Refusal.DUPLICATE: duplicate,
    Refusal.TOO_MANY: too_many,
    Refusal.UNAVAILABLE: unavailable,
}


def test_this_file_knows_every_refusal():
    assert set(HOW) == set(Refusal)


@pytest.mark.parametrize("refusal", list(Refusal), ids=lambda refusal: refusal.name)
def test_every_refusal_shows_everything_the_person_typed(client, refusal, monkeypatch):
    entry = make_entry(title="Talks", published_at=timezone.now() - datetime.timedelta(days=1))
    data = {**comment_data(entry, **TYPED), **HOW[refusal](entry, monkeypatch)}
    before = Comment.objects.count()
    response = client.post(entry.get_comment_post_url(), data)
    html = response.content.decode()
    assert response.status_code == refusal.status
    assert Comment.objects.count() == before, "nothing was saved"
    escaped = TYPED["body"].replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in html, "the comment as typed"
    if refusal not in (Refusal.UNAVAILABLE, Refusal.CLOSED, Refusal.LOCKED):  # no form here
        for name in ("author_name", "author_url"):
            assert f'value="{TYPED[name]}"' in html
        email = data["author_email"]
        assert f'value="{email}"' in html
    if refusal is not Refusal.UNAVAILABLE:
        assert 'id="comment-errors"' in html and 'role="alert"' in html
    if refusal.message:
        assert refusal.message.replace("’", "&#x27;").split("&")[0][:30] in html
