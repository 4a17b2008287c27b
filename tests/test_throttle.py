"""Passwords cannot be guessed at speed: every password form on the site (the admin's login, a
protected entry's) refuses an address after a few wrong tries, even the right password, for a
quarter of an hour; other addresses are not affected."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from newsarchive import throttle
from newsarchive.models import FailedAttempt
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db


def admin_login(client, password):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": password}
    )
    return response.status_code == 302, response


def entry_password(client, password):
    response = client.post("/2007/03/10/locked/", {"post_password": password})
    return response.status_code == 302, response


FORMS = {
    "admin login": (admin_login, "correct horse battery staple"),
    "entry password": (entry_password, "open sesame"),
}


@pytest.fixture
def accounts():
    make_user("editor", is_staff=True)
    make_entry(title="Locked", slug="locked", password="open sesame")


def from_address(address):
    return Client(REMOTE_ADDR=address)


@pytest.mark.parametrize("form", FORMS)
def test_the_right_password_works(accounts, form):
    attempt, right = FORMS[form]
    assert attempt(from_address("198.51.100.7"), right)[0]


@pytest.mark.parametrize("form", FORMS)
def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(accounts, form):
    attempt, right = FORMS[form]
    guesser = from_address("198.51.100.7")
    for n in range(throttle.PER_ADDRESS):
        assert not attempt(guesser, f"guess {n}")[0]
    worked, response = attempt(guesser, right)
    assert not worked
    assert throttle.TOO_MANY in response.content.decode()
    assert attempt(from_address("203.0.113.9"), right)[0], "another address is not affected"
    FailedAttempt.objects.update(at=timezone.now() - throttle.WINDOW - datetime.timedelta(1))
    assert attempt(guesser, right)[0], "a quarter of an hour later it works again"


def test_a_locked_out_entry_password_answers_429(accounts):
    guesser = from_address("198.51.100.7")
    for n in range(throttle.PER_ADDRESS):
        assert entry_password(guesser, f"guess {n}")[1].status_code == 403
    assert entry_password(guesser, "open sesame")[1].status_code == 429


def test_guessing_one_account_from_many_addresses_is_slowed_too(accounts):
    for n in range(throttle.PER_TARGET):
        admin_login(from_address(f"10.0.{n // 250}.{n % 250 + 1}"), "wrong")
    assert not admin_login(from_address("203.0.113.9"), "correct horse battery staple")[0]
