"""The instance's Ed25519 signing key: a JWK file in the data directory, made on first use (mode 0600).

Never stored in the database (DESIGN.md §8): a database dump must not let anyone sign certificates.
Several servers share it by pointing ADAPTEST_ISSUER_KEY_FILE at the same secret file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from joserfc.jwk import OKPKey

KEY_FRAGMENT = "key-1"


def issuer_key() -> OKPKey:
    path: Path = settings.ADAPTEST_ISSUER_KEY_FILE
    if not path.exists():
        _create(path)
    return OKPKey.import_key(json.loads(path.read_text()))


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = OKPKey.generate_key("Ed25519")
    try:  # O_EXCL: two workers starting at once keep one key, the first one written
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        json.dump(key.as_dict(private=True), handle)


@dataclass(frozen=True)
class Issuer:
    """Who signs: a did:web DID for the instance's domain, and the base of the URLs it publishes."""

    domain: str
    base_url: str

    @property
    def did(self) -> str:
        return "did:web:" + quote(self.domain, safe="")  # did:web percent-encodes a port's colon

    @property
    def kid(self) -> str:
        return f"{self.did}#{KEY_FRAGMENT}"


def issuer_for_request(request: HttpRequest) -> Issuer:
    """ADAPTEST_ISSUER_DOMAIN when set (https), else the host the request came to."""
    domain = settings.ADAPTEST_ISSUER_DOMAIN
    if domain:
        return Issuer(domain=domain, base_url=f"https://{domain}")
    host = request.get_host()
    return Issuer(domain=host, base_url=f"{request.scheme}://{host}")
