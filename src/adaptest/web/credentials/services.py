"""Issuing and revoking credentials. Assessments never call in here (apps import downward only): the
credentials page and API issue the missing certificates of a holder's passed attempts when they are read,
and a skills report of an adaptive attempt only when its holder asks for one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from adaptest.web.assessments.engine import CUTS, SCALE
from adaptest.web.assessments.models import Attempt
from adaptest.web.credentials.jose import credential_sign
from adaptest.web.credentials.keys import Issuer, issuer_key
from adaptest.web.credentials.models import Credential
from adaptest.web.credentials.status_list import LIST_LENGTH

VALIDITY = timedelta(days=3 * 365)
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ISSUER_NAME = "Adaptest"
BORDERLINE_NOTE = "Borderline for this holder:"
"""Begins the note a skills report adds to a borderline level's description (a Result has no note)."""


def credentials_issue_missing(*, user: Any, now: datetime, issuer: Issuer) -> None:
    """Issue a credential for each of the user's passed attempts that has none yet."""
    attempts = Attempt.objects.filter(user=user, passed=True, credential__isnull=True).exclude(
        status=Attempt.Status.IN_PROGRESS
    )
    for attempt in attempts.select_related("assessment"):
        credential_issue_for_attempt(attempt=attempt, now=now, issuer=issuer)


def credential_issue_for_attempt(*, attempt: Attempt, now: datetime, issuer: Issuer) -> Credential | None:
    """The attempt's credential, issued now if it passed and has none; None if it did not pass."""
    if attempt.passed is not True or attempt.is_open:
        return None
    return _issue(attempt=attempt, kind=Credential.Kind.CERTIFICATE, now=now, issuer=issuer)


class NoSkillsReport(Exception):
    """The attempt has no levels to report: it is open, not adaptive, or ended before a scored answer."""


def skills_report_issue(*, attempt: Attempt, now: datetime, issuer: Issuer) -> Credential:
    """The skills report of a finished adaptive attempt with scored answers, issued now unless it exists.

    Only ever called when the holder asks (the levels are theirs to share); asking again returns the same
    credential. Raises NoSkillsReport for an attempt without levels.
    """
    if not skills_report_possible(attempt=attempt):
        raise NoSkillsReport(f"attempt {attempt.pk} has no levels to report")
    return _issue(attempt=attempt, kind=Credential.Kind.SKILLS_REPORT, now=now, issuer=issuer)


def skills_report_possible(*, attempt: Attempt) -> bool:
    report = attempt.report
    return not attempt.is_open and isinstance(report, dict) and bool(report.get("scored_items"))


def _issue(*, attempt: Attempt, kind: str, now: datetime, issuer: Issuer) -> Credential:
    """The attempt's credential (one per attempt, whatever its kind), signed now if it has none."""
    existing = Credential.objects.filter(attempt=attempt).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            credential = Credential.objects.create(
                user_id=attempt.user_id,
                attempt=attempt,
                kind=kind,
                achievement_name=attempt.assessment.title,
                issuer=issuer.did,
                issued_at=now,
                valid_until=now + VALIDITY,
                # A unique placeholder until the row's key gives the real place below.
                status_list=0,
                status_index=attempt.pk,
            )
            # The key is never reused (rows outlive their holders), so it numbers the bits.
            credential.status_list, credential.status_index = divmod(credential.pk, LIST_LENGTH)
            credential.status_list += 1
            credential.token = credential_sign(
                credential_document(credential=credential, attempt=attempt, issuer=issuer),
                key=issuer_key(),
                kid=issuer.kid,
            )
            credential.save(update_fields=["status_list", "status_index", "token"])
    except IntegrityError:  # another request issued it first
        return Credential.objects.get(attempt=attempt)
    return credential


def credential_revoke(*, credential: Credential, now: datetime) -> None:
    if credential.revoked_at is None:
        credential.revoked_at = now
        credential.save(update_fields=["revoked_at"])


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _identity(user: Any) -> dict[str, Any]:
    """OB 3.0 IdentityObject: a salted hash; the holder proves it is them by showing identity and salt."""
    salt = secrets.token_hex(16)
    identity, kind = (user.email, "emailAddress") if user.email else (user.username, "name")
    return {
        "type": "IdentityObject",
        "identityHash": "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest(),
        "identityType": kind,
        "hashed": True,
        "salt": salt,
    }


def credential_document(*, credential: Credential, attempt: Attempt, issuer: Issuer) -> dict[str, Any]:
    """The OpenBadgeCredential to sign: a certificate's, or a skills report's (by ``credential.kind``)."""
    assessment = attempt.assessment
    credential_id = issuer.base_url + reverse("credential_verify", args=[credential.uuid])
    achievement_url = issuer.base_url + reverse("assessment", args=[assessment.slug])
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "identifier": [_identity(attempt.user)]}
    if credential.kind == Credential.Kind.SKILLS_REPORT:
        name = f"{assessment.title}: skills report"
        subject["achievement"], subject["result"] = _skills_report(
            attempt=attempt, achievement_id=f"{achievement_url}#skills-report", base=credential_id
        )
    else:
        name = f"{assessment.title}: passed"
        subject["achievement"] = {
            "id": achievement_url,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": assessment.title,
            "description": assessment.description or assessment.title,
            "criteria": {
                "narrative": f"Pass the {assessment.title} with at least "
                f"{round((assessment.pass_mark or 0) * 100)}% of the maximum score."
            },
        }
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": ISSUER_NAME, "url": issuer.base_url},
        "validFrom": _timestamp(credential.issued_at),
        "validUntil": _timestamp(credential.valid_until),
        "name": name,
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{_status_list_url(issuer, credential.status_list)}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": _status_list_url(issuer, credential.status_list),
        },
    }


def _skills_report(
    *, attempt: Attempt, achievement_id: str, base: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The achievement with one ResultDescription for the whole test and one per measured domain (each
    offering the three levels as RubricCriterionLevels, on the 0–300 scale), and the holder's Results.

    Ids hang off the credential's own id (``base``) because a borderline level's description says so for
    this holder. OB 3.0's Result has no note (its properties: type, achievedLevel, alignment,
    resultDescription, status, value), so "borderline" is said in the achieved level's description.
    """
    report, assessment = attempt.report or {}, attempt.assessment
    low, high = (round(float(cut)) for cut in SCALE.score(list(CUTS.cuts)))
    descriptors = {d["id"]: d.get("levels", {}) for d in assessment.bank.meta.get("domains", [])}
    overall = {  # the overall ability is the mean of the domain abilities (docs/psychometrics.md)
        "beginning": f"The mean of the domain abilities lies below {low} on the scale.",
        "developing": f"The mean of the domain abilities lies between {low} and {high} on the scale.",
        "accomplished": f"The mean of the domain abilities lies above {high} on the scale.",
    }
    rows = [("overall", "Overall", report["overall"], overall)]
    rows += [
        (f"domain-{d['id']}", d["title"], d, descriptors.get(d["id"], {}))
        for d in report["domains"]
        if d["items"] > 0  # a domain without a scored answer is only inferred from the others: not claimed
    ]
    descriptions, results = [], []
    for key, title, estimate, meanings in rows:
        description_id = f"{base}#{key}"
        levels = []
        for level in CUTS.names:
            meaning = " ".join(str(meanings.get(level, level.capitalize())).split())
            if level == estimate["level"] and estimate["borderline"]:
                meaning += (
                    f" {BORDERLINE_NOTE} the answers give this level a probability below "
                    f"{round(CUTS.confident * 100)}%."
                )
            levels.append(
                {
                    "id": f"{description_id}-{level}",
                    "type": ["RubricCriterionLevel"],
                    "name": level.capitalize(),
                    "description": meaning,
                }
            )
        descriptions.append(
            {
                "id": description_id,
                "type": ["ResultDescription"],
                "name": title,
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": levels,
                "valueMin": str(round(SCALE.low)),
                "valueMax": str(round(SCALE.high)),
            }
        )
        results.append(
            {
                "type": ["Result"],
                "resultDescription": description_id,
                "achievedLevel": f"{description_id}-{estimate['level']}",
                "value": str(estimate["score"]),
            }
        )
    achievement = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Assessment",
        "name": f"{assessment.title}: skills report",
        "description": f"The holder's levels, overall and in each domain measured, on the adaptive "
        f"{assessment.title}. The holder chose to share them; a skills report records levels, not a pass.",
        "criteria": {
            "narrative": f"Take the adaptive {assessment.title}. Each domain it measured, and the test "
            f"overall, is reported at one of three levels, lowest first: beginning, developing, "
            f"accomplished. A level is the most probable one given the answers; its value is a score on a "
            f"{round(SCALE.low)}–{round(SCALE.high)} scale, on which the levels meet at {low} and {high}. "
            f"A level is borderline when the answers give it a probability below "
            f"{round(CUTS.confident * 100)}%."
        },
        "resultDescription": descriptions,
    }
    return achievement, results


def _status_list_url(issuer: Issuer, number: int) -> str:
    return issuer.base_url + reverse("credential_status_list", args=[number])
