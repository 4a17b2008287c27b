"""What each role may see: for every role (and a superuser, staff without a role, a signed-in
reader), every surface that shows something hidden shows it exactly to those whose
permissions cover it. A new role in newsarchive/roles.py, or a new surface here, is checked
against every other with no new code."""

import pytest
from django.contrib.auth.models import Group

from newsarchive.roles import ROLES
from tests.factories import at, make_comment, make_entry, make_tag, make_user

pytestmark = pytest.mark.django_db


def may(user, model):
    """Whether the user's permissions let them see `model`'s objects (view or change)."""
    return user.has_perm(f"newsarchive.view_{model}") or user.has_perm(
        f"newsarchive.change_{model}"
    )


@pytest.fixture
def world():
    make_tag("Iran")
    entry = make_entry(title="Talks", published_at=at(2007, 3, 10))
    for status in ["approved", "pending", "spam", "trash"]:
        make_comment(entry, status=status, body=f"{status.upper()}-COMMENT-TEXT")
    draft = make_entry(title="DRAFT-ENTRY-TITLE", status="draft", published_at=at(2007, 3, 11))
    return {"entry": entry, "draft": draft}


def shown(response, marker):
    return response.status_code == 200 and marker in response.content.decode()


def entry_form(client, world):
    return client.get(f"/admin/newsarchive/entry/{world['entry'].pk}/change/")


def moderation_links_on_the_entries(client, world):
    """The entry list and form link to the comment queue only for those who may open it."""
    pages = [client.get("/admin/newsarchive/entry/"), entry_form(client, world)]
    return any(shown(page, "/admin/newsarchive/comment/?entry__id__exact") for page in pages)


def draft_taken_as_a_comments_entry(client, world):
    """A comment filed under a draft's number, or the draft's title shown beside it."""
    data = {"entry": world["draft"].pk, "author_name": "Probe", "body": "Probe.",
            "status": "pending", "kind": "comment"}  # fmt: skip
    response = client.post("/admin/newsarchive/comment/add/", data)
    return shown(response, "DRAFT-ENTRY") or world["draft"].comments.filter(body="Probe.").exists()


# Surface: (what it shows, how a client looks at it, the models one must see to be shown it).
SURFACES = {
    "a draft on the public site": (
        lambda client, world: shown(client.get(world["draft"].get_absolute_url()), "DRAFT-ENTRY"),
        ["entry"],
    ),
    "pending comment text on the entry form": (
        lambda client, world: shown(entry_form(client, world), "PENDING-COMMENT"),
        ["entry", "comment"],
    ),
    "spam comment text on the entry form": (
        lambda client, world: shown(entry_form(client, world), "SPAM-COMMENT"),
        ["entry", "comment"],
    ),
    "trashed comment text on the entry form": (
        lambda client, world: shown(entry_form(client, world), "TRASH-COMMENT"),
        ["entry", "comment"],
    ),
    "approved comment text on the entry form": (
        lambda client, world: shown(entry_form(client, world), "APPROVED-COMMENT"),
        ["entry"],
    ),
    "a draft's title, through the number of a comment's entry": (
        lambda client, world: draft_taken_as_a_comments_entry(client, world),
        ["entry", "comment"],
    ),
    "a link to the moderation queue from the entries": (
        lambda client, world: moderation_links_on_the_entries(client, world),
        ["entry", "comment"],
    ),
    "tag names, as suggestions": (
        lambda client, world: shown(client.get("/admin/newsarchive/tag/suggest/?q=ir"), "Iran"),
        ["tag"],
    ),
    "the count of comments awaiting moderation": (
        lambda client, world: shown(client.get("/admin/"), "awaiting moderation"),
        ["comment"],
    ),
    "pending comment text in the moderation queue": (
        lambda client, world: shown(client.get("/admin/newsarchive/comment/"), "PENDING-COMMENT"),
        ["comment"],
    ),
}

PEOPLE = [*ROLES, "superuser", "staff without a role", "signed-in reader"]


def person(kind):
    if kind == "superuser":
        return make_user("chief", is_staff=True, is_superuser=True)
    if kind == "signed-in reader":
        return make_user("reader")
    user = make_user("staff", is_staff=True)
    if kind in ROLES:
        user.groups.add(Group.objects.get(name=kind))
    return user


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("kind", PEOPLE)
def test_each_role_sees_what_its_permissions_cover_and_nothing_else(client, world, kind, surface):
    user = person(kind)
    client.force_login(user)
    look, models = SURFACES[surface]
    admin_only = surface != "a draft on the public site"
    expected = all(may(user, model) for model in models) and (user.is_staff or not admin_only)
    assert look(client, world) == expected, (
        f"{kind} {'should' if expected else 'should not'} see {surface}"
    )


def test_anonymous_readers_see_nothing_hidden(client, world):
    for surface, (look, _) in SURFACES.items():
        assert not look(client, world), surface


@pytest.mark.parametrize(
    ("kind", "sees", "does_not_see"),
    [
        (
            "Editor",
            ["a draft on the public site", "tag names, as suggestions",
             "approved comment text on the entry form"],
            ["pending comment text on the entry form", "spam comment text on the entry form",
             "the count of comments awaiting moderation"],
        ),
        (
            "Moderator",
            ["pending comment text in the moderation queue",
             "the count of comments awaiting moderation"],
            ["a draft on the public site", "tag names, as suggestions",
             "pending comment text on the entry form"],
        ),
    ],
)  # fmt: skip
def test_the_two_roles_as_the_archive_means_them(client, world, kind, sees, does_not_see):
    """The table above follows the permissions; this pins what the roles are for."""
    client.force_login(person(kind))
    for surface in sees:
        assert SURFACES[surface][0](client, world), f"{kind} should see {surface}"
    for surface in does_not_see:
        assert not SURFACES[surface][0](client, world), f"{kind} should not see {surface}"
