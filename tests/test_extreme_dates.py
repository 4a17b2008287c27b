"""Dates outside what the archive can show (newsarchive/models/archives.py: EARLIEST_DAY …
LATEST_DAY) are refused by the admin's forms with a clear error and by the database itself; the
migration that added the database's refusal stops, listing them, if any are stored already.
Every address dated outside the range is a 404, and every page tolerates the extreme dates the
database can hold."""

import datetime
import importlib

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.models import (
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    LATEST_DAY,
    LATEST_MOMENT,
    Comment,
    Entry,
    is_showable,
)
from newsarchive.sitemaps import SITEMAPS
from tests.factories import (
    make_category,
    make_comment,
    make_entry,
    make_source,
    make_tag,
)
from tests.routes import all_routes

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TICK = datetime.timedelta(microseconds=1)
# Just outside, and far outside, at both ends: what a faulty import brings (year 1 in GMT is
# WordPress's empty date read as a date) and the largest Python can hold.
OUTSIDE = [
    EARLIEST_MOMENT - TICK,
    datetime.datetime(1, 1, 1, tzinfo=UTC),
    datetime.datetime(999, 12, 31, 23, 59, tzinfo=UTC),
    LATEST_MOMENT + TICK,
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]
INSIDE = [EARLIEST_MOMENT, LATEST_MOMENT]
# Every stored date the archive shows or files by: (model, field, a value outside).
STORED_DATES = [
    *((Entry, "published_at", moment) for moment in OUTSIDE),
    *((Entry, "modified_at", moment) for moment in OUTSIDE),
    (Entry, "published_on", EARLIEST_DAY - datetime.timedelta(days=1)),
    (Entry, "published_on", LATEST_DAY + datetime.timedelta(days=1)),
    *((Comment, "submitted_at", moment) for moment in OUTSIDE),
]


def entry_form(moment, **overrides):
    """The admin's entry form as a browser posts it, dated `moment` in UTC."""
    return {
        "title": "Envoys meet",
        "slug": "envoys-meet",
        "body": "Text.",
        "status": "publish",
        "published_at_0": f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}",
        "published_at_1": f"{moment:%H:%M:%S}",
        "kind": "post",
        "tags": "",
        "menu_order": "0",
        "comments_open": "on",
        **overrides,
    }


@pytest.fixture
def in_utc(settings):
    # The form's fields are read in the current time zone: UTC, so that each value is the
    # moment named above.
    settings.TIME_ZONE = "UTC"


@pytest.mark.parametrize("moment", OUTSIDE, ids=str)
def test_the_admin_refuses_an_entry_dated_outside_the_range_with_a_clear_error(
    admin_client, in_utc, moment
):
    response = admin_client.post("/admin/newsarchive/entry/add/", entry_form(moment))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["published_at"]
    assert "Choose a date from January 2, 1000 to December 30, 9998" in errors["published_at"][0]
    assert "Choose a date from January 2, 1000 to December 30, 9998" in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("moment", OUTSIDE, ids=str)
def test_the_admin_refuses_to_redate_an_entry_outside_the_range(admin_client, in_utc, moment):
    entry = make_entry(slug="envoys-meet")
    before = Entry.objects.values().get()
    response = admin_client.post(f"/admin/newsarchive/entry/{entry.pk}/change/", entry_form(moment))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["published_at"]
    assert Entry.objects.values().get() == before


@pytest.mark.parametrize("moment", INSIDE, ids=str)
def test_the_admin_accepts_the_ranges_own_edges(admin_client, in_utc, moment):
    # The edges are in the future or the far past: save as a draft either way.
    data = entry_form(moment.replace(microsecond=0), status="draft")
    response = admin_client.post("/admin/newsarchive/entry/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Entry.objects.get().published_at == moment.replace(microsecond=0)


@pytest.mark.parametrize("moment", OUTSIDE, ids=str)
def test_a_comment_dated_outside_the_range_does_not_validate(moment):
    comment = Comment(entry=make_entry(), author_name="A", body="B", submitted_at=moment)
    with pytest.raises(ValidationError) as refused:
        comment.full_clean()
    assert list(refused.value.message_dict) == ["submitted_at"]
    assert "Choose a date from January 2, 1000" in refused.value.message_dict["submitted_at"][0]


@pytest.mark.parametrize(("model", "field", "value"), STORED_DATES, ids=str)
def test_the_database_refuses_every_stored_date_outside_the_range(model, field, value):
    entry = make_entry()
    row = make_comment(entry) if model is Comment else entry
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})
    assert getattr(model.objects.get(pk=row.pk), field) == getattr(row, field)


@pytest.mark.parametrize(
    ("model", "field"), [("entry", "published_at"), ("comment", "submitted_at")]
)
def test_the_database_keeps_the_ranges_own_edges(model, field):
    entry = make_entry(status="draft")
    row = make_comment(entry) if model == "comment" else entry
    for moment in INSIDE:
        type(row).objects.filter(pk=row.pk).update(**{field: moment})
        assert getattr(type(row).objects.get(pk=row.pk), field) == moment


def store_without_the_check(model, field, value, pk):
    """Store an unshowable date as an older version of the schema could: the check is lifted
    inside this test's transaction (SQLite: for the connection; PostgreSQL: dropped, and
    restored when the test's transaction rolls back)."""
    table = model._meta.db_table
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # Checked now: ALTER TABLE refuses to run with deferred checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            constraint = f"{model._meta.model_name}_{field}_showable"
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
        value = connection.ops.adapt_datetimefield_value(value)
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_the_migration_stops_at_unshowable_rows_and_lists_them_unchanged():
    from django.apps import apps

    migration = importlib.import_module("newsarchive.migrations.0019_showable_dates")
    entry = make_entry(slug="faulty-import")
    comment = make_comment(make_entry())
    migration.refuse_unshowable_dates(apps, None)  # nothing outside: goes on
    year_one = datetime.datetime(1, 1, 1, tzinfo=UTC)
    store_without_the_check(Entry, "published_at", year_one, entry.pk)
    store_without_the_check(Comment, "submitted_at", year_one, comment.pk)
    with pytest.raises(migration.UnshowableDates) as stopped:
        migration.refuse_unshowable_dates(apps, None)
    message = str(stopped.value)
    assert message.startswith("2 row(s) are dated outside what the archive can show")
    assert f"newsarchive_entry id {entry.pk}: published_at = 0001-01-01" in message
    assert f"newsarchive_comment id {comment.pk}: submitted_at = 0001-01-01" in message
    assert "Correct their dates (or delete them)" in message
    assert Entry.objects.filter(pk=entry.pk, published_at=year_one).exists()


DATED_ROUTES = [route for route in all_routes() if "year" in {p.name for p in route.parameters}]
YEARS_OUTSIDE = ["0000", "0001", "0999", "9999"]


@pytest.mark.parametrize("route", DATED_ROUTES, ids=str)
def test_every_dated_address_outside_the_range_is_a_404(client, route):
    make_entry(slug="story")
    for year in YEARS_OUTSIDE:
        for month, day in [("01", "01"), ("12", "31")]:
            values = {"year": year, "month": month, "day": day, "slug": "story"}
            address = route.address({**values, "page": "2", "number": "2"})
            assert client.get(address).status_code == 404, address
            assert client.post(address).status_code in (404, 405), address


@pytest.mark.parametrize("year", YEARS_OUTSIDE)
def test_wordpress_date_links_outside_the_range_are_404s(client, year):
    make_entry()
    for value in [year, f"{year}12", f"{year}1231", f"{year}0101"]:
        assert client.get(f"/?m={value}").status_code == 404, value


@pytest.mark.parametrize("year", ["0", "0000", "0999", "9999", "10000", "9" * 30, "0" * 30 + "1"])
def test_searching_a_year_outside_the_range_finds_nothing(client, year):
    make_entry(title="Envoys meet")
    response = client.get(f"/search/?q=envoys&year={year}")
    assert response.status_code == 200
    assert not response.context["entries"]
    assert client.get("/search/?q=envoys&year=2007").context["entries"]


# Any moment Python can hold, the range's edges and a tick either side of them most often, in
# zones from UTC-12 to UTC+14 (and one whose offset had seconds until 1972). What the archive
# cannot show is refused when stored; whatever is stored, every page that shows it answers.
ZONES = ["America/New_York", "UTC", "Etc/GMT+12", "Pacific/Kiritimati", "Asia/Kolkata",
         "Africa/Monrovia"]  # fmt: skip
EDGES = [EARLIEST_MOMENT, EARLIEST_MOMENT + TICK, LATEST_MOMENT, LATEST_MOMENT - TICK, *OUTSIDE]
moments = st.one_of(
    st.sampled_from(EDGES),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(
        min_value=EARLIEST_MOMENT.replace(tzinfo=None),
        max_value=LATEST_MOMENT.replace(tzinfo=None),
        timezones=st.just(UTC),
    ),
)


def stored_if_showable(make, moment):
    """What `make()` stores, or None when it was refused: as it must be exactly when the
    moment is outside what the archive can show."""
    try:
        with transaction.atomic():
            made = make()
    except (ValidationError, IntegrityError):
        assert not is_showable(moment), moment
        return None
    assert is_showable(moment), moment
    return made


def pages_showing(entry):
    """Every public page that shows this entry or its comments."""
    day = entry.published_on
    return [
        "/",
        entry.get_absolute_url(),
        f"/{day.year:04d}/",
        f"/{day.year:04d}/{day.month:02d}/",
        f"/{day.year:04d}/{day.month:02d}/{day.day:02d}/",
        "/category/world/",
        "/tag/iran/",
        "/source/associated-press/",
        "/search/?q=envoys&year=" + str(day.year),
        "/feed/",
        "/feed/atom/",
        "/comments/feed/",
        entry.get_comments_feed_url(),
        "/sitemap.xml",
        *(f"/sitemap-{section}.xml" for section in SITEMAPS),
    ]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(zone=st.sampled_from(ZONES), published=moments, commented=moments)
def test_every_page_answers_for_entries_and_comments_at_any_moment(
    client, admin_client, settings, zone, published, commented
):
    settings.TIME_ZONE = zone
    with transaction.atomic():
        cache.clear()
        try:
            show_everywhere(client, admin_client, published, commented)
        finally:
            transaction.set_rollback(True)


def show_everywhere(client, admin_client, published, commented):
    """An entry published and commented on at these moments (if the archive can show them),
    and every page that shows them."""
    world, iran, source = make_category("World"), make_tag("Iran"), make_source()
    attribution = {
        "source": source,
        "byline": "Scheherezade Faramarzi, Associated Press Writer",
        "dateline": "BAGHDAD",
        "categories": [world],
        "tags": [iran],
    }
    # An entry readers see, with a comment at the moment (a future entry is only staff's).
    seen = make_entry(title="Envoys meet again", **attribution)
    stored_if_showable(lambda: make_comment(seen, submitted_at=commented), commented)
    for address in [seen.get_absolute_url(), seen.get_comments_feed_url(), "/comments/feed/"]:
        assert client.get(address).status_code == 200, address
    entry = stored_if_showable(
        lambda: make_entry(title="Envoys meet", published_at=published, **attribution),
        published,
    )
    if entry is None:
        return
    stored_if_showable(lambda: make_comment(entry, submitted_at=commented), commented)
    entry.refresh_from_db()
    for address in pages_showing(entry):
        response = client.get(address)
        assert response.status_code in (200, 404), (address, response.status_code)
    # Staff see entries dated in the future too, and may delete any entry.
    assert admin_client.get(entry.get_absolute_url()).status_code == 200
    change = f"/admin/newsarchive/entry/{entry.pk}/"
    assert admin_client.get(f"{change}change/").status_code == 200
    assert admin_client.get("/admin/newsarchive/entry/").status_code == 200
    assert admin_client.get("/admin/newsarchive/comment/").status_code == 200
    assert admin_client.post(f"{change}delete/", {"post": "yes"}).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()
