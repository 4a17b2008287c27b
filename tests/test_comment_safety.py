"""Nothing a commenter types, in any field, becomes active markup on the page."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.models import Comment
from tests.factories import make_comment, make_entry

pytestmark = pytest.mark.django_db

ATTACKS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<iframe src=//evil.example></iframe>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    'https://ok.example/"onmouseover="alert(1)',
    "www.example.com/<script>",
]

OUR_SCRIPT = "/static/js/comment-reply.js"
FOREIGN_ELEMENTS = {"script", "iframe", "svg", "img", "object", "embed", "frame", "math", "base"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class ActiveMarkup(HTMLParser):
    """Collects what a browser would treat as active: foreign elements, handlers, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        ours = tag == "script" and attributes.get("src") == OUR_SCRIPT
        # JSON-LD is a data block: browsers never run it (test_discovery checks its escaping).
        data = tag == "script" and attributes.get("type") == "application/ld+json"
        if tag in FOREIGN_ELEMENTS and not (ours or data):
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name} handler on <{tag}>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                self.found.append(f"{name}={value!r} on <{tag}>")


def assert_inert(html):
    parser = ActiveMarkup()
    parser.feed(html)
    assert parser.found == []


@pytest.mark.parametrize("attack", ATTACKS)
def test_approved_comments_render_attacks_inert_in_every_field(client, attack):
    entry = make_entry()
    make_comment(entry, author_name=attack, body=attack, author_url="https://ok.example/")
    html = client.get(entry.get_absolute_url()).content.decode()
    assert_inert(html)
    feed = client.get("/comments/feed/").content.decode()
    assert "<script" not in feed.replace("&lt;script", "")


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_refused_form_echoes_attacks_inert(client, attack):
    entry = make_entry()
    response = client.post(
        entry.get_comment_post_url(),
        {
            "author_name": attack,
            "author_email": attack,
            "author_url": attack,
            "body": attack,
            "parent": attack,
            "issued": attack,
            "homepage": "",
        },
    )
    assert response.status_code == 400
    assert_inert(response.content.decode())


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_pending_comment_shown_to_its_author_is_inert(client, attack):
    from tests.factories import comment_data

    entry = make_entry()
    client.post(entry.get_comment_post_url(), comment_data(entry, author_name=attack, body=attack))
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert_inert(client.get(entry.get_absolute_url()).content.decode())


pieces = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "'",
        "=",
        "/",
        " ",
        "script",
        "img",
        "onerror",
        "onload",
        "javascript:",
        "alert(1)",
        "href",
        "src",
        "http://",
        "www.",
        ".example",
        "&",
        "#",
        ";",
        "\n",
        "\n\n",
        "`",
    ]
)
# No NUL characters: the form refuses them (see test_comment_form.py) and PostgreSQL cannot
# store them. No lone surrogates: a request body decodes from UTF-8, which cannot carry them.
typed = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=5
)
hostile_text = st.lists(st.one_of(pieces, typed), max_size=25).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile_text, body=hostile_text)
def test_no_typed_text_ever_produces_active_markup(client, name, body):
    entry = make_entry()
    make_comment(entry, author_name=name[:200] or "x", body=body or "x")
    assert_inert(client.get(entry.get_absolute_url()).content.decode())
    Comment.objects.all().delete()
    entry.delete()


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p onclick="x()">',
        '<a href=" JaVaScRiPt:alert(1)">',
        "<img src=x>",
        '<script src="/static/js/other.js"></script>',
    ],
)
def test_the_checker_itself_spots_active_markup(html):
    with pytest.raises(AssertionError):
        assert_inert(html)
