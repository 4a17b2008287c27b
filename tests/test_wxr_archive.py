"""Imported archives in detail: threads, ids and old links, pages, authors, attribution."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from newsarchive.models import Attachment, Category, Comment, Entry, OldPermalink, Tag
from newsarchive.wxr.importer import import_wxr
from tests.factories import make_user
from tests.test_wxr_import import PHPUNIT, one_post_wxr, wxr

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


# Comments ---------------------------------------------------------------------------------


@pytest.fixture
def theme_unit_test():
    import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])


def test_comments_keep_their_ids_threads_states_authors_and_dates(theme_unit_test):
    deepest = Comment.objects.get(wp_id=915)
    chain = []
    while deepest:
        chain.append(deepest.wp_id)
        deepest = deepest.parent
    assert chain[-1] == 904 and len(chain) == 10
    reply = Comment.objects.get(wp_id=1017)  # unapproved reply under an approved comment
    assert reply.status == Comment.Status.PENDING
    assert reply.parent.wp_id == 168 and reply.parent.status == Comment.Status.APPROVED
    first = Comment.objects.get(wp_id=168)
    assert first.submitted_at == datetime.datetime(2007, 9, 4, 0, 49, 3, tzinfo=UTC)
    assert (first.author_name, first.author_email) == (
        "tellyworthtest2",
        "tellyworth+test2@example.com",
    )
    assert first.ip_address is None  # the export has none


def test_pingbacks_and_trackbacks_keep_their_kind_and_decoded_names(theme_unit_test):
    pings = Comment.objects.exclude(kind=Comment.Kind.COMMENT)
    assert Counter(pings.values_list("kind", flat=True)) == {"pingback": 2, "trackback": 2}
    names = list(pings.values_list("author_name", flat=True))
    assert any("« What’s a tellyworth?" in name for name in names), names
    assert not any("&laquo;" in name or "&#8217;" in name for name in names)


def test_comment_anchors_use_the_wordpress_ids(theme_unit_test, client):
    comment = Comment.objects.get(wp_id=904)
    assert comment.anchor == "comment-904"
    html = client.get(comment.entry.get_absolute_url()).content.decode()
    assert 'id="comment-904"' in html


def test_comment_states_map_spam_trash_and_missing_approval(tmp_path):
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>R{n}"
        f"</wp:comment_author><wp:comment_content>Text {n}</wp:comment_content>"
        f"{approved}<wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_author_IP>{ip}</wp:comment_author_IP></wp:comment>"
        for n, approved, kind, ip in [
            (1, "<wp:comment_approved>1</wp:comment_approved>", "comment", "2001:db8::1"),
            (2, "<wp:comment_approved>0</wp:comment_approved>", "", "not an address"),
            (3, "<wp:comment_approved>spam</wp:comment_approved>", "", ""),
            (4, "<wp:comment_approved>trash</wp:comment_approved>", "trackback", ""),
            (5, "", "pingback", ""),
            (6, "<wp:comment_approved>1</wp:comment_approved>", "note", ""),
        ]
    )
    summary = import_wxr([one_post_wxr(tmp_path, comments)])
    states = dict(Comment.objects.values_list("wp_id", "status"))
    assert states == {1: "approved", 2: "pending", 3: "spam", 4: "trash", 5: "pending"}
    assert dict(Comment.objects.values_list("wp_id", "kind"))[4] == "trackback"
    assert str(Comment.objects.get(wp_id=1).ip_address) == "2001:db8::1"
    assert Comment.objects.get(wp_id=2).ip_address is None
    assert summary.skipped == {"comments of type 'note'": 1}


def test_a_reply_listed_before_its_parent_is_still_threaded(tmp_path):
    comments = (
        "<wp:comment><wp:comment_id>8</wp:comment_id><wp:comment_parent>7</wp:comment_parent>"
        "<wp:comment_content>Reply</wp:comment_content></wp:comment>"
        "<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_content>First"
        "</wp:comment_content></wp:comment>"
        "<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_parent>99</wp:comment_parent>"
        "<wp:comment_content>Orphan</wp:comment_content></wp:comment>"
    )
    import_wxr([one_post_wxr(tmp_path, comments)])
    assert Comment.objects.get(wp_id=8).parent == Comment.objects.get(wp_id=7)
    assert Comment.objects.get(wp_id=9).parent is None


# Ids, slugs and old links -----------------------------------------------------------------


def test_wordpress_ids_and_permalinks_keep_working(theme_unit_test, client):
    entry = Entry.objects.get(wp_id=1241)
    assert entry.slug == "template-sticky"
    response = client.get("/?p=1241")
    assert (response.status_code, response["Location"]) == (301, entry.get_absolute_url())
    about = client.get("/?page_id=2")
    assert (about.status_code, about["Location"]) == (301, "/about/")
    assert client.get("/level-1/level-2/level-3/").status_code == 200


def test_slugs_are_kept_exactly_including_numbered_and_percent_encoded_ones(
    theme_unit_test, client
):
    assert Tag.objects.filter(slug="comments-2").exists()
    greek = Entry.objects.filter(kind=Entry.Kind.PAGE, slug__startswith="%ce%b5%cf%80").first()
    assert greek is not None and greek.path.startswith("greek/%ce%b5")
    assert client.get(greek.get_absolute_url()).status_code == 200
    from urllib.parse import unquote

    assert client.get(f"/{unquote(greek.path)}/").status_code == 200


def test_old_slugs_redirect_to_the_entry(theme_unit_test, client):
    old = OldPermalink.objects.get(slug="8-2")
    entry = old.entry
    assert old.published_on == entry.published_on
    response = client.get(f"/{old.published_on:%Y/%m/%d}/8-2/")
    assert (response.status_code, response["Location"]) == (301, entry.get_absolute_url())


def test_sticky_protected_future_and_draft_posts_come_in_as_they_were(theme_unit_test, client):
    assert list(Entry.objects.filter(is_sticky=True).values_list("wp_id", flat=True)) == [1241]
    protected = Entry.objects.get(password="enter")
    html = client.get(protected.get_absolute_url()).content.decode()
    assert "This content is password protected." in html
    assert "Protected:" in html
    future = Entry.objects.get(status=Entry.Status.SCHEDULED)
    assert future.published_at.year == 2030
    assert client.get(future.get_absolute_url()).status_code == 404
    draft = Entry.objects.get(status=Entry.Status.DRAFT)
    assert draft.slug  # WordPress left it empty; we derive one from the title


def test_hand_written_excerpts_are_kept(theme_unit_test):
    assert Entry.objects.exclude(excerpt="").count() == 1


def test_sticky_posts_option_marks_entries_sticky(tmp_path):
    channel = (
        "<wp:option><wp:option_name>sticky_posts</wp:option_name>"
        "<wp:option_value><![CDATA[a:1:{i:0;i:10;}]]></wp:option_value></wp:option>"
    )
    import_wxr([one_post_wxr(tmp_path, channel=channel)])
    assert Entry.objects.get(wp_id=10).is_sticky


def test_attachments_are_recorded_with_their_parent_even_when_it_comes_later():
    import_wxr([wxr(f"{PHPUNIT}/wxr-flat-attachment-different-site.xml")])
    attachment = Attachment.objects.get()
    assert attachment.entry == Entry.objects.get()
    assert attachment.url.startswith("http")
    assert attachment.mime_type.startswith("image/")


def test_pages_find_parents_that_come_later_in_the_file(client):
    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")])
    child = Entry.objects.get(wp_id=4)
    assert child.parent == Entry.objects.get(wp_id=6)
    assert child.path == "parent-page/child-page"
    assert client.get("/parent-page/child-page/").status_code == 200


def test_navigation_menus_and_other_post_types_are_skipped_and_counted(theme_unit_test):
    summary = import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])
    assert summary.skipped["nav_menu_item items"] == 70


# Authors ----------------------------------------------------------------------------------


def test_authors_become_users_who_cannot_log_in():
    import_wxr([wxr(f"{PHPUNIT}/large-authors.xml")])
    users = get_user_model().objects.all()
    assert users.count() == 300
    assert not any(user.has_usable_password() for user in users)


def test_author_logins_and_ids_are_trimmed():
    import_wxr([wxr(f"{PHPUNIT}/authors-multiline.xml")])
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert usernames and all(name == name.strip() for name in usernames)


def test_authors_in_wxr_1_0_come_from_the_items(client):
    import_wxr([wxr(f"{PHPUNIT}/valid-wxr-1.0.xml")])
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
    assert Entry.objects.filter(author__username="admin").count() == 6
    assert Tag.objects.exists() and not Category.objects.filter(slug="").exists()


def test_the_author_map_gives_entries_to_an_existing_user():
    chief = make_user("chief")
    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")], author_map={"admin": "chief"})
    assert Entry.objects.filter(author=chief).count() == 9
    assert not get_user_model().objects.filter(username="admin").exists()
    assert get_user_model().objects.filter(username="editor").exists()


def test_an_author_map_to_a_missing_user_is_refused():
    with pytest.raises(CommandError, match="there is no user 'nobody'"):
        call_command(
            "import_wxr",
            str(wxr(f"{PHPUNIT}/small-export.xml")),
            "--author-map",
            "admin=nobody",
            stdout=io.StringIO(),
        )


def test_namespaces_are_matched_by_uri_not_by_prefix():
    import_wxr([wxr(f"{PHPUNIT}/namespace-edge-cases.xml")])
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert usernames == {"real_user", "version_conflict"}
    assert set(Entry.objects.values_list("wp_id", flat=True)) == {1, 2, 3, 4, 6}
    assert set(Category.objects.exclude(slug="uncategorized").values_list("slug", flat=True)) == {
        "old-version",
        "new-version",
    }


# Attribution ------------------------------------------------------------------------------


def test_attribution_is_found_in_the_text_of_new_entries_and_the_body_is_untouched():
    path = wxr("seed-article.xml")
    import_wxr([path])
    entry = Entry.objects.get(wp_id=123)
    assert entry.source.name == "Associated Press"
    assert entry.byline == "Scheherezade Faramarzi, Associated Press Writer"
    assert entry.dateline == "BAGHDAD"
    assert entry.credit_line == "Staff and agencies"
    assert entry.original_published_on == datetime.date(2007, 3, 10)
    assert entry.contributors == (
        "Associated Press reporter Nasser Karimi in Tehran contributed to this report."
    )
    assert entry.body.startswith("Staff and agencies\n10 March, 2007\n\nBy SCHEHEREZADE")


def test_reimporting_does_not_refill_attribution_an_editor_cleared():
    import_wxr([wxr("seed-article.xml")])
    Entry.objects.filter(wp_id=123).update(byline="", dateline="Baghdad, Iraq")
    import_wxr([wxr("seed-article.xml")])
    entry = Entry.objects.get(wp_id=123)
    assert (entry.byline, entry.dateline) == ("", "Baghdad, Iraq")


def test_fields_the_model_derives_are_filled_as_entry_save_would(theme_unit_test):
    entries = list(Entry.objects.all())
    stored = [{name: getattr(e, name) for name in Entry.DERIVED} for e in entries]
    for entry, before in zip(entries, stored, strict=True):
        entry.derive_fields()
        entry.published_on = before["published_on"]  # the permalink day stays WordPress's
        entry.month_day = entry.published_on.month * 100 + entry.published_on.day
        assert {name: getattr(entry, name) for name in Entry.DERIVED} == before, entry.wp_id


def test_an_id_repeated_later_in_the_file_is_skipped_as_wordpress_does(tmp_path):
    def item(title, comment_id):
        return (
            f"<item><title>{title}</title><wp:post_id>10</wp:post_id>"
            "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
            f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
            "<wp:comment_content>Hi</wp:comment_content></wp:comment></item>"
        )

    path = tmp_path / "twice.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{item('First', 5)}"
        "<item><title>Other</title><wp:post_id>11</wp:post_id><wp:post_type>post"
        "</wp:post_type><wp:comment><wp:comment_id>5</wp:comment_id></wp:comment></item>"
        f"{item('Second', 6)}</channel></rss>"
    )
    summary = import_wxr([path], batch_size=1)
    assert list(Entry.objects.order_by("wp_id").values_list("wp_id", "title")) == [
        (10, "First"),
        (11, "Other"),
    ]
    assert list(Comment.objects.values_list("wp_id", "entry__wp_id")) == [(5, 10)]
    assert summary.skipped == {
        "post items repeating an earlier wp:post_id": 1,
        "comments repeating an earlier comment_id": 1,
    }


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_posts_of_one_file_at_the_same_day_and_slug_each_get_an_address(tmp_path, batch_size):
    """Into an empty archive as into a full one, in one batch or across several."""
    items = "".join(
        f"<item><title>Post {n}</title><wp:post_id>{n}</wp:post_id><wp:post_type>post"
        "</wp:post_type><wp:status>publish</wp:status><wp:post_name>a-post</wp:post_name>"
        "<wp:post_date>2007-03-10 12:00:00</wp:post_date></item>"
        for n in (10, 11, 12)
    )
    path = tmp_path / "same-address.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>"
    )
    summary = import_wxr([path], batch_size=batch_size)
    assert list(Entry.objects.order_by("wp_id").values_list("wp_id", "slug")) == [
        (10, "a-post"),
        (11, "a-post-2"),
        (12, "a-post-3"),
    ]
    assert len(summary.warnings) == 2
    assert import_wxr([path], batch_size=batch_size).total("updated") == 0
