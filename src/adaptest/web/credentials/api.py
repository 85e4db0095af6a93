"""``GET /api/credentials``: the holder's certificates, signed credential included, as on their page.

Mounted by ``web/api/api.py`` with the API's token auth and rate limit; the same service and selectors
as the page (reading the list issues what a passed attempt is missing).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from adaptest.web.api.routing import AdaptestRouter
from adaptest.web.core.http import ApiRequest
from adaptest.web.credentials import selectors, services
from adaptest.web.credentials.keys import issuer_for_request

router = AdaptestRouter(tags=["credentials"])


class CredentialOut(Schema):
    id: UUID
    achievement: str
    issuer: str = Field(description="the issuer's did:web DID")
    issued_at: datetime
    valid_until: datetime
    state: Literal["valid", "revoked", "expired"]
    verification_url: str = Field(description="the public page that says whether it is valid")
    credential: str = Field(description="the signed Open Badges 3.0 credential: a compact JWS (VC-JWT)")


@router.get("", response=list[CredentialOut], url_name="credential_list")
def credential_list(request: ApiRequest) -> list[CredentialOut]:
    """Your certificates, one per passed certification exam."""
    now, issuer = timezone.now(), issuer_for_request(request)
    services.credentials_issue_missing(user=request.auth, now=now, issuer=issuer)
    return [
        CredentialOut(
            id=credential.uuid,
            achievement=credential.display_name,
            issuer=credential.issuer,
            issued_at=credential.issued_at,
            valid_until=credential.valid_until,
            state=selectors.credential_state(credential=credential, now=now),
            verification_url=issuer.base_url + reverse("credential_verify", args=[credential.uuid]),
            credential=credential.token,
        )
        for credential in selectors.credential_list(user=request.auth)
    ]
