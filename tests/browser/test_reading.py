import pytest
from playwright.sync_api import expect

from newsarchive.management.commands.load_demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = "U.S. and Iran hold rare direct talks"


def test_reader_follows_the_seed_entry_its_neighbours_and_its_month(
    live_server, browser, screenshot_path
):
    load_demo(entries=60, verbosity=0)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url)
    heading = page.get_by_role("heading", level=1)

    page.get_by_role("link", name=SEED).first.click()
    expect(heading).to_have_text(SEED)
    expect(page.locator("time").first).to_have_text("March 10, 2007 at 6:12 pm")
    page.screenshot(path=screenshot_path("seed-entry"), full_page=True)

    page.locator("a[rel=prev]").click()
    expect(heading).to_have_text("McCain Backs ‘Don’t Ask, Don’t Tell’")
    page.locator("a[rel=next]").click()
    expect(heading).to_have_text(SEED)
    page.locator("a[rel=next]").click()
    expect(heading).to_have_text("Nevada Democrats Cancel Debate With Fox")

    page.get_by_role("complementary").get_by_role("link", name="March 2007").click()
    expect(heading).to_have_text("Archive for March, 2007")
    assert page.url == f"{live_server.url}/2007/03/"
    expect(page.get_by_role("link", name=SEED).first).to_be_visible()
    page.screenshot(path=screenshot_path("march-2007"), full_page=True)


def test_the_layout_fits_a_small_phone(live_server, browser, screenshot_path):
    load_demo(entries=20, verbosity=0)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/2007/03/10/us-and-iran-hold-rare-direct-talks/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=screenshot_path("seed-entry-phone"), full_page=True)
