"""Rate limits on sign-up, token creation and the JSON API (each a 429 with Retry-After), the cap on API
tokens, and where the counters live: the database cache every app server shares."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.web import env
from adaptest.web.accounts.models import ApiToken
from adaptest.web.accounts.services import TokenLimitReached, api_token_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_up(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        reverse("signup"), {"username": username, "password1": password, "password2": password}
    )


# --- sign-up: per client address ------------------------------------------------------------------------


def test_signups_from_one_address_are_limited_with_a_429_that_says_when(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_SIGNUP_THROTTLE = (3, 3600)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for name in ("erin", "fred", "gina"):
            assert _sign_up(Client(), name).status_code == 302
        refused = _sign_up(Client(), "hugo")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) == 1200  # 3 per hour: the next place frees in 20 minutes
        assert "Too many accounts were created from your address" in refused.content.decode()
        assert "about 20 minutes" in refused.content.decode()
        assert _sign_up(Client(REMOTE_ADDR="198.51.100.7"), "hugo").status_code == 302
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert _sign_up(Client(), "ivan").status_code == 302


def test_a_signup_refused_for_a_weak_password_does_not_count(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_SIGNUP_THROTTLE = (1, 3600)
    for _ in range(3):
        assert _sign_up(Client(), "erin", password="password").status_code == 200
    assert _sign_up(Client(), "erin").status_code == 302
    assert _sign_up(Client(), "fred").status_code == 429


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_SIGNUP_THROTTLE = (1, 3600)
    assert _sign_up(Client(HTTP_X_FORWARDED_FOR="192.0.2.1"), "erin").status_code == 302
    # Without a trusted proxy, a client cannot escape the limit by inventing X-Forwarded-For.
    assert _sign_up(Client(HTTP_X_FORWARDED_FOR="192.0.2.2"), "fred").status_code == 429
    settings.ADAPTEST_PROXY_COUNT = 1
    assert _sign_up(Client(HTTP_X_FORWARDED_FOR="192.0.2.2"), "fred").status_code == 302
    assert _sign_up(Client(HTTP_X_FORWARDED_FOR="192.0.2.2"), "gina").status_code == 429


# --- API tokens: creation per user, and a cap ------------------------------------------------------------


def test_token_creation_on_the_account_page_is_limited_per_user(settings, ada, dan) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_TOKEN_THROTTLE = (2, 3600)
    client = Client()
    client.force_login(ada)
    for name in ("one", "two"):
        assert client.post(reverse("api_token_create"), {"name": name}).status_code == 302
    refused = client.post(reverse("api_token_create"), {"name": "three"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 1800
    assert (
        "You created too many API tokens recently. Try again in about 30 minutes." in refused.content.decode()
    )
    assert ApiToken.objects.filter(user=ada).count() == 2
    other = Client()
    other.force_login(dan)
    assert other.post(reverse("api_token_create"), {"name": "mine"}).status_code == 302


def test_the_command_line_is_not_rate_limited(settings, ada, keep_test_connection, capsys) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_TOKEN_THROTTLE = (1, 3600)
    for _ in range(3):
        call_command("create_api_token", "ada")
    assert ApiToken.objects.filter(user=ada).count() == 3


def test_nobody_holds_more_tokens_than_the_cap_on_the_page_the_command_line_or_the_service(  # type: ignore[no-untyped-def]
    settings, ada, keep_test_connection
) -> None:
    settings.ADAPTEST_MAX_TOKENS = 3
    for name in ("one", "two"):
        api_token_create(user=ada, name=name, now=timezone.now())
    client = Client()
    client.force_login(ada)
    assert client.post(reverse("api_token_create"), {"name": "three"}).status_code == 302
    page = client.get(reverse("account")).content.decode()
    assert "You have 3 tokens, the most anyone may have (3)" in page
    refused = client.post(reverse("api_token_create"), {"name": "four"})
    assert refused.status_code == 422
    assert "You already have 3 API tokens, the most anyone may have." in refused.content.decode()
    with pytest.raises(CommandError, match="You already have 3 API tokens"):
        call_command("create_api_token", "ada")
    with pytest.raises(TokenLimitReached):
        api_token_create(user=ada, name="five", now=timezone.now())
    assert ApiToken.objects.filter(user=ada).count() == 3
    token = ApiToken.objects.filter(user=ada).first()
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302  # type: ignore[union-attr]
    assert client.post(reverse("api_token_create"), {"name": "four"}).status_code == 302


# --- the JSON API: per user ------------------------------------------------------------------------------


def _bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, plaintext = api_token_create(user=user, name=f"token {timezone.now().timestamp()}", now=timezone.now())
    return {"Authorization": f"Bearer {plaintext}"}


def test_the_api_is_limited_per_user_whatever_the_token_with_a_429_that_says_when(settings, ada, dan) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_API_THROTTLE = (3, 60)
    laptop, script = _bearer(ada), _bearer(ada)
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        for headers in (laptop, script, laptop):
            assert client.get("/api/assessments", headers=headers).status_code == 200
        refused = client.get("/api/attempts", headers=script)
        assert refused.status_code == 429 and refused["Retry-After"] == "20"
        body = refused.json()
        assert body["retry_after"] == 20
        assert re.fullmatch(
            r"Too many requests: at most 3 every 60 seconds\. Try again in 20 seconds\.", body["detail"]
        )
        assert client.get("/api/assessments", headers=_bearer(dan)).status_code == 200
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        assert client.get("/api/assessments", headers=laptop).status_code == 200
        assert client.get("/api/assessments", headers=laptop).status_code == 429


def test_the_default_api_rate_leaves_room_for_a_quick_test_taker(ada) -> None:  # type: ignore[no-untyped-def]
    """600 a minute: an adaptive test of 20 questions is about 60 requests, a benchmark taker's whole run."""
    headers = _bearer(ada)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        assert all(client.get("/api/assessments", headers=headers).status_code == 200 for _ in range(100))


# --- where counters live ---------------------------------------------------------------------------------


def test_migrate_creates_the_cache_table(settings, keep_test_connection) -> None:  # type: ignore[no-untyped-def]
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)  # what `adaptest serve` runs first
    assert table in connection.introspection.table_names()


def test_the_counters_live_in_the_database_cache_every_server_shares(settings, ada) -> None:  # type: ignore[no-untyped-def]
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    table = settings.CACHES["default"]["LOCATION"]
    Client().get("/api/assessments", headers=_bearer(ada))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our setting
        keys = [row[0] for row in cursor.fetchall()]
    assert any(key.endswith(f"rate:api:user-{ada.pk}") for key in keys)


@pytest.mark.parametrize("value", ["600", "600/minute", "0/m", "-1/h", "ten/h", "6O0/m", "٣/m"])
def test_a_rate_that_cannot_be_understood_stops_the_server_from_starting(monkeypatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADAPTEST_API_THROTTLE", value)
    with pytest.raises(ImproperlyConfigured, match="ADAPTEST_API_THROTTLE"):
        env.rate("ADAPTEST_API_THROTTLE", "600/m")


def test_rates_read_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADAPTEST_SIGNUP_THROTTLE", "20/d")
    assert env.rate("ADAPTEST_SIGNUP_THROTTLE", "10/h") == (20, 86400)
    monkeypatch.delenv("ADAPTEST_SIGNUP_THROTTLE")
    assert env.rate("ADAPTEST_SIGNUP_THROTTLE", "10/h") == (10, 3600)
