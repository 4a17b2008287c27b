"""An editor's entry form in Chromium: saved untouched it keeps the same tags (and everything
else); tags typed with commas, quotes and other scripts come back as typed; the tag box
suggests names, quoted as the box reads them."""

import pytest
from playwright.sync_api import expect

from newsarchive.models import Entry, Tag, TaggedEntry
from tests.factories import at, make_entry
from tests.realistic import TAG_NAMES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def entry_row(entry):
    fields = [f.attname for f in Entry._meta.concrete_fields]
    return Entry.objects.filter(pk=entry.pk).values(*fields).get()


def filing():
    return sorted(TaggedEntry.objects.values_list("content_object", "tag__name", "tag__slug"))


def log_in(page, url):
    page.goto(url)
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()


def test_an_entry_saved_untouched_keeps_its_tags(
    live_server, browser, django_user_model, screenshot_path
):
    django_user_model.objects.create_superuser("editor", "ed@example.org", "a-long-password-1")
    entry = make_entry(
        title="U.S. and Iran hold “rare” talks",
        body="<p>BAGHDAD — The talks began.</p>\n\nSecond paragraph.\n",
        excerpt="Two lines.\nOf excerpt.",
        byline="SCHEHEREZADE FARAMARZI, Associated Press Writer",
        published_at=at(2007, 3, 10, 17, 43),
    )
    entry.tags.add(*TAG_NAMES)
    row, tags, tag_rows = entry_row(entry), filing(), list(Tag.objects.values())
    url = f"{live_server.url}/admin/newsarchive/entry/{entry.pk}/change/"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, url)
    box = page.get_by_label("Tags")
    shown = box.input_value()
    assert "[" not in shown and "<Tag" not in shown
    assert '"Washington, D.C."' in shown and '"The ""surge"""' in shown
    page.screenshot(path=screenshot_path("entry-form-tags"), full_page=True)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    page.goto(url)
    expect(page.get_by_label("Tags")).to_have_value(shown)
    assert filing() == tags
    assert list(Tag.objects.values()) == tag_rows
    assert entry_row(entry) == row


def test_tags_typed_in_the_box_come_back_as_typed(live_server, browser, django_user_model):
    django_user_model.objects.create_superuser("editor", "ed@example.org", "a-long-password-1")
    entry = make_entry(title="Golf", published_at=at(2007, 3, 10, 12))
    entry.tags.add("Iran", "Washington, D.C.")
    url = f"{live_server.url}/admin/newsarchive/entry/{entry.pk}/change/"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, url)
    box = page.get_by_label("Tags")
    box.fill("")
    box.press_sequentially("Ir")
    # The suggestion keeps what was typed before it, and quotes a name holding a comma.
    expect(page.locator("#id_tags-suggestions option")).to_have_count(1)
    assert page.locator("#id_tags-suggestions option").get_attribute("value") == "Iran"
    box.fill("Iran, Wa")
    box.press_sequentially("s")
    expect(page.locator("#id_tags-suggestions option")).to_have_attribute(
        "value", 'Iran, "Washington, D.C."'
    )
    box.fill('Iran, "Washington, D.C.", القاهرة, golf ⛳, nuclear talks')
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    expect(page.get_by_label("Tags")).to_have_value(
        'golf ⛳, Iran, nuclear talks, "Washington, D.C.", القاهرة'
    )
    assert sorted(entry.tags.names()) == sorted(
        ["Iran", "Washington, D.C.", "القاهرة", "golf ⛳", "nuclear talks"]
    )
    reader = browser.new_page()
    reader.goto(f"{live_server.url}{entry.get_absolute_url()}")
    for name in ["القاهرة", "golf ⛳", "nuclear talks"]:
        link = reader.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert reader.request.get(live_server.url + link.get_attribute("href")).status == 200
