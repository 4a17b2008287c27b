"""Every admin form round-trips: opening an object's change page and saving it untouched, as
a browser sends the form, answers with a redirect and leaves the database exactly as it was.

One test over `admin.site._registry`: a new ModelAdmin is covered with no new code, over
every object of its model in the realistic archive (tests/realistic.py).
"""

from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse

from tests.browser_forms import form_data
from tests.realistic import build_archive

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


def post_back(client, url):
    """GET the change page and send its form back untouched, clicking Save."""
    page = client.get(url)
    assert page.status_code == 200, url
    data = defaultdict(list)
    for name, value in form_data(page.content.decode(), submitter="_save"):
        data[name].append(value)
    return client.post(url, dict(data))


@pytest.fixture
def archive(client):
    objects = build_archive()
    client.force_login(objects["superuser"])
    return objects


def test_the_realistic_archive_fills_every_table(archive):
    empty = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in {"newsarchive", "auth", "taggit"} or model in REGISTERED
        if model._meta.label != "taggit.Tag" and not model._default_manager.exists()
    ]
    # taggit's own Tag and TaggedItem are unused (entries are tagged with newsarchive's Tag).
    assert empty == ["taggit.TaggedItem"], "tests/realistic.py creates no rows of these"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_form_saves_back_unchanged(client, archive, model):
    model_admin = admin.site._registry[model]
    objects = list(model._default_manager.order_by("pk"))
    assert objects, f"tests/realistic.py has no {model._meta.label} for its admin to open"
    for obj in objects:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        before = snapshot()
        response = post_back(client, url)
        assert response.status_code == 302, (
            f"{model._meta.label} {obj.pk} ({model_admin}): the untouched form was refused:\n"
            + errors_in(response)
        )
        changed = differences(before, snapshot())
        assert not changed, f"saving {model._meta.label} {obj.pk} untouched changed:\n" + "\n".join(
            changed
        )


def errors_in(response):
    import lxml.html

    page = lxml.html.document_fromstring(response.content.decode())
    found = page.xpath("//*[contains(@class, 'errorlist') or contains(@class, 'errornote')]")
    return "\n".join(e.text_content().strip() for e in found)


def test_an_untouched_save_is_logged_as_changing_nothing(client, archive):
    talks = archive["talks"]
    url = reverse("admin:newsarchive_entry_change", args=[talks.pk])
    assert post_back(client, url).status_code == 302
    entry = LogEntry.objects.get(object_id=str(talks.pk))
    assert entry.get_change_message() == "No fields changed."
