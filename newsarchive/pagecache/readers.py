"""What differs per reader in a cached page, made anew for each hit: the CSRF token (and the
cookie holding its secret), made by Django's own CSRF middleware and `get_token()` on a request
that carries only the reader's cookies, and the signed time the comment form was served."""

from django.core.handlers.wsgi import get_str_from_wsgi
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.csrf import CsrfViewMiddleware, get_token

from newsarchive.pagecache.names import CSRF_TOKEN, form_time


def _no_view(request):
    raise AssertionError("only the CSRF middleware's request and response hooks are used")


_csrf = CsrfViewMiddleware(_no_view)


def fresh_values(environ, fresh):
    """This reader's values for a stored page's gaps ({gap number: bytes}), and the Set-Cookie
    headers that go with them (the CSRF cookie, set or renewed, as Django sets it)."""
    values, request = {}, None
    for number, (kind, argument) in enumerate(fresh):
        if kind == CSRF_TOKEN:
            if request is None:
                request = HttpRequest()
                request.COOKIES = parse_cookie(get_str_from_wsgi(environ, "HTTP_COOKIE", ""))
                _csrf.process_request(request)  # the reader's secret, or a new one if unusable
            values[number] = get_token(request).encode("ascii")  # masked afresh each time
        else:  # FORM_TIME
            values[number] = form_time(argument).encode("ascii")
    if request is None:
        return values, []
    response = HttpResponse()
    _csrf.process_response(request, response)
    return values, [("Set-Cookie", cookie.OutputString()) for cookie in response.cookies.values()]
