"""An outage does not flood the admins' mailbox: server errors are mailed at most once a minute
from each process, the next mail saying how many were held back."""

import logging

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client

from newsarchive.error_mail import ThrottledAdminEmailHandler


@pytest.fixture
def mail_handler(settings):
    settings.DEBUG = False
    settings.ADMINS = [("Admin", "admin@example.org")]
    [handler] = [h for h in logging.getLogger("django").handlers
                 if isinstance(h, ThrottledAdminEmailHandler)]  # fmt: skip
    handler.next_mail_at, handler.held_back = 0.0, 0
    return handler


@pytest.mark.django_db
def test_a_burst_of_server_errors_sends_one_mail_then_says_how_many_were_held(
    mail_handler, monkeypatch
):
    def database_down(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr("newsarchive.views.archives.HomeView.get_queryset", database_down)
    client = Client(raise_request_exception=False)
    for _ in range(41):
        assert client.get("/").status_code in (500, 503)
    assert len(mail.outbox) == 1
    mail_handler.next_mail_at = 0.0  # a minute later
    client.get("/")
    assert len(mail.outbox) == 2
    assert "(and 40 more not mailed)" in mail.outbox[1].subject
