"""Verifiable Credentials secured with JOSE (W3C VC-JOSE-COSE §3.1): the credential's JSON is the payload
of a compact JWS signed with the issuer's Ed25519 key. All cryptography is joserfc's; no Django here.
"""

from __future__ import annotations

import json
from typing import Any

from joserfc import jws
from joserfc.jwk import OKPKey

ALGORITHM = "Ed25519"
"""RFC 9864's fully specified name for EdDSA over Ed25519 (it deprecates the polymorphic ``EdDSA``)."""
MEDIA_TYPE = "vc+jwt"
"""The ``typ`` of a VC-JWT (VC-JOSE-COSE §3.1.1); its optional ``cty`` would be ``vc``."""


def credential_sign(credential: dict[str, Any], *, key: OKPKey, kid: str) -> str:
    header = {"alg": ALGORITHM, "typ": MEDIA_TYPE, "cty": "vc", "kid": kid}
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, key, algorithms=[ALGORITHM])


def public_jwk(key: OKPKey) -> dict[str, Any]:
    """The public half as a JWK (``kty``, ``crv``, ``x``): never the private ``d``."""
    return {name: value for name, value in key.as_dict(private=False).items() if name in ("kty", "crv", "x")}
