"""The optional skills report: an Open Badges 3.0 credential with an adaptive attempt's levels, issued only
when its holder asks, once per attempt, to them alone; it says what the stored report says and never
"passed". Verifying, revocation and the required properties shared with certificates run in
tests/web/test_credentials.py on both kinds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adaptest.web.assessments.models import Attempt
from adaptest.web.credentials.certificate import certificate_lines, skills_report_levels
from adaptest.web.credentials.keys import Issuer
from adaptest.web.credentials.models import Credential
from adaptest.web.credentials.services import (
    BORDERLINE_NOTE,
    NoSkillsReport,
    credential_revoke,
    skills_report_issue,
)
from adaptest.web.itembank.models import Assessment
from tests.web import test_credentials as certificates
from tests.web.test_credentials import _cli_verify, _finish, _finish_adaptive, _payload, _verify

pytestmark = pytest.mark.django_db

# The certificates' fixtures: a fresh issuer key per test (autouse), the adaptive assessment, Ada's report.
_key_file = certificates._key_file
skills_assessment = certificates.skills_assessment
skills_report = certificates.skills_report

ISSUER = Issuer(domain="testserver", base_url="http://testserver")


def _text(client: Client, name: str, *args: Any) -> str:
    return client.get(reverse(name, args=args)).content.decode()


# Opt-in, the holder's own, once


def test_finishing_issues_nothing_until_the_holder_asks(
    client: Client, ada, skills_assessment: Assessment
) -> None:  # type: ignore[no-untyped-def]
    attempt = _finish_adaptive(ada, skills_assessment)
    client.force_login(ada)
    result = _text(client, "result", attempt.pk)
    ask = reverse("skills_report", args=[attempt.pk])
    assert f'<a href="{ask}">Get a skills report</a>' in result
    listed = _text(client, "credential_list")  # reading the list issues certificates, never this
    assert ask in listed and "no certificates yet" in listed
    page = _text(client, "skills_report", attempt.pk)
    assert "csrfmiddlewaretoken" in page and "Get my skills report" in page
    assert not Credential.objects.exists()
    assert client.post(ask).status_code == 302
    credential = Credential.objects.get()
    assert (credential.kind, credential.attempt, credential.user) == ("skills_report", attempt, ada)
    listed = _text(client, "credential_list")
    assert "Deep Learning Skills Assessment: skills report" in listed
    download = reverse("credential_download", args=[credential.uuid])
    assert download in _text(client, "skills_report", attempt.pk)


def test_asking_needs_a_csrf_token(ada, skills_assessment: Assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = _finish_adaptive(ada, skills_assessment)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ada)
    assert strict.post(reverse("skills_report", args=[attempt.pk])).status_code == 403
    assert not Credential.objects.exists()


def test_asking_twice_returns_the_same_credential(skills_report: Credential, client: Client) -> None:
    again = client.post(reverse("skills_report", args=[skills_report.attempt_id]))
    assert again.status_code == 302
    assert list(Credential.objects.all()) == [skills_report]
    attempt = Attempt.objects.get(pk=skills_report.attempt_id)
    assert skills_report_issue(attempt=attempt, now=timezone.now(), issuer=ISSUER) == skills_report
    assert Credential.objects.get().token == skills_report.token


def test_another_user_gets_404_and_nothing_is_issued(ada, dan, skills_assessment: Assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = _finish_adaptive(ada, skills_assessment)
    other = Client()
    other.force_login(dan)
    url = reverse("skills_report", args=[attempt.pk])
    assert other.get(url).status_code == 404 and other.post(url).status_code == 404
    assert not Credential.objects.exists()
    assert Client().post(url).status_code == 302  # to the login page
    assert not Credential.objects.exists()


def test_attempts_without_levels_get_404(
    client: Client, ada, skills_assessment: Assessment, certification: Assessment
) -> None:  # type: ignore[no-untyped-def]
    exam = _finish(ada, certification, correct=True)
    open_attempt = Attempt.objects.create(
        user=ada,
        assessment=skills_assessment,
        started_at=timezone.now(),
        deadline=timezone.now(),
    )
    client.force_login(ada)
    for attempt in (exam, open_attempt):
        assert client.post(reverse("skills_report", args=[attempt.pk])).status_code == 404
        with pytest.raises(NoSkillsReport):
            skills_report_issue(attempt=attempt, now=timezone.now(), issuer=ISSUER)
    no_scored = Attempt.objects.create(
        user=ada,
        assessment=skills_assessment,
        started_at=timezone.now(),
        deadline=timezone.now(),
        status=Attempt.Status.EXPIRED,
        report={"domains": [], "overall": {}, "scored_items": 0},
    )
    assert client.post(reverse("skills_report", args=[no_scored.pk])).status_code == 404
    assert "Get a skills report" not in _text(client, "result", no_scored.pk)
    assert list(Credential.objects.values_list("kind", flat=True)) == []


# What it says


def _results(token: str) -> dict[str, tuple[str, str, str, bool]]:
    """Per ResultDescription name: (achieved level id's last part, value, resultType, borderline noted)."""
    subject = _payload(token)["credentialSubject"]
    descriptions = {d["id"]: d for d in subject["achievement"]["resultDescription"]}
    out = {}
    for result in subject["result"]:
        assert result["type"] == ["Result"]
        description = descriptions[result["resultDescription"]]
        levels = {level["id"]: level for level in description["rubricCriterionLevel"]}
        achieved = levels[result["achievedLevel"]]
        out[description["name"]] = (
            achieved["name"].lower(),
            result["value"],
            description["resultType"],
            BORDERLINE_NOTE in achieved["description"],
        )
    return out


def _expected(report: dict[str, Any]) -> dict[str, tuple[str, str, str, bool]]:
    rows = [("Overall", report["overall"])] + [(d["title"], d) for d in report["domains"] if d["items"]]
    return {
        name: (e["level"], str(e["score"]), "RubricCriterionLevel", bool(e["borderline"])) for name, e in rows
    }


def test_the_signed_levels_equal_the_stored_report(skills_report: Credential) -> None:
    report = Attempt.objects.get(pk=skills_report.attempt_id).report
    assert _results(skills_report.token) == _expected(report)
    assert len(report["domains"]) == 4 and all(d["items"] for d in report["domains"])


def test_a_borderline_level_and_an_unmeasured_domain_are_said_so(ada, skills_assessment: Assessment) -> None:  # type: ignore[no-untyped-def]
    attempt = _finish_adaptive(ada, skills_assessment, pattern="rrw")
    report = attempt.report
    report["domains"][0]["borderline"], report["overall"]["borderline"] = True, False
    report["domains"][1]["items"] = 0  # as if the test had ended before reaching it
    attempt.report = report
    attempt.save(update_fields=["report"])
    credential = skills_report_issue(attempt=attempt, now=timezone.now(), issuer=ISSUER)
    results = _results(credential.token)
    assert results == _expected(report)
    assert results[report["domains"][0]["title"]][3] is True and results["Overall"][3] is False
    assert report["domains"][1]["title"] not in results


def test_the_achievement_is_an_assessment_with_rubric_levels(skills_report: Credential) -> None:
    payload = _payload(skills_report.token)
    achievement = payload["credentialSubject"]["achievement"]
    assert payload["name"] == "Deep Learning Skills Assessment: skills report" == achievement["name"]
    assert achievement["achievementType"] == "Assessment" and "Certificate" not in json.dumps(achievement)
    assert "beginning, developing, accomplished" in achievement["criteria"]["narrative"]
    assert "borderline" in achievement["criteria"]["narrative"]
    for description in achievement["resultDescription"]:
        # OB 3.0 §B.1.17 ResultDescription and §B.1.18 RubricCriterionLevel: the required properties
        assert {"id", "type", "name", "resultType"} <= description.keys()
        assert description["type"] == ["ResultDescription"]
        assert (description["valueMin"], description["valueMax"]) == ("0", "300")
        assert [level["name"] for level in description["rubricCriterionLevel"]] == [
            "Beginning",
            "Developing",
            "Accomplished",
        ]
        for level in description["rubricCriterionLevel"]:
            assert {"id", "type", "name"} <= level.keys() and level["type"] == ["RubricCriterionLevel"]
            assert level["id"].startswith(description["id"] + "-")
    ids = [d["id"] for d in achievement["resultDescription"]]
    assert len(set(ids)) == len(ids) and all(i.startswith(payload["id"] + "#") for i in ids)
    for result in payload["credentialSubject"]["result"]:  # OB 3.0 §B.1.16 Result: only its properties
        assert set(result) <= {"type", "achievedLevel", "alignment", "resultDescription", "status", "value"}


# Verifying and revoking (the CLI, jwcrypto and the required properties: tests/web/test_credentials.py)


def test_verify_accepts_it_offline_and_refuses_a_changed_byte_and_revocation(
    skills_report: Credential, client: Client, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    assert _cli_verify(skills_report, client, tmp_path) == 0
    assert "VALID" in capsys.readouterr().out
    token = skills_report.token
    middle = token.index(".") + len(token.split(".")[1]) // 2
    changed = token[:middle] + ("B" if token[middle] != "B" else "C") + token[middle + 1 :]
    assert _verify(changed, client).refusal.startswith(("signature", "format"))  # type: ignore[union-attr]
    credential_revoke(credential=skills_report, now=timezone.now())
    assert _verify(token, client).refusal == "revocation: the issuer has revoked this credential"
    assert _cli_verify(skills_report, client, tmp_path) == 1


def test_the_verification_page_says_skills_report(skills_report: Credential) -> None:
    page = Client().get(reverse("credential_verify", args=[skills_report.uuid])).content.decode()
    assert "<h1>Skills report verification</h1>" in page and "Valid: this skills report" in page
    assert "Certificate" not in page
    credential_revoke(credential=skills_report, now=timezone.now())
    page = Client().get(reverse("credential_verify", args=[skills_report.uuid])).content.decode()
    assert "Revoked: the issuer has withdrawn this skills report" in page


# The printable picture


def test_the_picture_of_a_skills_report_lists_the_levels_and_never_says_passed(
    skills_report: Credential,
) -> None:
    report = Attempt.objects.get(pk=skills_report.attempt_id).report
    levels = skills_report_levels(skills_report.token)
    expected = [f"Overall: {report['overall']['level'].capitalize()}"]
    expected += [f"{d['title']}: {d['level'].capitalize()}" for d in report["domains"]]
    assert [level.removesuffix(" (borderline)") for level in levels] == expected
    texts = [
        line.text
        for line in certificate_lines(
            kind=skills_report.kind,
            achievement_name=skills_report.achievement_name,
            holder_name="Ada Lovelace",
            issued_at=skills_report.issued_at,
            valid_until=skills_report.valid_until,
            levels=levels,
        )
    ]
    assert texts[0] == "Skills report" and "Ada Lovelace" in texts
    assert "took the Deep Learning Skills Assessment with these levels:" in texts
    assert all(level in texts for level in levels)
    assert not any("pass" in text.lower() or "certif" in text.lower() for text in texts)


def test_a_certificate_picture_still_says_passed() -> None:
    moment = datetime(2026, 1, 2, tzinfo=UTC)
    texts = [
        line.text
        for line in certificate_lines(
            kind="certificate",
            achievement_name="Exam",
            holder_name="Ada",
            issued_at=moment,
            valid_until=moment,
        )
    ]
    assert texts[:5] == ["Certificate of achievement", "This certifies that", "Ada", "passed", "Exam"]


def test_the_skills_report_png_has_its_qr_code_and_is_the_holders_only(
    skills_report: Credential, client: Client, dan
) -> None:  # type: ignore[no-untyped-def]
    import io

    import zxingcpp
    from PIL import Image

    response = client.get(reverse("credential_certificate", args=[skills_report.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    url = "http://testserver" + reverse("credential_verify", args=[skills_report.uuid])
    assert [code.text for code in codes] == [url]
    other = Client()
    other.force_login(dan)
    assert other.get(reverse("credential_certificate", args=[skills_report.uuid])).status_code == 404
