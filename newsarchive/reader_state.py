"""What the site remembers of one reader, kept in their session: the comments they left that
await moderation, the name, email and website they asked the comment form to remember, and the
password-protected entries they have opened.

All of it lives on the server (the browser holds only the session's key, in a cookie that is
HttpOnly, SameSite=Lax and, in production, Secure), so no email address travels in a cookie,
and a page that reads any of it reads the session's cookie: newsarchive/sharing.py then keeps
that page from every other reader.
"""

from django.utils.crypto import constant_time_compare, salted_hmac

REMEMBER_SECONDS = 365 * 24 * 60 * 60  # a remembered commenter, as WordPress's cookies last
UNLOCK_SECONDS = 10 * 24 * 60 * 60  # an opened entry, as WordPress's post password cookie
MAX_PENDING = 20

_PENDING, _COMMENTER, _UNLOCKED = "pending_comments", "commenter", "unlocked_entries"


def _session(request):
    """The reader's session, or None when they have none (so that reading costs nothing)."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return None
    return session


def own_pending_comments(request):
    """Ids of comments this reader left that may still await moderation."""
    session = _session(request)
    return [n for n in session.get(_PENDING, []) if isinstance(n, int)] if session else []


def add_pending_comment(request, comment_id):
    pending = [*own_pending_comments(request), comment_id][-MAX_PENDING:]
    request.session[_PENDING] = pending
    _keep_for(request, REMEMBER_SECONDS)


def remembered_commenter(request):
    """Name, email and website this reader asked the comment form to remember."""
    session = _session(request)
    details = session.get(_COMMENTER) if session else None
    return dict(details) if isinstance(details, dict) else {}


def remember_commenter(request, name, email, url):
    request.session[_COMMENTER] = {
        "author_name": name,
        "author_email": email,
        "author_url": url,
        "remember": True,
    }
    _keep_for(request, REMEMBER_SECONDS)


def forget_commenter(request):
    session = _session(request)
    if session and _COMMENTER in session:
        del session[_COMMENTER]


def _password_key(password):
    # The password itself is never kept: a new password locks the entry again.
    return salted_hmac("newsarchive.entry-password", password).hexdigest()


def is_unlocked(request, entry):
    """A password-protected entry opens once the reader has typed its password (as WordPress)."""
    if not entry.password:
        return True
    session = _session(request)
    given = (session.get(_UNLOCKED) or {}).get(str(entry.pk), "") if session else ""
    return isinstance(given, str) and constant_time_compare(given, _password_key(entry.password))


def unlock(request, entry):
    unlocked = dict(request.session.get(_UNLOCKED) or {})
    unlocked[str(entry.pk)] = _password_key(entry.password)
    request.session[_UNLOCKED] = unlocked
    _keep_for(request, UNLOCK_SECONDS)


def _keep_for(request, seconds):
    """The session lasts at least `seconds` from now (the longest of what it holds)."""
    if request.session.get_expiry_age() < seconds:
        request.session.set_expiry(seconds)
