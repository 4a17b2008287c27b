"""Response headers Django does not set itself; Django's conditional GET, less the ETag that
could never match."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseBadRequest
from django.middleware import http
from django.shortcuts import render


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's conditional GET (an ETag from the content, 304 for a matching one), except for a
    response that set the CSRF cookie: Django sets it on every response whose page asked for a
    token (get_token), and such a page carries that token masked anew each time, so its ETag
    could never match a later request (and computing it over the page is wasted).

    It sits before CsrfViewMiddleware in MIDDLEWARE, so the cookie is on the response by the
    time this looks. Cached pages get their ETag from the page cache (pagecache/stored.py),
    which tags the page before each reader's token goes in.
    """

    def needs_etag(self, response):
        return settings.CSRF_COOKIE_NAME not in response.cookies and super().needs_etag(response)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached (restarting, say) answers 503 Service Unavailable with
    Retry-After, in the site's own words, rather than a server error: readers are told to come
    back in a moment, and crawlers that it is not the page that is broken."""

    RETRY_AFTER = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response


URLENCODED = "application/x-www-form-urlencoded"


def refuse_unreadable_requests(get_response):
    """Requests that nothing on the site can read answer 400 here, before any code tries.

    - A NUL in the address: no slug, path or name holds one, and PostgreSQL refuses text
      that does, so any lookup of it would be a 500.
    - A urlencoded form declaring a charset other than UTF-8: Django refuses to read it
      (BadRequest, raised anew on every read of request.POST). CsrfViewMiddleware reads the
      form for its token; its BadRequest becomes Django's 400 page, whose CSRF decorator reads
      the form again, and so on to the 500 page, which fails the same way. This part can go
      when Django's error pages survive a form they cannot read.
    """

    def middleware(request):
        if "\x00" in request.path_info:
            return HttpResponseBadRequest("No address holds a NUL.\n", content_type="text/plain")
        # Only urlencoded forms: reading a multipart one here would come before a view's own
        # upload handlers (the WXR import's size limit).
        if request.method == "POST" and request.content_type == URLENCODED:
            try:
                request.POST  # noqa: B018 (read for its refusal)
            except BadRequest as refusal:
                return HttpResponseBadRequest(f"{refusal}\n", content_type="text/plain")
        return get_response(request)

    return middleware
