import pytest
from playwright.sync_api import expect

from tests.factories import at, make_category, make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_files_three_entries_and_finds_them_on_the_category_page(
    live_server, browser, django_user_model, screenshot_path
):
    django_user_model.objects.create_superuser("editor", "ed@example.org", "a-long-password-1")
    make_category("Middle East")
    titles = [f"Talks in Baghdad, day {n}" for n in (1, 2, 3)]
    for n, title in enumerate(titles, start=1):
        make_entry(title=title, published_at=at(2007, 3, n))
    make_entry(title="Unrelated story", published_at=at(2007, 3, 9))

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/newsarchive/entry/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()

    for title in titles:
        page.get_by_role("row", name=title).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("file_into")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="File into category")).to_be_visible()
    page.get_by_label("Middle East").check()
    page.screenshot(path=screenshot_path("file-into-category"), full_page=True)
    page.get_by_role("button", name="File into category").click()
    expect(page.get_by_text("3 entries filed into Middle East.")).to_be_visible()

    page.goto(f"{live_server.url}/category/middle-east/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Archive for the ‘Middle East’ Category"
    )
    listing = page.get_by_role("main")
    for title in titles:
        expect(listing.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(listing.get_by_role("link", name="Unrelated story", exact=True)).to_have_count(0)
    page.screenshot(path=screenshot_path("category-after-filing"), full_page=True)
