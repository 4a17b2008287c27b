"""The comment list on an entry page: the markup its styles, comment-reply.js and links rely on."""

import re

import pytest

from tests.factories import at, comment_data, make_comment, make_entry

pytestmark = pytest.mark.django_db


def items(html):
    """Each `<li>` of the comment list, its whitespace between tags and lines dropped."""
    listed = re.search(r'<ol class="comment-list">(.*?)</ol>', html, re.S).group(1)
    listed = re.sub(r"\s+", " ", re.sub(r">\s+<", "><", listed)).strip()
    return re.findall(r"<li .*?</li>", listed)


def test_a_comment_is_marked_up_for_its_styles_script_and_links(client):
    entry = make_entry(published_at=at(2007, 3, 10, 18, 0))
    comment = make_comment(
        entry,
        author_name='Ann "O\'Neil" <AP>',
        author_url="https://example.org/?a=1&b=2",
        body="Well said.",
        submitted_at=at(2007, 3, 10, 18, 12, 59),
    )
    make_comment(entry, status="pending")  # someone else's
    make_comment(make_entry())  # on another entry

    [item] = items(client.get(entry.get_absolute_url()).content.decode())

    name = "Ann &quot;O&#x27;Neil&quot; &lt;AP&gt;"
    assert item == (
        f'<li id="comment-{comment.pk}" class="comment depth-1">'
        f'<article aria-label="Comment by {name}"><footer class="comment-meta">'
        f'<cite class="comment-author"><a href="https://example.org/?a=1&amp;b=2" '
        f'rel="external nofollow ugc">{name}</a></cite>'
        f'<a href="#comment-{comment.pk}" class="comment-permalink">'
        '<time datetime="2007-03-10T18:12:59-05:00">March 10, 2007 at 6:12 pm</time></a>'
        '</footer><div class="comment-body"><p>Well said.</p></div>'
        f'<p class="reply"><a href="?replyto={comment.pk}#respond" class="reply-link" '
        f'data-comment="{comment.pk}" data-author="{name}">Reply<span class="visually-hidden">'
        f" to {name}</span></a></p></article></li>"
    )


def test_the_commenters_own_pending_reply_is_nested_and_marked_as_awaiting(client):
    entry = make_entry(published_at=at(2007, 3, 10, 18, 0))
    parent = make_comment(entry, author_name="First", wp_id=77)
    client.post(
        entry.get_comment_post_url(),
        comment_data(entry, author_name="Me", body="Mine.", parent=parent.pk),
    )
    mine = entry.comments.get(author_name="Me")

    first, reply = items(client.get(entry.get_absolute_url()).content.decode())

    assert first.startswith('<li id="comment-77" class="comment depth-1">')  # its WordPress id
    assert reply.startswith(f'<li id="comment-{mine.pk}" class="comment depth-2 pending">')
    assert (
        '</footer><p class="awaiting-moderation">Your comment is awaiting moderation.</p>'
        '<div class="comment-body"><p>Mine.</p></div></article></li>'
    ) in reply  # and no Reply link: a reply to it would wait on a comment nobody sees
    assert '<cite class="comment-author">Me</cite>' in reply  # no website, no link


def test_comments_closed_lists_comments_without_reply_links(client):
    entry = make_entry(comments_open=False)
    make_comment(entry)

    [item] = items(client.get(entry.get_absolute_url()).content.decode())

    assert "reply-link" not in item and "?replyto=" not in item
