"""Reads: a holder's credentials, a credential's state, and what the instance publishes (its DID document
and signed status lists)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from adaptest.web.assessments.models import Attempt
from adaptest.web.credentials.jose import credential_sign, public_jwk
from adaptest.web.credentials.keys import Issuer, issuer_key
from adaptest.web.credentials.models import Credential
from adaptest.web.credentials.status_list import encoded_list

State = Literal["valid", "revoked", "expired"]


def credential_list(*, user: Any) -> QuerySet[Credential]:
    return Credential.objects.filter(user=user)


def credential_get_for_holder(*, user: Any, credential_id: UUID) -> Credential:
    """The holder's own credential; 404 for anyone else's, so its existence is not revealed."""
    return get_object_or_404(Credential, user=user, uuid=credential_id)


def skills_report_attempts(*, user: Any) -> QuerySet[Attempt]:
    """The user's finished adaptive attempts with scored answers: those a skills report can be asked for."""
    return (
        Attempt.objects.filter(user=user, report__isnull=False, report__scored_items__gt=0)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .select_related("assessment")
    )


def skills_report_attempt_get(*, user: Any, attempt_id: int) -> Attempt:
    """The holder's own attempt that a skills report can be asked for; 404 for any other."""
    return get_object_or_404(skills_report_attempts(user=user), pk=attempt_id)


def skills_report_for_attempt(*, attempt: Attempt) -> Credential | None:
    return Credential.objects.filter(attempt=attempt, kind=Credential.Kind.SKILLS_REPORT).first()


def credential_state(*, credential: Credential, now: datetime) -> State:
    if credential.is_revoked:
        return "revoked"
    return "expired" if now > credential.valid_until else "valid"


def did_document(*, issuer: Issuer) -> dict[str, Any]:
    """The did:web document served at /.well-known/did.json: the issuer's public key for verifiers."""
    method = {
        "id": issuer.kid,
        "type": "JsonWebKey",
        "controller": issuer.did,
        "publicKeyJwk": public_jwk(issuer_key()),
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": issuer.did,
        "verificationMethod": [method],
        "assertionMethod": [issuer.kid],
    }


def status_list_exists(*, number: int) -> bool:
    return number == 1 or Credential.objects.filter(status_list=number).exists()


def status_list_credential(*, issuer: Issuer, number: int, now: datetime) -> str:
    """The signed BitstringStatusListCredential for list ``number``: revoked credentials' bits set."""
    revoked = Credential.objects.filter(status_list=number).filter(
        Q(revoked_at__isnull=False) | Q(user__isnull=True)
    )
    url = issuer.base_url + reverse("credential_status_list", args=[number])
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked.values_list("status_index", flat=True)),
        },
    }
    return credential_sign(document, key=issuer_key(), kid=issuer.kid)
