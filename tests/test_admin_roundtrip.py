"""Every admin form round-trips: opening an object's change page and saving it untouched, as
a browser sends the form, answers with a redirect and leaves the database exactly as it was.

One test over `admin.site._registry`: a new ModelAdmin is covered with no new code, over
every object of its model in two archives: one built to hold every kind of row and value
(tests/realistic.py), and WordPress's own sample export (wptest.xml) as the import stores it.
"""

from collections import defaultdict

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from newsarchive.models import Entry
from newsarchive.wxr.importer import import_wxr
from tests.browser_forms import form_data
from tests.factories import make_user
from tests.realistic import build_archive
from tests.test_wxr_import import wxr

pytestmark = pytest.mark.django_db

# Tables a save may legitimately write, each with why:
IGNORED_TABLES = {
    # The admin records every save in the object's history ("No fields changed." for this
    # one); test_an_untouched_save_is_logged_as_changing_nothing checks what it says.
    LogEntry._meta.db_table,
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def snapshot():
    """Every row of every table, keyed by table name (rows sorted, as sets with counts)."""
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in IGNORED_TABLES:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [c[0] for c in cursor.description]
            rows[table] = sorted(
                (tuple(zip(columns, row, strict=True)) for row in cursor.fetchall()), key=repr
            )
    return rows


def differences(before, after):
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            gone = [r for r in old if r not in new]
            came = [r for r in new if r not in old]
            found.append(f"{table}:\n  before {gone}\n  after  {came}")
    return found


def post_back(client, url, changes=None):
    """GET the change page and send its form back, clicking Save: untouched, or with the
    fields in `changes` typed over."""
    page = client.get(url)
    assert page.status_code == 200, url
    data = defaultdict(list)
    for name, value in form_data(page.content.decode(), submitter="_save"):
        data[name].append(value)
    data.update({name: [value] for name, value in (changes or {}).items()})
    return client.post(url, dict(data))


def imported_archive():
    import_wxr([wxr("wptest/wptest.xml")])
    return {"superuser": make_user("chief", is_staff=True, is_superuser=True), "built": False}


ARCHIVES = {"built": build_archive, "imported from wptest.xml": imported_archive}


@pytest.fixture(params=ARCHIVES)
def archive(request, client):
    objects = {"built": True, **ARCHIVES[request.param]()}
    client.force_login(objects["superuser"])
    return objects


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_form_saves_back_unchanged(client, archive, model):
    model_admin = admin.site._registry[model]
    objects = list(model._default_manager.order_by("pk"))
    if archive["built"]:  # the built archive holds every kind of row; an import may not
        assert objects, f"tests/realistic.py has no {model._meta.label} for its admin to open"
    before = snapshot()
    as_superuser = RequestFactory().get("/")
    as_superuser.user = archive["superuser"]
    read_only = not model_admin.has_change_permission(as_superuser)
    for obj in objects:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        if read_only:  # a record to read: it opens, and sending anything back is refused
            assert client.get(url).status_code == 200, url
            assert client.post(url, {}).status_code == 403, url
            continue
        response = post_back(client, url)
        assert response.status_code == 302, (
            f"{model._meta.label} {obj.pk} ({model_admin}): the untouched form was refused:\n"
            + errors_in(response)
        )
    # Compared once per model, the rows that changed say which object's save changed them.
    changed = differences(before, snapshot())
    assert not changed, f"saving each {model._meta.label} untouched changed:\n" + "\n".join(changed)


def errors_in(response):
    import lxml.html

    page = lxml.html.document_fromstring(response.content.decode())
    found = page.xpath("//*[contains(@class, 'errorlist') or contains(@class, 'errornote')]")
    return "\n".join(e.text_content().strip() for e in found)


def test_an_untouched_save_is_logged_as_changing_nothing(client):
    talks = build_archive()["talks"]
    client.force_login(get_user_model().objects.get(username="chief"))
    url = reverse("admin:newsarchive_entry_change", args=[talks.pk])
    assert post_back(client, url).status_code == 302
    entry = LogEntry.objects.get(object_id=str(talks.pk))
    assert entry.get_change_message() == "No fields changed."


def test_a_stored_value_todays_rules_refuse_is_kept_while_another_field_changes(client):
    """An imported post without a title and with WordPress's percent-encoded slug can be
    edited; what the editor changes is checked as always."""
    build_archive()
    client.force_login(get_user_model().objects.get(username="chief"))
    entry = Entry.objects.get(wp_id=456)
    url = reverse("admin:newsarchive_entry_change", args=[entry.pk])
    Entry.objects.filter(pk=entry.pk).update(slug="%d8%a8")
    assert post_back(client, url, {"body": "Now with a body."}).status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.slug, entry.body) == ("", "%d8%a8", "Now with a body.")
    refused = post_back(client, url, {"slug": "not a slug"})
    assert refused.status_code == 200 and "valid “slug”" in errors_in(refused)
    assert Entry.objects.get(pk=entry.pk).slug == "%d8%a8"
