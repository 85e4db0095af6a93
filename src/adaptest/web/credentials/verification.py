"""Offline verification of an Adaptest credential: the code ``adaptest credential verify`` and the tests
share. Pure Python over joserfc (no Django, no network): the issuer's key and status list are given.

A credential passes when, in this order: its JWS is canonical compact form signed by the given key; its
header is a VC-JWT's; its issuer is the key's; ``now`` lies in [validFrom, validUntil]; and, when a status
list is given, that list is signed by the same issuer and the credential's bit in it is not set.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from adaptest.web.credentials.jose import ALGORITHM, MEDIA_TYPE
from adaptest.web.credentials.status_list import bit_is_set


class Refused(Exception):
    """The credential does not verify; the message says why."""


@dataclass
class Verification:
    credential: dict[str, Any] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    refusal: str | None = None

    @property
    def valid(self) -> bool:
        return self.refusal is None


def issuer_key_load(document: dict[str, Any]) -> tuple[OKPKey, str | None]:
    """The issuer's public key from a JWK or a did:web DID document (then also the issuer's DID)."""
    if "verificationMethod" in document:
        method = document["verificationMethod"][0]
        return OKPKey.import_key(method["publicKeyJwk"]), str(document["id"])
    return OKPKey.import_key(document), None


def credential_verify(
    token: str,
    *,
    issuer_key: dict[str, Any],
    now: datetime,
    status_list: str | None = None,
) -> Verification:
    result = Verification()
    try:
        key, issuer_from_key = issuer_key_load(issuer_key)
        header, result.credential = _signed_payload(token.strip(), key)
        result.checked.append(f"signature: {ALGORITHM} by the given issuer key")
        issuer = _check_issuer(header, result.credential, issuer_from_key)
        result.checked.append(f"issuer: {issuer}")
        result.checked.append(_check_dates(result.credential, now))
        result.checked.append(_check_status(result.credential, issuer, key, status_list))
    except Refused as refusal:
        result.refusal = str(refusal)
    return result


def _signed_payload(token: str, key: OKPKey) -> tuple[dict[str, Any], dict[str, Any]]:
    _require_canonical(token)
    try:
        signed = jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
        payload = json.loads(signed.payload)
    except (JoseError, ValueError, TypeError) as error:
        raise Refused(f"signature: the credential is not signed by this key ({error})") from error
    if signed.protected.get("typ") != MEDIA_TYPE:
        raise Refused(f"header: typ is {signed.protected.get('typ')!r}, not {MEDIA_TYPE!r}")
    if not isinstance(payload, dict):
        raise Refused("payload: not a JSON object")
    return dict(signed.protected), payload


def _require_canonical(token: str) -> None:
    """Refuse base64url that decodes to the same bytes as the signed text but is spelled otherwise (the
    spare bits of a segment's last character): a changed character must never pass."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Refused("format: not a compact JWS (three dot-separated parts)")
    for part in parts:
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError as error:
            raise Refused(f"format: a part is not base64url ({error})") from error
        if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode("ascii") != part:
            raise Refused("format: a part is not canonical base64url")


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


def _check_issuer(header: dict[str, Any], credential: dict[str, Any], issuer_from_key: str | None) -> str:
    issuer = _issuer_id(credential)
    if not str(header.get("kid", "")).startswith(issuer + "#"):
        raise Refused(f"issuer: the signing key {header.get('kid')!r} is not one of {issuer}'s")
    if issuer_from_key is not None and issuer != issuer_from_key:
        raise Refused(f"issuer: the credential names {issuer}, the key belongs to {issuer_from_key}")
    return issuer


def _check_dates(credential: dict[str, Any], now: datetime) -> str:
    try:
        valid_from = datetime.fromisoformat(credential["validFrom"])
        valid_until = datetime.fromisoformat(credential["validUntil"])
    except (KeyError, TypeError, ValueError) as error:
        raise Refused(f"dates: validFrom/validUntil missing or malformed ({error})") from error
    if now < valid_from:
        raise Refused(f"dates: not valid before {valid_from.isoformat()}")
    if now > valid_until:
        raise Refused(f"dates: expired on {valid_until.isoformat()}")
    return f"dates: valid from {valid_from.isoformat()} until {valid_until.isoformat()}"


def _check_status(credential: dict[str, Any], issuer: str, key: OKPKey, status_list: str | None) -> str:
    status = credential.get("credentialStatus")
    if not isinstance(status, dict):
        return "revocation: the credential has no status entry"
    if status_list is None:
        return "revocation: NOT checked (no status list given)"
    header, list_credential = _signed_payload(status_list.strip(), key)
    if _issuer_id(list_credential) != issuer or list_credential.get("id") != status["statusListCredential"]:
        raise Refused("revocation: the status list given is not this credential's list from its issuer")
    subject = list_credential.get("credentialSubject", {})
    try:
        revoked = bit_is_set(subject["encodedList"], int(status["statusListIndex"]))
    except (KeyError, ValueError) as error:
        raise Refused(f"revocation: unreadable status list ({error})") from error
    if revoked:
        raise Refused("revocation: the issuer has revoked this credential")
    return f"revocation: not revoked (index {status['statusListIndex']} of {status['statusListCredential']})"
