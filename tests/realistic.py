"""A small archive as editors, readers and an import leave it: every kind of row the app
stores, with Unicode, punctuation, line breaks and the relations between them, and values
that today's forms would not accept but WordPress stored (a post without a title, a
percent-encoded slug, a login with a space, a commenter's email without a domain).

The admin round-trip test saves every object of every registered model through its change
form; this is where those objects come from. A model newly registered in the admin gets its
rows here: the round-trip test says so when it finds none.
"""

import datetime

from django.contrib.auth.models import Group

from newsarchive.models import (
    Attachment,
    Category,
    DiscussionSettings,
    Entry,
    ImportRecord,
    Source,
    Tag,
)
from tests.factories import at, make_category, make_comment, make_entry, make_user

# Tag names an editor types: spaces, a comma, quotes, non-Latin script, an emoji.
TAG_NAMES = [
    "Iran",
    "nuclear talks",
    "Washington, D.C.",
    'The "surge"',
    "القاهرة",
    "Ελλάδα",
    "golf ⛳",
]


def build_archive():
    """Create the archive and return its main objects by name."""
    superuser = make_user(
        "chief", is_staff=True, is_superuser=True, email="chief@example.org", first_name="Ana"
    )
    editor = make_user("editor", is_staff=True, email="ed@example.org", last_name="Ōkubo")
    editor.groups.add(Group.objects.get(name="Editor"))
    moderator = make_user("moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderator"))
    reader = make_user("reader", email="reader@example.org")
    # An author an import created from a WordPress login: WordPress allows spaces in logins.
    make_user("John Smith", email="john@example.org", is_active=False)

    world = make_category("World", description="News from abroad.\nEvery region.")
    middle_east = make_category("Middle East — الشرق الأوسط", slug="middle-east", parent=world)
    sport = make_category("Sport", slug="sport")
    # A renamed category leaves a redirect from its old address.
    europe = make_category("Europe", slug="europa", parent=world)
    europe.slug = "europe"
    europe.save()
    tags = [Tag.objects.create(name=name) for name in TAG_NAMES]
    # As WordPress stored a non-Latin slug, and an import keeps it: percent-encoded.
    baghdad = Tag.objects.create(name="بغداد", slug="%d8%a8%d8%ba%d8%af%d8%a7%d8%af")
    ap = Source.objects.create(
        name="Associated Press", slug="associated-press", url="https://apnews.com/"
    )
    Source.objects.create(name="Agence France-Presse", slug="afp")

    talks = make_entry(
        title="U.S. and Iran hold “rare” direct talks",
        slug="us-and-iran-hold-rare-direct-talks",
        body="<p>BAGHDAD — The talks began.</p>\n\nSecond paragraph — “quoted”.\n\n"
        "<!--more-->\n\nThe rest, with an ümlaut and العربية.",
        excerpt="Talks in Baghdad.\nTwo lines.",
        published_at=at(2007, 3, 10, 17, 43),
        categories=[middle_east, world],
        tags=tags[:5],
        source=ap,
        credit_line="Staff and agencies",
        byline="SCHEHEREZADE FARAMARZI, Associated Press Writer",
        dateline="BAGHDAD",
        original_published_on=datetime.date(2007, 3, 10),
        original_url="https://apnews.com/article/talks",
        contributors="Sally Buzbee in Cairo contributed to this report.",
        author=editor,
        wp_id=1234,
        guid="http://blog.example.org/?p=1234",
    )
    # A changed slug leaves an old permalink behind.
    talks.slug = "us-and-iran-talk"
    talks.save()
    golf = make_entry(
        title="Golf: a round in the rain",
        published_at=at(2007, 3, 11, 9, 5),
        categories=[sport],
        tags=[tags[-1], tags[0]],
        is_sticky=True,
    )
    make_entry(
        title="بغداد",
        slug="%d8%a8%d8%ba%d8%af%d8%a7%d8%af",
        published_at=at(2007, 3, 9, 8, 0),
        categories=[middle_east],
        tags=[baghdad],
        wp_id=99,
    )
    # WordPress allows a post without a title.
    make_entry(title="", slug="456", published_at=at(2007, 3, 9, 9, 0), wp_id=456)
    make_entry(
        title="A draft, protected",
        status=Entry.Status.DRAFT,
        password="s3cret",
        published_at=at(2007, 3, 12, 8, 0),
        comments_open=False,
        pings_open=False,
    )
    about = make_entry(
        title="About", slug="about", kind=Entry.Kind.PAGE, published_at=at(2007, 1, 1)
    )
    team = make_entry(
        title="The team",
        slug="team",
        kind=Entry.Kind.PAGE,
        parent=about,
        menu_order=2,
        published_at=at(2007, 1, 2),
    )
    for page in (about, team):  # pages are filed nowhere (the factory files everything)
        page.categories.clear()

    first = make_comment(
        talks,
        author_name="Zoë Reader",
        author_email="zoe@example.org",
        author_url="https://zoe.example.org/",
        body="First line.\nSecond line — with “quotes”.",
        ip_address="192.0.2.10",
        user_agent="Mozilla/5.0",
    )
    make_comment(talks, parent=first, author_name="chief", user=superuser, body="A reply.")
    make_comment(talks, status="pending", author_name="محمد", body="بانتظار المراجعة")
    make_comment(talks, status="spam", author_name="Cheap pills", body="Buy now!!!")
    # As imported: an email and a website address Django's validators refuse.
    make_comment(
        talks,
        author_name="Old reader",
        author_email="nobody@example",
        author_url="http://old_blog.example/",
        body="From the old blog.",
        wp_id=78,
    )
    make_comment(golf, status="trash", author_name="Old", body="Removed.", notify=True)
    make_comment(
        golf,
        kind="pingback",
        author_name="Another blog",
        author_url="https://another.example/post/",
        body="[…] a pingback […]",
        wp_id=77,
    )
    Attachment.objects.create(
        entry=talks,
        title="Baghdad talks",
        url="https://blog.example.org/wp-content/uploads/2007/03/talks.jpg",
        mime_type="image/jpeg",
        uploaded_at=at(2007, 3, 10, 17, 40),
        wp_id=1235,
    )
    # An import's record, as the importer writes one (read-only in the admin).
    ImportRecord.objects.create(
        user=superuser,
        username="chief",
        via=ImportRecord.Via.ADMIN,
        outcome=ImportRecord.Outcome.IMPORTED,
        files="blog — الأرشيف.xml\nsecond.xml",
        counts={"entries": {"created": 12, "updated": 1}},
        skipped={"revision": 3},
        summary="12 entries created, 1 updated.",
    )
    settings = DiscussionSettings.load()
    settings.moderation_keys = "viagra\n192.0.2.99"
    settings.close_after_days = 30
    settings.save()
    return {
        "superuser": superuser,
        "editor": editor,
        "moderator": moderator,
        "reader": reader,
        "talks": talks,
        "golf": golf,
        "tags": tags,
        "categories": Category.objects.all(),
    }
