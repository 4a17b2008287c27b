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


def test_page_requests_publish_due_entries(settings):
    from tests.wsgi import Reader

    settings.SCHEDULE_CHECK_SECONDS = 60
    entry = schedule_then_pass_its_time()
    html = Reader().get("/").text
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED
    assert "Scheduled news" in html


def test_the_scheduler_runs_at_most_once_a_minute_per_process(settings, django_assert_num_queries):
    from tests.wsgi import Reader

    settings.SCHEDULE_CHECK_SECONDS = 60
    reader = Reader()
    reader.get("/robots.txt")
    with django_assert_num_queries(0):
        reader.get("/robots.txt")


def test_the_command_publishes_due_entries():
    entry = schedule_then_pass_its_time()
    call_command("publish_scheduled", verbosity=0)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED
