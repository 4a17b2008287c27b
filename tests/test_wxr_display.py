"""How imported WordPress content shows: shortcodes, and comments that arrive as HTML."""

import pytest

from newsarchive.content import render_body, render_wordpress_comment, shortcodes
from tests.factories import make_comment, make_entry

CAPTION = (
    '[caption id="attachment_906" align="aligncenter" width="580"]<img src="https://example.com/'
    'a.jpg" alt="A" width="580" height="300" /> Look at <a href="https://example.com/">this</a> '
    "caption.[/caption]"
)


def test_a_caption_becomes_a_figure_with_its_caption():
    html = render_body(f"Before.\n\n{CAPTION}\n\nAfter.")
    assert '<figure id="attachment_906" class="wp-caption aligncenter">' in html
    assert '<img src="https://example.com/a.jpg" alt="A" width="580" height="300">' in html
    assert (
        '<figcaption class="wp-caption-text">Look at <a href="https://example.com/" '
        'rel="noopener noreferrer">this</a> caption.</figcaption></figure>'
    ) in html
    assert "[caption" not in html and "[/caption]" not in html
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html


def test_an_old_style_caption_attribute_is_the_caption():
    html = shortcodes('[caption align="alignleft" caption="The river"]<img src="r.jpg">[/caption]')
    assert html == (
        '<figure class="wp-caption alignleft"><img src="r.jpg">'
        '<figcaption class="wp-caption-text">The river</figcaption></figure>'
    )


def test_galleries_and_unknown_shortcodes_with_attributes_are_removed():
    assert shortcodes('Look: [gallery ids="1,2,3"] done') == "Look:  done"
    assert shortcodes("[gallery]") == ""
    assert shortcodes('[contact-form-7 id="12" title="Contact"]') == ""
    assert shortcodes("[myplugin foo='bar' /]") == ""


def test_unknown_enclosing_shortcodes_keep_their_content():
    assert shortcodes('[highlight color="yellow"]Important[/highlight] text') == "Important text"
    assert shortcodes("[column][row]Nested[/row][/column]") == "Nested"


def test_square_brackets_that_are_not_shortcodes_stay():
    text = "He said [sic] that 2 [1] items were [in stock]."
    assert shortcodes(text) == text


def test_a_doubled_bracket_escapes_a_shortcode_as_text():
    assert shortcodes("Write [[gallery]] to show one.") == "Write [gallery] to show one."


def test_audio_video_and_embeds_become_links_to_the_media():
    assert shortcodes('[audio mp3="https://example.com/a.mp3"][/audio]') == (
        '<a href="https://example.com/a.mp3">a.mp3</a>'
    )
    assert shortcodes("[embed]https://example.com/v[/embed]") == (
        '<a href="https://example.com/v">v</a>'
    )
    assert shortcodes('[video width="1" height="2"]') == ""


def test_wordpress_comment_html_keeps_simple_formatting_and_drops_the_rest():
    html = render_wordpress_comment(
        "<p>Nice <strong>post</strong>, <em>really</em>.</p>\n\n"
        '<h1>Shout</h1><table><tr><td>cell</td></tr></table><img src="x" onerror="y()">'
        '<a href="https://example.com/" onclick="x()" target="_blank">me</a> '
        '<a href="javascript:alert(1)">bad</a> see https://example.org/page'
    )
    assert "<strong>post</strong>" in html and "<em>really</em>" in html
    assert "<h1>" not in html and "<table>" not in html and "<img" not in html
    assert "Shout" in html and "cell" in html
    assert '<a href="https://example.com/" rel="nofollow ugc">me</a>' in html
    assert "javascript" not in html and "onclick" not in html and "target" not in html
    assert '<a href="https://example.org/page" rel="nofollow ugc">https://example.org/page</a>' in (
        html
    )


@pytest.mark.django_db
def test_imported_comments_show_as_html_and_typed_ones_as_text():
    entry = make_entry()
    imported = make_comment(entry, wp_id=881, body="I <em>agree</em>.")
    typed = make_comment(entry, body="I <em>agree</em>.")
    assert imported.body_html() == "<p>I <em>agree</em>.</p>"
    assert typed.body_html() == "<p>I &lt;em&gt;agree&lt;/em&gt;.</p>"
