import pytest
from playwright.sync_api import expect

from newsarchive.models import Comment
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_comment_awaits_moderation_then_appears_for_everyone(
    live_server, browser, django_user_model, screenshot_path
):
    entry = make_entry(title="Talks resume", slug="talks-resume")
    django_user_model.objects.create_superuser("moderator", "mod@example.org", "a-long-password-1")
    url = f"{live_server.url}{entry.get_absolute_url()}"

    reader = browser.new_context().new_page()
    reader.goto(url)
    reader.get_by_role("textbox", name="Name", exact=True).fill("Jane Reader")
    reader.get_by_role("textbox", name="Email", exact=True).fill("jane@example.org")
    reader.get_by_role("textbox", name="Comment", exact=True).fill(
        "A first comment from the browser."
    )
    reader.wait_for_timeout(2500)  # a person takes a moment; faster posts count as bots
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert reader.url.endswith(f"#comment-{Comment.objects.get().pk}")
    reader.screenshot(path=screenshot_path("comment-awaiting-moderation"), full_page=True)

    stranger = browser.new_context().new_page()
    stranger.goto(url)
    assert stranger.get_by_text("A first comment from the browser.").count() == 0

    admin = browser.new_context().new_page()
    admin.goto(f"{live_server.url}/admin/newsarchive/comment/")
    admin.get_by_label("Username").fill("moderator")
    admin.get_by_label("Password").fill("a-long-password-1")
    admin.get_by_role("button", name="Log in").click()
    admin.locator("input[name=_selected_action]").first.check()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.get_by_text("1 comment approved.")).to_be_visible()
    admin.screenshot(path=screenshot_path("moderation-queue"), full_page=True)

    stranger.reload()
    expect(stranger.get_by_text("A first comment from the browser.")).to_be_visible()
    expect(stranger.get_by_text("Your comment is awaiting moderation.")).to_have_count(0)
    expect(stranger.get_by_role("heading", name="1 Comment on “Talks resume”")).to_be_visible()


def test_reply_links_move_the_form_under_the_comment(live_server, browser):
    entry = make_entry(title="Talks resume", slug="talks-resume")
    first = Comment.objects.create(
        entry=entry, author_name="First Reader", body="Opening remark.", status="approved"
    )
    under_first = f"#{first.anchor} #respond"
    page = browser.new_page()
    page.goto(f"{live_server.url}{entry.get_absolute_url()}")
    page.get_by_role("link", name="Reply to First Reader").click()
    assert page.locator(under_first).count() == 1
    expect(page.get_by_text("Replying to First Reader.")).to_be_visible()
    assert page.locator("input[name=parent]").input_value() == str(first.pk)
    page.get_by_role("link", name="Cancel reply").click()
    assert page.locator(under_first).count() == 0
    assert page.locator("input[name=parent]").input_value() == ""
