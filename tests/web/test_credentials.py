"""Open Badges 3.0 certificates: issued for a passed certification exam, signed as a VC-JWT, verified
offline by `adaptest credential verify`, by an independent JOSE library, and refused once changed, revoked
or expired. The checks marked so run on a skills report too (tests/web/test_skills_report.py has the rest)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from adaptest.cli.main import main as adaptest
from adaptest.web.assessments.models import Attempt
from adaptest.web.assessments.services import attempt_start, attempt_submit, response_save
from adaptest.web.credentials.models import Credential
from adaptest.web.credentials.services import credential_revoke
from adaptest.web.credentials.status_list import LIST_LENGTH, bit_is_set
from adaptest.web.credentials.verification import credential_verify
from adaptest.web.itembank.models import Assessment
from tests.web.exam import wrong_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _key_file(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.ADAPTEST_ISSUER_KEY_FILE = tmp_path / "issuer.jwk"
    settings.ADAPTEST_ISSUER_DOMAIN = ""


def _finish(user: Any, assessment: Assessment, *, correct: bool) -> Attempt:
    now = timezone.now()
    attempt = attempt_start(user=user, assessment=assessment, now=now, self_initiated=False)
    if correct:
        for slot in attempt.slots.select_related("item_version"):
            key = slot.item_version.parsed.key_answer()
            response_save(attempt=attempt, position=slot.position, answer=key, now=now)
    return attempt_submit(attempt=attempt, now=now + timedelta(minutes=1))


@pytest.fixture
def credential(client: Client, ada, certification: Assessment) -> Credential:  # type: ignore[no-untyped-def]
    attempt = _finish(ada, certification, correct=True)
    assert attempt.passed is True
    client.force_login(ada)
    assert client.get(reverse("credential_list")).status_code == 200  # the page issues what is missing
    return Credential.objects.get(attempt=attempt)


def _finish_adaptive(user: Any, assessment: Assessment, pattern: str = "rw") -> Attempt:
    """An adaptive attempt answered until the test stops: "r" right, "w" wrong, in turn from ``pattern``."""
    now = timezone.now()
    attempt = attempt_start(user=user, assessment=assessment, now=now)
    n = 0
    while attempt.is_open:
        slot = attempt.slots.select_related("item_version").get(position=attempt.current_position)
        item = slot.item_version.parsed
        answer = item.key_answer() if pattern[n % len(pattern)] == "r" else wrong_answer(item)
        response_save(attempt=attempt, position=slot.position, answer=answer, now=now)
        n += 1
    return attempt


@pytest.fixture
def skills_assessment(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


@pytest.fixture
def skills_report(client: Client, ada, skills_assessment: Assessment) -> Credential:  # type: ignore[no-untyped-def]
    """Ada's skills report of a finished adaptive attempt, asked for on its page (POST)."""
    attempt = _finish_adaptive(ada, skills_assessment)
    client.force_login(ada)
    assert client.post(reverse("skills_report", args=[attempt.pk])).status_code == 302
    return Credential.objects.get(attempt=attempt, kind=Credential.Kind.SKILLS_REPORT)


@pytest.fixture(params=["certificate", "skills_report"])
def any_credential(request) -> Credential:  # type: ignore[no-untyped-def]
    """Each kind in turn: a passed exam's certificate, and an adaptive attempt's skills report."""
    return request.getfixturevalue("credential" if request.param == "certificate" else "skills_report")


def _did(client: Client) -> dict[str, Any]:
    return json.loads(client.get("/.well-known/did.json").content)


def _status_list(client: Client) -> str:
    return client.get(reverse("credential_status_list", args=[1])).content.decode()


def _payload(token: str) -> dict[str, Any]:
    import base64

    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def _verify(token: str, client: Client, *, now: datetime | None = None):  # type: ignore[no-untyped-def]
    return credential_verify(
        token, issuer_key=_did(client), status_list=_status_list(client), now=now or timezone.now()
    )


# Issuing and verifying offline


def _cli_verify(credential: Credential, client: Client, folder: Path) -> int:
    """`adaptest credential verify` on the credential, offline, with the issuer's DID document and status
    list saved as files beside it; its exit code."""
    files = {
        "cred.jwt": credential.token,
        "did.json": json.dumps(_did(client)),
        "status.jwt": _status_list(client),
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    command = ["credential", "verify", str(folder / "cred.jwt"), "--issuer-key", str(folder / "did.json")]
    return adaptest([*command, "--status-list", str(folder / "status.jwt")])


def test_a_passed_exam_yields_a_credential_the_cli_verifies_offline(
    any_credential: Credential, client: Client, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    code = _cli_verify(any_credential, client, tmp_path)
    out = capsys.readouterr().out
    assert code == 0, out
    for check in ("signature", "issuer: did:web:testserver", "dates", "revocation: not revoked", "VALID"):
        assert check in out


def test_the_result_of_a_passed_exam_and_the_account_page_lead_to_the_certificate(
    client: Client, ada, certification: Assessment
) -> None:  # type: ignore[no-untyped-def]
    passed = _finish(ada, certification, correct=True)
    failed = _finish(ada, certification, correct=False)
    client.force_login(ada)
    link = f'<a href="{reverse("credential_list")}">'
    assert (
        link + "Get your certificate</a>" in client.get(reverse("result", args=[passed.pk])).content.decode()
    )
    assert "Get your certificate" not in client.get(reverse("result", args=[failed.pk])).content.decode()
    assert link + "Your certificates</a>" in client.get(reverse("account")).content.decode()


def test_a_failed_exam_yields_no_credential(client: Client, ada, certification: Assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = _finish(ada, certification, correct=False)
    assert attempt.passed is False
    client.force_login(ada)
    assert "no certificates yet" in client.get(reverse("credential_list")).content.decode()
    assert not Credential.objects.exists()


def test_reading_the_page_twice_issues_one_credential(credential: Credential, client: Client) -> None:
    client.get(reverse("credential_list"))
    assert Credential.objects.count() == 1


def test_the_cli_refuses_a_revoked_credential_with_the_reason(
    any_credential: Credential, client: Client, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    credential_revoke(credential=any_credential, now=timezone.now())
    code = _cli_verify(any_credential, client, tmp_path)
    assert code == 1
    assert "REFUSED: revocation: the issuer has revoked this credential" in capsys.readouterr().err


# Refusals


def _changed(token: str, position: int) -> str:
    replacement = "B" if token[position] != "B" else "C"
    return token[:position] + replacement + token[position + 1 :]


def test_every_single_character_changed_is_refused(credential: Credential, client: Client) -> None:
    did, status, now = _did(client), _status_list(client), timezone.now()
    token = credential.token
    assert credential_verify(token, issuer_key=did, status_list=status, now=now).valid
    header_end, payload_end = token.index("."), token.rindex(".")
    for position in range(len(token)):
        if position in (header_end, payload_end):
            continue
        result = credential_verify(_changed(token, position), issuer_key=did, status_list=status, now=now)
        assert not result.valid, f"a change at {position} of {len(token)} was accepted"


def test_a_changed_payload_and_a_changed_signature_are_refused_for_the_signature(
    any_credential: Credential, client: Client
) -> None:
    token = any_credential.token
    in_payload = token.index(".") + 40
    in_signature = token.rindex(".") + 10
    for position in (in_payload, in_signature):
        refusal = _verify(_changed(token, position), client).refusal
        assert refusal is not None and refusal.startswith(("signature", "format")), refusal


def test_a_revoked_credential_is_refused_and_its_bit_is_set(
    any_credential: Credential, client: Client
) -> None:
    credential = any_credential
    assert _verify(credential.token, client).valid
    credential_revoke(credential=credential, now=timezone.now())
    status = _payload(_status_list(client))["credentialSubject"]["encodedList"]
    assert bit_is_set(status, credential.status_index)
    assert _verify(credential.token, client).refusal == "revocation: the issuer has revoked this credential"


def test_an_expired_credential_is_refused(credential: Credential, client: Client) -> None:
    after = credential.valid_until + timedelta(seconds=1)
    assert _verify(credential.token, client, now=after).refusal.startswith("dates: expired")  # type: ignore[union-attr]
    assert _verify(credential.token, client, now=credential.valid_until - timedelta(seconds=1)).valid


def test_a_key_of_another_issuer_is_refused(
    credential: Credential, client: Client, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_ISSUER_KEY_FILE = tmp_path / "another.jwk"
    assert _verify(credential.token, client).refusal.startswith("signature")  # type: ignore[union-attr]


def test_a_deleted_holders_credential_verifies_as_revoked(
    credential: Credential, client: Client, ada
) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.privacy.services import user_delete

    user_delete(user=ada, now=timezone.now())
    assert _verify(credential.token, Client()).refusal == "revocation: the issuer has revoked this credential"


# An independent verifier


def test_jwcrypto_accepts_it_with_the_key_from_the_did_document(
    any_credential: Credential, client: Client
) -> None:
    did = _did(client)
    key = jwcrypto_jwk.JWK(**did["verificationMethod"][0]["publicKeyJwk"])
    signed = jwcrypto_jws.JWS()
    signed.deserialize(any_credential.token)
    signed.verify(key, alg="Ed25519")
    assert json.loads(signed.payload)["issuer"]["id"] == did["id"] == "did:web:testserver"
    assert signed.jose_header["typ"] == "vc+jwt"
    assert signed.jose_header["kid"] == did["assertionMethod"][0]


# The Open Badges 3.0 data model: the required properties, written out from the spec (OB 3.0 §B.1)

STRINGS, LIST, OBJECT = str, list, dict
REQUIRED = {
    # OpenBadgeCredential (AchievementCredential)
    "": {
        "@context": LIST,
        "id": STRINGS,
        "type": LIST,
        "issuer": OBJECT,
        "validFrom": STRINGS,
        "name": STRINGS,
        "credentialSubject": OBJECT,
    },
    # Profile
    "issuer": {"id": STRINGS, "type": LIST},
    # AchievementSubject
    "credentialSubject": {"type": LIST, "achievement": OBJECT},
    # Achievement
    "credentialSubject.achievement": {
        "id": STRINGS,
        "type": LIST,
        "name": STRINGS,
        "description": STRINGS,
        "criteria": OBJECT,
    },
    # Criteria: id or narrative; ours has a narrative
    "credentialSubject.achievement.criteria": {"narrative": STRINGS},
    # IdentityObject
    "credentialSubject.identifier.0": {
        "type": STRINGS,
        "identityHash": STRINGS,
        "identityType": STRINGS,
        "hashed": bool,
    },
    # BitstringStatusListEntry (W3C Bitstring Status List §2.1)
    "credentialStatus": {
        "type": STRINGS,
        "statusPurpose": STRINGS,
        "statusListIndex": STRINGS,
        "statusListCredential": STRINGS,
    },
}


def _at(document: Any, path: str) -> Any:
    for step in filter(None, path.split(".")):
        document = document[int(step)] if isinstance(document, list) else document[step]
    return document


def test_the_payload_has_every_property_open_badges_3_requires(any_credential: Credential) -> None:
    payload = _payload(any_credential.token)
    for path, properties in REQUIRED.items():
        for name, kind in properties.items():
            value = _at(payload, path).get(name)
            assert isinstance(value, kind), f"{path or 'credential'}.{name} is {value!r}, not {kind.__name__}"
    assert payload["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(payload["type"])
    assert "Profile" in payload["issuer"]["type"] and payload["issuer"]["name"] == "Adaptest"
    assert "AchievementSubject" in payload["credentialSubject"]["type"]
    assert "Achievement" in payload["credentialSubject"]["achievement"]["type"]
    assert payload["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert payload["credentialStatus"]["statusPurpose"] == "revocation"
    assert payload["validUntil"] > payload["validFrom"]


def test_the_holder_is_named_only_by_a_salted_hash(any_credential: Credential, ada) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(_payload(any_credential.token))
    # As a word: "adaptive" is in a skills report's text, and three hex digits of a hash can spell "ada".
    assert not re.search(rf"\b{re.escape(ada.username)}\b", text.replace("Adaptest", ""))
    assert _payload(any_credential.token)["credentialSubject"]["identifier"][0]["identityHash"].startswith(
        "sha256$"
    )


# The key


def test_the_key_file_is_made_once_and_reused_and_is_in_no_table(
    credential: Credential, client: Client, settings, ada, certification
) -> None:  # type: ignore[no-untyped-def]
    key_file: Path = settings.ADAPTEST_ISSUER_KEY_FILE
    first = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    _finish(ada, certification, correct=True)
    client.get(reverse("credential_list"))
    assert Credential.objects.count() == 2 and key_file.read_text() == first
    private = json.loads(first)["d"]
    assert private not in json.dumps(_did(client))
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                assert private not in repr(row), f"the private key is in {table}"


# Public documents and the holder's pages


def test_the_did_document_and_status_list_are_public(credential: Credential) -> None:
    anonymous = Client()
    did = anonymous.get("/.well-known/did.json")
    assert did.status_code == 200 and did["Content-Type"] == "application/did+json"
    document = json.loads(did.content)
    assert document["id"] == "did:web:testserver"
    assert document["verificationMethod"][0]["publicKeyJwk"]["crv"] == "Ed25519"
    assert "d" not in document["verificationMethod"][0]["publicKeyJwk"]
    status = anonymous.get("/credentials/status/1")
    assert status.status_code == 200 and status["Content-Type"] == "application/vc+jwt"
    entry = _payload(credential.token)["credentialStatus"]
    assert entry["statusListCredential"] == "http://testserver/credentials/status/1"
    listed = _payload(status.content.decode())
    assert listed["id"] == entry["statusListCredential"]
    assert "BitstringStatusListCredential" in listed["type"]
    encoded = listed["credentialSubject"]["encodedList"]
    assert not bit_is_set(encoded, credential.status_index)
    assert not bit_is_set(encoded, LIST_LENGTH - 1)  # 16 KB: the spec's minimum length
    assert anonymous.get("/credentials/status/99").status_code == 404


def test_the_issuer_domain_setting_names_the_issuer(settings, client: Client, ada, certification) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_ISSUER_DOMAIN = "adaptest.example.org"
    _finish(ada, certification, correct=True)
    client.force_login(ada)
    client.get(reverse("credential_list"))
    payload = _payload(Credential.objects.get().token)
    assert payload["issuer"]["id"] == "did:web:adaptest.example.org"
    assert payload["id"].startswith("https://adaptest.example.org/credentials/verify/")


def test_the_verification_page_is_public_and_says_valid_or_revoked(credential: Credential) -> None:
    page = Client().get(reverse("credential_verify", args=[credential.uuid]))
    assert page.status_code == 200 and "Valid:" in page.content.decode()
    assert _payload(credential.token)["id"].endswith(reverse("credential_verify", args=[credential.uuid]))
    credential_revoke(credential=credential, now=timezone.now())
    assert "Revoked:" in Client().get(reverse("credential_verify", args=[credential.uuid])).content.decode()


def test_the_holder_downloads_the_signed_credential(credential: Credential, client: Client) -> None:
    response = client.get(reverse("credential_download", args=[credential.uuid]))
    assert response.status_code == 200 and response.content.decode() == credential.token
    assert response["Content-Disposition"].endswith('.jwt"')


def test_another_user_gets_404_for_the_download(credential: Credential, dan) -> None:  # type: ignore[no-untyped-def]
    other = Client()
    other.force_login(dan)
    assert other.get(reverse("credential_download", args=[credential.uuid])).status_code == 404
    assert credential.achievement_name not in other.get(reverse("credential_list")).content.decode()


def test_the_holders_pages_need_a_login(credential: Credential) -> None:
    assert Client().get(reverse("credential_list")).status_code == 302
    assert Client().get(reverse("credential_download", args=[credential.uuid])).status_code == 302


def test_the_offline_verifier_loads_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import adaptest.web.credentials.verification; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_api_lists_the_holders_credentials_only(credential: Credential, dan) -> None:  # type: ignore[no-untyped-def]
    from adaptest.web.accounts.services import api_token_create

    _, ada_token = api_token_create(user=credential.user, name="t", now=timezone.now())
    _, dan_token = api_token_create(user=dan, name="t", now=timezone.now())
    listed = Client().get("/api/credentials", HTTP_AUTHORIZATION=f"Bearer {ada_token}").json()
    assert [(c["id"], c["state"], c["credential"]) for c in listed] == [
        (str(credential.uuid), "valid", credential.token)
    ]
    assert listed[0]["verification_url"].endswith(reverse("credential_verify", args=[credential.uuid]))
    assert Client().get("/api/credentials", HTTP_AUTHORIZATION=f"Bearer {dan_token}").json() == []
    assert Client().get("/api/credentials").status_code == 401


def test_the_certificate_png_has_a_qr_code_to_the_verification_page(credential: Credential, dan) -> None:  # type: ignore[no-untyped-def]
    import io

    import zxingcpp
    from PIL import Image

    holder = Client()
    holder.force_login(credential.user)
    response = holder.get(reverse("credential_certificate", args=[credential.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    url = "http://testserver" + reverse("credential_verify", args=[credential.uuid])
    assert [code.text for code in codes] == [url]
    other = Client()
    other.force_login(dan)
    assert other.get(reverse("credential_certificate", args=[credential.uuid])).status_code == 404


def test_staff_revoke_in_the_admin_and_the_holder_sees_it(
    credential: Credential, client: Client, ben
) -> None:  # type: ignore[no-untyped-def]
    staff = Client()
    staff.force_login(ben)
    changelist = reverse("admin:credentials_credential_changelist")
    response = staff.post(changelist, {"action": "revoke", "_selected_action": [credential.pk]})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert "Revoked" in client.get(reverse("credential_list")).content.decode()


def test_the_data_export_holds_the_holders_credentials(credential: Credential) -> None:
    from adaptest.web.privacy.selectors import user_data_export

    exported = json.dumps(user_data_export(user=credential.user), default=str)
    assert str(credential.uuid) in exported
