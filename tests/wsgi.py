"""A browser that talks to the whole WSGI application, page cache included.

Django's test client calls Django's handler directly and so never meets the page cache that
wraps it in newsarchive/wsgi.py; these readers do.
"""

from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from newsarchive.pagecache import PageCache


def app_server():
    """One app server: a page cache around a Django handler (several may share one cache)."""
    return PageCache(WSGIHandler())


@dataclass
class Response:
    status_code: int
    headers: list
    body: bytes

    def header(self, name):
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def text(self):
        return self.body.decode()

    @property
    def from_cache(self):
        return self.header("X-Cache") == "hit"


class Reader:
    def __init__(self, server=None):
        self.server = server or app_server()
        self.cookies = {}

    def get(self, path, **headers):
        return self.request(RequestFactory().get(path, headers=headers).environ)

    def post(self, path, data):
        return self.request(RequestFactory().post(path, data).environ)

    def request(self, environ):
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)

        # As Django's test client does: the test's transaction outlives the request, so the
        # request must not close the connection it runs in.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = self.server(environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        for name, value in captured["headers"]:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(morsel.key, None)
                    else:
                        self.cookies[morsel.key] = morsel.value
        return Response(int(captured["status"][:3]), captured["headers"], body)
