"""Personal API tokens: the service, the account page and `adaptest token create`."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.cli.main import main
from adaptest.web.accounts.models import ApiToken
from adaptest.web.accounts.services import TokenNameInvalid, api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def works(plaintext: str) -> bool:
    response = Client().get("/api/assessments", headers={"Authorization": f"Bearer {plaintext}"})
    return response.status_code == 200


def test_a_token_is_stored_only_as_a_digest(ada) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = api_token_create(user=ada, name="  my   laptop ", now=timezone.now())
    assert plaintext not in str(list(ApiToken.objects.values()))
    assert plaintext.startswith(token.prefix) and len(plaintext) >= 40
    assert token.name == "my laptop" and works(plaintext)


def test_last_use_is_recorded_to_the_minute_without_a_write_per_call(ada) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from adaptest.web.accounts.services import api_token_authenticate

    now = timezone.now()
    token, plaintext = api_token_create(user=ada, name="script", now=now)
    assert api_token_authenticate(plaintext=plaintext, now=now) == ada
    assert api_token_authenticate(plaintext=plaintext, now=now + timedelta(seconds=30)) == ada
    token.refresh_from_db()
    assert token.last_used_at == now
    api_token_authenticate(plaintext=plaintext, now=now + timedelta(minutes=2))
    token.refresh_from_db()
    assert token.last_used_at == now + timedelta(minutes=2)


def test_a_token_needs_a_sensible_name(ada) -> None:  # type: ignore[no-untyped-def]
    for name in ("", "   ", "x" * 81):
        with pytest.raises(TokenNameInvalid):
            api_token_create(user=ada, name=name, now=timezone.now())
    assert not ApiToken.objects.exists()


def test_only_the_owner_can_revoke_a_token(ada, dan) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = api_token_create(user=ada, name="laptop", now=timezone.now())
    assert not api_token_revoke(user=dan, token_id=token.pk)
    assert works(plaintext)
    assert api_token_revoke(user=ada, token_id=token.pk)
    assert not works(plaintext)


# --- the account page ---------------------------------------------------------------------------------------


def test_the_account_page_needs_a_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_token_created_on_the_account_page_is_shown_once_and_works(client, ada) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    response = client.post(reverse("api_token_create"), {"name": "grading script"})
    assert response.status_code == 302 and response["Location"] == reverse("account")  # post/redirect/get
    shown = client.get(reverse("account"))
    html = shown.content.decode()
    plaintext = re.search(r'id="new-token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert "shown only this once" in html and works(plaintext)
    assert "no-store" in shown["Cache-Control"]
    reloaded = client.get(reverse("account")).content.decode()  # reloading shows the list, not the token
    assert "grading script" in reloaded and ApiToken.objects.get().prefix in reloaded
    assert plaintext not in reloaded and 'id="new-token"' not in reloaded
    assert plaintext not in str(dict(client.session))  # nor does it stay in the session


def test_reloading_after_creating_a_token_creates_no_second_one(client, ada) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    landed = client.post(reverse("api_token_create"), {"name": "laptop"}, follow=True)
    assert landed.redirect_chain == [(reverse("account"), 302)]
    client.get(landed.request["PATH_INFO"])  # the browser's reload repeats the GET, not the POST
    client.get(reverse("account"))
    assert ApiToken.objects.filter(user=ada).count() == 1


def test_an_empty_token_name_is_refused_on_the_page(client, ada) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    response = client.post(reverse("api_token_create"), {"name": " "})
    assert response.status_code == 422 and "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_revoked_on_the_account_page_stops_working(client, ada) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = api_token_create(user=ada, name="old laptop", now=timezone.now())
    client.force_login(ada)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "was revoked" in response.content.decode()
    assert not ApiToken.objects.exists() and not works(plaintext)


def test_nobody_can_revoke_someone_elses_token_from_the_page(client, ada, dan) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = api_token_create(user=ada, name="ada-workstation", now=timezone.now())
    client.force_login(dan)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "No such token" in response.content.decode() and works(plaintext)
    assert "ada-workstation" not in client.get(reverse("account")).content.decode()


def test_the_token_forms_need_the_csrf_token(ada) -> None:  # type: ignore[no-untyped-def]
    token, _ = api_token_create(user=ada, name="laptop", now=timezone.now())
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post(reverse("api_token_create"), {"name": "x"}).status_code == 403
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 403
    assert ApiToken.objects.count() == 1


def test_the_token_forms_accept_only_post(client, ada) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    assert client.get(reverse("api_token_create")).status_code == 405


# --- the command line ---------------------------------------------------------------------------------------


def test_the_cli_prints_a_working_token(ada, capsys, keep_test_connection) -> None:  # type: ignore[no-untyped-def]
    assert main(["token", "create", "ada", "--name", "ci"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    assert works(printed.strip())
    assert ApiToken.objects.get().name == "ci"


def test_the_cli_refuses_an_unknown_user(capsys, db, keep_test_connection) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exited:
        main(["token", "create", "nobody"])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "no user named 'nobody'" in captured.err and captured.out == ""
    assert not ApiToken.objects.exists()
