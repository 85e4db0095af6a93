"""Sign up, log in, log out with Django auth and the password validators."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_up_with_a_good_password_logs_the_learner_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("signup"), {"username": "erin", "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Signed in as <strong>erin</strong>" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [("password", "too common"), ("12345678901", "entirely numeric"), ("short", "too short")],
)
def test_weak_passwords_are_refused_with_the_reason(client, password: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("signup"), {"username": "erin", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="erin").exists()


def test_signup_returns_to_the_page_that_asked_for_an_account(client) -> None:  # type: ignore[no-untyped-def]
    data = {"username": "erin", "password1": PASSWORD, "password2": PASSWORD, "next": "/assessments/x/"}
    assert client.post(reverse("signup"), data)["Location"] == "/assessments/x/"
    client.logout()
    data = {"username": "fred", "password1": PASSWORD, "password2": PASSWORD, "next": "https://evil.example/"}
    assert client.post(reverse("signup"), data)["Location"] == reverse("home")


def test_log_in_and_log_out(client, ada) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD}, follow=True)
    assert "Signed in as <strong>ada</strong>" in response.content.decode()
    response = client.post(reverse("logout"), follow=True)
    assert "Log in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused(client, ada) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": "ada", "password": "nope"})
    assert "didn&#x27;t match" in response.content.decode() or "didn't match" in response.content.decode()


def test_the_header_links_the_account_page_and_staff_pages_only_for_staff(client, ada, ben) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    learner_header = client.get(reverse("home")).content.decode()
    assert reverse("account") in learner_header and reverse("item_stats") not in learner_header
    ben.is_staff = True
    ben.save()
    client.force_login(ben)
    staff_header = client.get(reverse("home")).content.decode()
    assert reverse("item_stats") in staff_header and reverse("admin:index") in staff_header


def assert_described_by_targets_exist(page: str) -> str:
    """Every id a field's aria-describedby names is on the page; returns the ids, for further checks."""
    described = " ".join(re.findall(r'aria-describedby="([^"]+)"', page))
    assert described and all(f'id="{target}"' in page for target in described.split()), described
    return described


def test_signup_help_and_errors_are_tied_to_their_fields(client) -> None:  # type: ignore[no-untyped-def]
    assert "_helptext" in assert_described_by_targets_exist(client.get(reverse("signup")).content.decode())
    refused = client.post(reverse("signup"), {"username": "", "password1": "a", "password2": "b"})
    page = refused.content.decode()
    described = assert_described_by_targets_exist(page)
    assert "id_username_error" in described and "id_password2_error" in described
    error = re.search(r'id="id_password2_error"[^>]*>(.*?)</div>', page, re.S)
    assert error and "didn" in error.group(1)  # the mismatch message is what gets announced


def test_the_account_page_links_a_password_change_in_the_apps_own_style(client, ada) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    account = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("password_change")}"' in account
    form = client.get(reverse("password_change")).content.decode()
    assert "Change your password" in form and "Django administration" not in form
    assert 'class="site-header"' in form or "Adaptest" in form
    assert_described_by_targets_exist(form)
    refused = client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": "x"})
    assert "_error" in assert_described_by_targets_exist(refused.content.decode())
    new = "another-Long-passphrase-91"
    done = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    ).content.decode()
    assert "Password changed" in done and "Django administration" not in done
    ada.refresh_from_db()
    assert ada.check_password(new)
