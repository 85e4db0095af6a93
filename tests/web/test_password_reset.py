"""Password reset by e-mail (Django's views, our pages), its rate limit, and the e-mail settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from adaptest.web import env
from tests.conftest import PASSWORD
from tests.web.test_accounts import assert_described_by_targets_exist

pytestmark = pytest.mark.django_db

ADA_EMAIL = "ada@example.org"
NEW_PASSWORD = "another-Long-passphrase-17"


@pytest.fixture
def ada_with_email(ada):  # type: ignore[no-untyped-def]
    """Ada, with the e-mail address a reset is sent to (set here; giving one at sign-up: test_accounts)."""
    ada.email = ADA_EMAIL
    ada.save()
    return ada


def _ask_for_reset(client: Client, email: str) -> Any:
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def _link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://testserver(/accounts/reset/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def _set_new_password(client: Client, link: str) -> Any:
    form = client.get(link, follow=True)  # Django swaps the token for a session key and redirects
    assert "Choose a new password" in form.content.decode()
    set_password_url = form.redirect_chain[-1][0]
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(set_password_url, data, follow=True)


def test_the_login_page_links_to_the_password_reset(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Forgot your password?" in page


def test_the_reset_email_is_sent_to_adas_address_and_holds_a_link(client, ada_with_email) -> None:  # type: ignore[no-untyped-def]
    response = _ask_for_reset(client, ADA_EMAIL)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ADA_EMAIL]
    assert message.subject == "Reset your Adaptest password"
    assert message.from_email == "Adaptest <noreply@localhost>"
    assert "Hello ada," in message.body
    assert _link_in(message).startswith("/accounts/reset/")


def test_after_the_reset_ada_logs_in_with_the_new_password_not_the_old(client, ada_with_email) -> None:  # type: ignore[no-untyped-def]
    _ask_for_reset(client, ADA_EMAIL)
    done = _set_new_password(client, _link_in(mail.outbox[0]))
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Your new password is set" in done.content.decode()
    assert not Client().login(username="ada", password=PASSWORD)
    assert Client().login(username="ada", password=NEW_PASSWORD)


def test_an_unknown_address_gets_the_same_done_page_and_no_mail(client, ada_with_email) -> None:  # type: ignore[no-untyped-def]
    known = _ask_for_reset(Client(), ADA_EMAIL)
    mail.outbox.clear()
    unknown = _ask_for_reset(client, "nobody@example.org")
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert "If an account uses that address" in unknown.content.decode()
    assert mail.outbox == []


def test_a_used_link_is_refused_with_a_clear_message(client, ada_with_email) -> None:  # type: ignore[no-untyped-def]
    _ask_for_reset(client, ADA_EMAIL)
    link = _link_in(mail.outbox[0])
    _set_new_password(client, link)
    again = Client().get(link, follow=True)
    page = again.content.decode()
    assert "This link no longer works" in page and "already been used" in page
    assert "new_password1" not in page
    assert f'href="{reverse("password_reset")}"' in page


def test_a_malformed_address_is_refused_at_its_field(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "id_email_error" in assert_described_by_targets_exist(page)
    assert mail.outbox == []


def test_reset_requests_from_one_address_are_limited_with_a_429(settings, ada_with_email) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_PASSWORD_RESET_THROTTLE = (2, 3600)
    for email in (ADA_EMAIL, "nobody@example.org"):  # unknown addresses count too, so the limit tells nothing
        assert _ask_for_reset(Client(), email).status_code == 200
    refused = Client().post(reverse("password_reset"), {"email": ADA_EMAIL})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many password resets" in refused.content.decode()
    assert len(mail.outbox) == 1
    assert _ask_for_reset(Client(REMOTE_ADDR="198.51.100.7"), ADA_EMAIL).status_code == 200


def test_a_malformed_reset_request_does_not_count_against_the_address(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_PASSWORD_RESET_THROTTLE = (1, 3600)
    for _ in range(3):
        assert Client().post(reverse("password_reset"), {"email": "oops"}).status_code == 200
    assert _ask_for_reset(Client(), "nobody@example.org").status_code == 200
    assert Client().post(reverse("password_reset"), {"email": "nobody@example.org"}).status_code == 429


# --- the e-mail settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "backend"),
    [
        ("console", "django.core.mail.backends.console.EmailBackend"),
        ("SMTP", "django.core.mail.backends.smtp.EmailBackend"),
        ("file", "django.core.mail.backends.filebased.EmailBackend"),
        ("locmem", "django.core.mail.backends.locmem.EmailBackend"),
    ],
)
def test_an_email_backend_is_chosen_by_its_short_name(monkeypatch, name: str, backend: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADAPTEST_EMAIL_BACKEND", name)
    assert env.email_backend("ADAPTEST_EMAIL_BACKEND", "console") == backend


def test_without_a_backend_mails_are_printed_on_the_console(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ADAPTEST_EMAIL_BACKEND", raising=False)
    assert env.email_backend("ADAPTEST_EMAIL_BACKEND", "console").endswith("console.EmailBackend")


@pytest.mark.parametrize("value", ["sendmail", "django.core.mail.backends.smtp.EmailBackend", " "])
def test_an_unknown_email_backend_stops_the_app_naming_the_variable(monkeypatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADAPTEST_EMAIL_BACKEND", value)
    with pytest.raises(ImproperlyConfigured, match="ADAPTEST_EMAIL_BACKEND"):
        env.email_backend("ADAPTEST_EMAIL_BACKEND", "console")


@pytest.mark.parametrize("value", ["smtp", "0", "-25", "65536", "5.87"])
def test_a_bad_email_port_stops_the_app_naming_the_variable(monkeypatch, value: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADAPTEST_EMAIL_PORT", value)
    with pytest.raises(ImproperlyConfigured, match="ADAPTEST_EMAIL_PORT"):
        env.port("ADAPTEST_EMAIL_PORT", 587)


def test_email_ports_read_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADAPTEST_EMAIL_PORT", "2525")
    assert env.port("ADAPTEST_EMAIL_PORT", 587) == 2525
    monkeypatch.delenv("ADAPTEST_EMAIL_PORT")
    assert env.port("ADAPTEST_EMAIL_PORT", 587) == 587
