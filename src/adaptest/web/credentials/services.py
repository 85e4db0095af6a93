"""Issuing and revoking credentials. Assessments never call in here (apps import downward only): the
credentials page and API issue the missing credentials of a holder's passed attempts when they are read.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

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
    try:
        with transaction.atomic():
            credential = Credential.objects.create(
                user_id=attempt.user_id,
                attempt=attempt,
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
    assessment = attempt.assessment
    achievement_url = issuer.base_url + reverse("assessment", args=[assessment.slug])
    return {
        "@context": CONTEXTS,
        "id": issuer.base_url + reverse("credential_verify", args=[credential.uuid]),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": ISSUER_NAME, "url": issuer.base_url},
        "validFrom": _timestamp(credential.issued_at),
        "validUntil": _timestamp(credential.valid_until),
        "name": f"{assessment.title}: passed",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [_identity(attempt.user)],
            "achievement": {
                "id": achievement_url,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": assessment.title,
                "description": assessment.description or assessment.title,
                "criteria": {
                    "narrative": f"Pass the {assessment.title} with at least "
                    f"{round((assessment.pass_mark or 0) * 100)}% of the maximum score."
                },
            },
        },
        "credentialStatus": {
            "id": f"{_status_list_url(issuer, credential.status_list)}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(credential.status_index),
            "statusListCredential": _status_list_url(issuer, credential.status_list),
        },
    }


def _status_list_url(issuer: Issuer, number: int) -> str:
    return issuer.base_url + reverse("credential_status_list", args=[number])
