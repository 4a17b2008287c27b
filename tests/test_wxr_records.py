"""Who may import and export, and the record every import leaves.

An import can create comments under any name, authors and entries, and an export holds every
commenter's email and address: both are permissions of their own, a superuser's by default,
given to no role. Every import (a dry run and a refused file too) writes an ImportRecord, and
one run in the admin is also in Django's admin log; an import never makes an account anyone
can log in to.
"""

import io

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from newsarchive.models import Comment, Entry, ImportRecord
from newsarchive.roles import ROLES
from newsarchive.wxr.importer import import_wxr
from tests.factories import make_user
from tests.test_wxr_import import EXPECTED, PHPUNIT, wxr

pytestmark = pytest.mark.django_db

URL = "/admin/newsarchive/entry/import/"
RECORDS = "/admin/newsarchive/importrecord/"
SUPERUSER_ONLY = ["import_wxr", "export_wxr"]


def upload(name):
    return SimpleUploadedFile(name.rsplit("/", 1)[-1], wxr(name).read_bytes(), "text/xml")


def staff_in(group_name, username="staff"):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


# Who may import -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_role_may_import_or_see_the_way_to(client, role):
    """An Editor may add and change every entry, and still may not import: an import makes
    comments under any name, authors and entries in one go."""
    client.force_login(staff_in(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")}).status_code == 403
    assert not Entry.objects.exists() and not Comment.objects.exists()
    if role == "Editor":
        changelist = client.get("/admin/newsarchive/entry/").content.decode()
        assert "Import a WordPress export" not in changelist
    assert client.get(RECORDS).status_code == 403


def test_someone_given_the_import_permission_may_import(client):
    user = staff_in("Editor")
    user.user_permissions.add(Permission.objects.get(codename="import_wxr"))
    client.force_login(user)
    assert "Import a WordPress export" in client.get("/admin/newsarchive/entry/").content.decode()
    response = client.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")})
    assert response.status_code == 200
    assert Entry.objects.count() == 11


def test_roles_hold_only_their_models_own_permissions():
    """The kind: a permission a model declares beyond add, change, delete and view (importing,
    exporting, any added later) is given deliberately, never by a role."""
    declared = {
        codename
        for model in apps.get_app_config("newsarchive").get_models()
        for codename, _ in model._meta.permissions
    }
    assert set(SUPERUSER_ONLY) <= declared
    for role, models in ROLES.items():
        held = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert held, role
        assert not held & declared, role
        allowed = {
            f"{action}_{model}"
            for action in ("add", "change", "delete", "view")
            for model in models
        }
        assert held <= allowed, role


def test_a_superuser_holds_both_permissions(admin_user):
    assert all(admin_user.has_perm(f"newsarchive.{codename}") for codename in SUPERUSER_ONLY)


# Imported authors ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_import_never_makes_an_account_anyone_can_log_in_to(client, name):
    existing = set(get_user_model().objects.values_list("pk", flat=True))
    import_wxr([wxr(name)])
    made = get_user_model().objects.exclude(pk__in=existing)
    for user in made:
        assert not user.is_active and not user.has_usable_password(), user.username
        assert not user.is_staff and not user.is_superuser, user.username
        assert not client.login(username=user.username, password=""), user.username


def test_authors_named_only_on_items_are_inactive_accounts_too(tmp_path):
    from tests.test_wxr_import import one_post_wxr

    import_wxr([one_post_wxr(tmp_path, "<dc:creator>nobody-declared</dc:creator>")])
    user = get_user_model().objects.get(username="nobody-declared")
    assert not user.is_active and not user.has_usable_password()


# Records ------------------------------------------------------------------------------------


def test_an_import_in_the_admin_is_recorded_and_in_the_admin_log(admin_client, admin_user):
    admin_client.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")})
    record = ImportRecord.objects.get()
    assert (record.user, record.username, record.via) == (admin_user, "admin", "admin")
    assert (record.outcome, record.files) == ("imported", "small-export.xml")
    assert record.counts["posts"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert "Imported small-export.xml: 11 entries" in record.summary
    logged = LogEntry.objects.get()
    assert (logged.user, logged.action_flag, logged.get_edited_object()) == (
        admin_user,
        ADDITION,
        record,
    )
    assert "small-export.xml" in logged.get_change_message()
    index = admin_client.get("/admin/").content.decode()
    assert "Recent actions" in index and str(record).replace("'", "&#x27;") in index


def test_dry_runs_and_refused_files_are_recorded_too(admin_client, admin_user):
    small, malformed = f"{PHPUNIT}/small-export.xml", f"{PHPUNIT}/malformed-simple.xml"
    admin_client.post(URL, {"file": upload(small), "dry_run": "on"})
    admin_client.post(URL, {"file": upload(malformed)})
    refused, dry_run = ImportRecord.objects.order_by("-pk")
    assert (dry_run.outcome, dry_run.counts["posts"]["created"]) == ("dry-run", 6)
    assert refused.outcome == "refused" and refused.counts == {}
    assert refused.error.startswith("malformed-simple.xml, line 14, column 1: the file ends")
    assert LogEntry.objects.filter(user=admin_user).count() == 2
    assert not Entry.objects.exists()


def test_a_command_line_import_is_recorded_as_having_no_user():
    call_command("import_wxr", str(wxr(f"{PHPUNIT}/small-export.xml")), stdout=io.StringIO())
    record = ImportRecord.objects.get()
    assert (record.user, record.via, record.outcome) == (None, "command", "imported")
    assert record.who == "no user (the command line)"
    assert not LogEntry.objects.exists()  # Django's log needs a user; the record says so


def test_records_are_read_only_in_the_admin(admin_client):
    call_command("import_wxr", str(wxr(f"{PHPUNIT}/small-export.xml")), stdout=io.StringIO())
    record = ImportRecord.objects.get()
    listing = admin_client.get(RECORDS).content.decode()
    assert "no user (the command line)" in listing and "small-export.xml" in listing
    assert "Add import record" not in listing
    page = admin_client.get(f"{RECORDS}{record.pk}/change/").content.decode()
    assert "Imported small-export.xml: 11 entries" in page
    assert 'name="_save"' not in page
    assert admin_client.post(f"{RECORDS}{record.pk}/change/", {}).status_code == 403
    assert admin_client.post(f"{RECORDS}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{RECORDS}add/").status_code == 403
    assert ImportRecord.objects.count() == 1


# Who may export -----------------------------------------------------------------------------

EXPORT = "/admin/newsarchive/entry/export/"


def test_the_archive_downloads_as_a_wordpress_file_for_those_allowed(admin_client, tmp_path):
    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")])
    changelist = admin_client.get("/admin/newsarchive/entry/").content.decode()
    assert f'<a href="{EXPORT}">Export as a WordPress file</a>' in changelist
    response = admin_client.get(EXPORT)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="news-archive-')
    text = b"".join(response.streaming_content).decode()
    assert "<wp:base_site_url>http://testserver</wp:base_site_url>" in text
    assert text.count("<item>") == Entry.objects.count()
    path = tmp_path / "download.xml"
    path.write_text(text, encoding="utf-8")
    assert import_wxr([path]).total("created") == 0


@pytest.mark.parametrize("role", ROLES)
def test_no_role_may_export(client, role):
    client.force_login(staff_in(role))
    assert client.get(EXPORT).status_code == 403
    if role == "Editor":
        changelist = client.get("/admin/newsarchive/entry/").content.decode()
        assert "Export as a WordPress file" not in changelist


def test_someone_given_the_export_permission_may_export_and_not_import(client):
    user = staff_in("Editor")
    user.user_permissions.add(Permission.objects.get(codename="export_wxr"))
    client.force_login(user)
    assert client.get(EXPORT).status_code == 200
    assert client.get(URL).status_code == 403
