import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from newsarchive.models import Entry
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def schedule_then_pass_its_time():
    entry = make_entry(
        title="Scheduled news", published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert entry.status == Entry.Status.SCHEDULED
    Entry.objects.filter(pk=entry.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    return entry


def test_a_scheduled_entry_is_invisible_until_published(client):
    entry = make_entry(
        title="Scheduled news", published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert "Scheduled news" not in client.get("/").content.decode()
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_a_page_request_publishes_nothing(django_assert_num_queries):
    """Answering a GET writes nothing: a due entry waits for `manage.py publish_scheduled`."""
    from tests.wsgi import Reader

    entry = schedule_then_pass_its_time()
    reader = Reader()
    assert "Scheduled news" not in reader.get("/").text
    with django_assert_num_queries(0):
        reader.get("/")  # from the page cache: not even a look at the database
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SCHEDULED


def test_the_command_publishes_due_entries():
    entry = schedule_then_pass_its_time()
    call_command("publish_scheduled", verbosity=0)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED


def test_readers_see_an_entry_the_command_published_on_every_page_at_once():
    from tests.wsgi import Reader

    entry = schedule_then_pass_its_time()
    reader = Reader()
    for page in ["/", "/feed/"]:
        reader.get(page)
        assert reader.get(page).from_cache and "Scheduled news" not in reader.get(page).text
    call_command("publish_scheduled", verbosity=0)
    for page in ["/", "/feed/", entry.get_absolute_url()]:
        assert "Scheduled news" in reader.get(page).text, page
