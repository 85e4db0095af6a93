"""Log-in lock-out (django-axes): after too many wrong passwords for a username from one address, the log-in
page and the admin's refuse even the right password until the cool-off has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["login", "admin:login"]


def _log_in(client: Client, page: str, password: str, username: str = "ben") -> HttpResponseBase:
    return client.post(reverse(page), {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail_to_the_limit(client: Client, page: str, username: str = "ben") -> None:
    """Wrong passwords up to the limit: the form again with its error, and the last one locks."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, page, "wrong password", username).status_code == 200
    assert _log_in(client, page, "wrong password", username).status_code == 429


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_five_wrong_passwords_lock_the_right_one_out_with_a_429_that_says_when(ben, page: str) -> None:  # type: ignore[no-untyped-def]
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        _fail_to_the_limit(client, page)
        response = _log_in(client, page, PASSWORD)
        assert response.status_code == 429
        assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
        html = response.content.decode()  # type: ignore[attr-defined]
        assert "Log-in paused" in html and "Try again in about 15 minutes" in html
        assert not _logged_in(client)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_right_password_works_again_after_the_cool_off(ben, page: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_to_the_limit(client, page)
        assert _log_in(client, page, PASSWORD).status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME - timedelta(seconds=5), tick=False):
        assert _log_in(client, page, PASSWORD).status_code == 429  # still paused (and paused again)
    with time_machine.travel(start + 2 * settings.AXES_COOLOFF_TIME + timedelta(seconds=1), tick=False):
        response = _log_in(client, page, PASSWORD)
        assert response.status_code == 302 and _logged_in(client)


def test_four_wrong_passwords_still_let_the_right_one_in_and_a_success_starts_the_count_again(ben) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _log_in(client, "login", "wrong password")
        assert _log_in(client, "login", PASSWORD).status_code == 302
        client.logout()


def test_the_lock_holds_one_username_from_one_address_only(ben, ada) -> None:  # type: ignore[no-untyped-def]
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _fail_to_the_limit(attacker, "login", username="ben")
    assert _log_in(attacker, "login", PASSWORD, username="ben").status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.4")
    assert _log_in(elsewhere, "login", PASSWORD, username="ben").status_code == 302
    assert _log_in(attacker, "login", PASSWORD, username="ada").status_code == 302


def test_log_ins_from_code_on_the_server_are_not_refused_for_want_of_an_address(client, ben) -> None:  # type: ignore[no-untyped-def]
    assert client.login(username="ben", password=PASSWORD)
    assert not client.login(username="ben", password="wrong password")


def test_a_trusted_proxy_forwarding_nonsense_is_not_taken_for_an_address(settings, ben) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_PROXY_COUNT = 1
    client = Client(HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="192.0.2.10")
    assert _log_in(client, "login", "wrong password").status_code == 200
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"
