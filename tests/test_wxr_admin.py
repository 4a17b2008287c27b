"""The admin's "Import a WordPress export" page, linked from the entries changelist."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from newsarchive.models import Entry
from tests.factories import make_user
from tests.test_wxr_import import PHPUNIT, database_state, wxr

pytestmark = pytest.mark.django_db
URL = "/admin/newsarchive/entry/import/"


def upload(name):
    return SimpleUploadedFile(name.rsplit("/", 1)[-1], wxr(name).read_bytes(), "text/xml")


def test_the_entries_changelist_links_to_the_import_page(admin_client):
    html = admin_client.get("/admin/newsarchive/entry/").content.decode()
    assert f'<a href="{URL}">Import a WordPress export</a>' in html


def test_the_page_offers_an_upload_form(admin_client):
    html = admin_client.get(URL).content.decode()
    assert "<h1>Import a WordPress export</h1>" in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "Files up to 64 MB" in html


def test_uploading_an_export_imports_it_and_shows_the_summary(admin_client):
    response = admin_client.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")})
    html = response.content.decode()
    assert response.status_code == 200
    assert Entry.objects.count() == 11
    assert "Imported small-export.xml: 11 entries in" in html
    assert '<tr><th scope="row">Posts</th><td>6</td><td>0</td><td>0</td></tr>' in html


def test_a_dry_run_shows_what_would_change_and_saves_nothing(admin_client):
    before = database_state()
    response = admin_client.post(
        URL, {"file": upload(f"{PHPUNIT}/small-export.xml"), "dry_run": "on"}
    )
    assert "dry run: nothing was saved" in response.content.decode()
    assert database_state() == before


def test_a_malformed_file_is_refused_with_where_and_why(admin_client):
    before = database_state()
    response = admin_client.post(URL, {"file": upload(f"{PHPUNIT}/malformed-simple.xml")})
    assert response.status_code == 400
    assert (
        "nothing was changed: malformed-simple.xml, line 14, column 1: the file ends in the "
        "middle of the document" in response.content.decode()
    )
    assert database_state() == before


def test_a_file_over_the_limit_is_refused_while_it_is_read(admin_client, settings):
    settings.WXR_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.xml", b"<rss>" + b" " * (1024 * 1024 + 10), "text/xml")
    response = admin_client.post(URL, {"file": big})
    assert response.status_code == 400
    assert "The file is larger than 1 MB" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_request_far_over_the_limit_is_answered_without_reading_it(admin_client, settings):
    settings.WXR_UPLOAD_MAX_BYTES = 1024
    response = admin_client.generic(
        "POST", URL, b"x" * 10, content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="999999",
    )  # fmt: skip
    assert response.status_code == 413


def test_an_author_map_must_name_logins_and_users(admin_client):
    response = admin_client.post(
        URL, {"file": upload(f"{PHPUNIT}/small-export.xml"), "author_map": "admin"}
    )
    assert response.status_code == 400
    assert "expected LOGIN=USERNAME" in response.content.decode()
    assert not Entry.objects.exists()


def test_staff_without_permission_to_add_and_change_entries_cannot_import(client):
    user = make_user("moderator", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_entry"))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")}).status_code == 403
    assert not Entry.objects.exists()


def test_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_form_checks_the_csrf_token(admin_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    response = browser.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")})
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_every_part_of_a_summary_is_shown_after_an_import(admin_client):
    """Skipped records (nav menu items, here) and attribution found in the text are counted
    by reason; the page showed them through a Counter and answered 500 after committing."""
    theme_unit_test = upload("theme-test-data/themeunittestdata.wordpress.xml")
    response = admin_client.post(URL, {"file": theme_unit_test})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h3>Skipped</h3>" in html and "nav_menu_item items" in html
    response = admin_client.post(URL, {"file": upload("seed-article.xml")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h3>Attribution found in the text of new entries</h3>" in html
    assert "Byline: 1" in html


@pytest.mark.parametrize("reason", ["items", "values", "keys", "get", "an ordinary reason"])
def test_a_summary_shows_whatever_its_counts_are_called(admin_client, monkeypatch, reason):
    """Every tally the Summary keeps, under any name (even one a template would take for a
    method), is shown as the command prints it."""
    from collections import Counter

    from newsarchive.wxr import importer
    from newsarchive.wxr.summary import Summary

    def run(self, files):
        summary = Summary()
        summary.files.append("export.xml")
        for name, value in vars(summary).items():
            if isinstance(value, Counter):
                value[reason] += 3
            elif isinstance(value, list) and name != "files":
                value.append(f"a note about {reason}")
        summary.add("posts", "created", 2)
        return summary

    monkeypatch.setattr(importer.Importer, "run", run)
    response = admin_client.post(URL, {"file": upload(f"{PHPUNIT}/small-export.xml")})
    html = response.content.decode()
    assert response.status_code == 200
    shown = html[html.find("<section") : html.find("</section>")].lower()
    assert shown.count(reason) >= 4  # skipped, attribution, a warning and a change
