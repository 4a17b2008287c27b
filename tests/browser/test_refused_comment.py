"""A comment refused is shown again where the person is looking: at the form, with the summary
of what to do focused and announced, and everything they typed still there."""

import pytest
from playwright.sync_api import expect

from newsarchive.models import Comment
from tests.factories import make_comment, make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def long_entry():
    entry = make_entry(title="Talks resume", slug="talks-resume", body="Paragraph.\n\n" * 80)
    for n in range(30):
        make_comment(entry, body=f"An earlier comment, number {n}.\n\n" * 3)
    return entry


def fill(page, body):
    page.get_by_role("textbox", name="Name", exact=True).fill("Jane Reader")
    page.get_by_role("textbox", name="Email", exact=True).fill("jane@example.org")
    page.get_by_role("textbox", name="Comment", exact=True).fill(body)


def summary_is_focused_and_visible(page):
    summary = page.locator("#comment-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.url.endswith("#respond")


def test_a_quick_paste_and_send_is_shown_again_then_taken(live_server, browser, screenshot_path):
    entry = long_entry()
    page = browser.new_page()
    page.goto(f"{live_server.url}{entry.get_absolute_url()}")
    fill(page, "Pasted and sent at once.")
    page.get_by_role("button", name="Post Comment").click()  # well within two seconds
    summary_is_focused_and_visible(page)
    expect(page.locator("#comment-errors")).to_have_text(
        "Please check your comment and send it again."
    )
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Pasted and sent at once."
    )
    page.screenshot(path=screenshot_path("comment-check-again"))
    assert not Comment.objects.filter(body="Pasted and sent at once.").exists()
    page.wait_for_timeout(2500)  # reads the sentence, sends again
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert Comment.objects.get(body="Pasted and sent at once.").status == "pending"


def test_a_refused_comment_lands_on_the_form_with_the_summary_focused(live_server, browser):
    entry = long_entry()
    page = browser.new_page()
    page.goto(f"{live_server.url}{entry.get_absolute_url()}")
    fill(page, "Words with a mistyped address.")
    page.get_by_role("textbox", name="Email", exact=True).fill("jane at example")
    page.wait_for_timeout(2500)
    page.get_by_role("button", name="Post Comment").click()
    summary_is_focused_and_visible(page)
    expect(page.get_by_text("Please give a valid email address.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Words with a mistyped address."
    )
