"""Sign up, log in, log out with Django auth and the password validators."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
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


# --- the e-mail address: optional at sign-up, changed on the account page ---------------------------------


def _sign_up(client, username: str, email: str | None):  # type: ignore[no-untyped-def]
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    if email is not None:
        data["email"] = email
    return client.post(reverse("signup"), data)


def test_signing_up_with_an_address_keeps_it_with_the_domain_lower_cased(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("signup")).content.decode()
    assert 'type="email" name="email"' in page and "never shown to other learners" in page
    assert _sign_up(client, "erin", " Erin.Smith@Example.ORG ")["Location"] == reverse("home")
    assert get_user_model().objects.get(username="erin").email == "Erin.Smith@example.org"


def test_signing_up_without_an_address_is_allowed(client) -> None:  # type: ignore[no-untyped-def]
    assert _sign_up(client, "erin", None)["Location"] == reverse("home")
    client.logout()
    assert _sign_up(client, "fred", "")["Location"] == reverse("home")  # two accounts without: no clash
    assert list(
        get_user_model().objects.filter(username__in=["erin", "fred"]).values_list("email", flat=True)
    ) == [
        "",
        "",
    ]


def test_an_address_in_use_is_refused_at_its_field_and_the_form_is_kept(client, ada) -> None:  # type: ignore[no-untyped-def]
    ada.email = "ada@example.org"
    ada.save()
    response = _sign_up(client, "erin", "ADA@Example.org")  # another case is the same address
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(r'id="id_email_error"[^>]*>(.*?)</div>', page, re.S)
    assert error and "already in use" in error.group(1)
    assert "id_email_error" in assert_described_by_targets_exist(page)
    assert 'name="username" value="erin"' in page  # nothing to type again but the password
    assert "ada" not in error.group(1)  # whose address it is stays unsaid
    assert not get_user_model().objects.filter(username="erin").exists()


def test_the_account_page_shows_the_address_and_changes_it_once_the_password_confirms(client, ada) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    page = client.get(reverse("account")).content.decode()
    assert "You have not given an e-mail address" in page
    assert f'action="{reverse("email_change")}"' in page
    assert_described_by_targets_exist(page)

    refused = client.post(reverse("email_change"), {"email": "ada@example.org", "password": "wrong"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "id_password_error" in assert_described_by_targets_exist(page)
    assert "not your current password" in page and 'value="ada@example.org"' in page  # what she typed stays
    ada.refresh_from_db()
    assert ada.email == ""

    done = client.post(
        reverse("email_change"), {"email": "Ada@Example.ORG", "password": PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("account")
    assert "Your e-mail address is now Ada@example.org." in done.content.decode()
    ada.refresh_from_db()
    assert ada.email == "Ada@example.org"
    assert (
        "Your address is <strong>Ada@example.org</strong>" in client.get(reverse("account")).content.decode()
    )


def test_an_address_can_be_removed_and_one_in_use_is_refused(client, ada, ben) -> None:  # type: ignore[no-untyped-def]
    ada.email, ben.email = "ada@example.org", "ben@example.org"
    ada.save()
    ben.save()
    client.force_login(ada)
    taken = client.post(reverse("email_change"), {"email": "BEN@example.org", "password": PASSWORD})
    assert taken.status_code == 422
    assert "id_email_error" in assert_described_by_targets_exist(taken.content.decode())
    assert "already in use" in taken.content.decode()
    removed = client.post(reverse("email_change"), {"email": "", "password": PASSWORD}, follow=True)
    assert "Your e-mail address was removed" in removed.content.decode()
    ada.refresh_from_db()
    assert ada.email == ""
    assert client.get(reverse("email_change")).status_code == 405  # a change is only ever a POST


def test_the_reset_mail_reaches_the_address_given_at_sign_up(client) -> None:  # type: ignore[no-untyped-def]
    _sign_up(client, "erin", "erin@Example.org")
    sent = Client().post(reverse("password_reset"), {"email": "ERIN@example.org"}, follow=True)
    assert sent.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["erin@example.org"]
    assert "Hello erin," in str(mail.outbox[0].body)
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    stranger = Client()
    form = stranger.get(link.group(1), follow=True)
    new = "another-Long-passphrase-53"
    done = stranger.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert Client().login(username="erin", password=new)
