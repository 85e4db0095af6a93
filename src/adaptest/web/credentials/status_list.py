"""The Bitstring Status List's ``encodedList`` (W3C Bitstring Status List v1.0, §3.1): a bitstring, the
first index being the left-most bit of the first byte, GZIP-compressed and base64url-encoded (multibase
prefix ``u``, no padding). Encoding only, no cryptography; no Django, so offline verification can use it.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

LIST_LENGTH = 131_072
"""Bits per list: the spec's minimum of 16 KB, so one revoked credential hides among many (herd privacy)."""


def encoded_list(set_indexes: Iterable[int], *, length: int = LIST_LENGTH) -> str:
    bits = bytearray(length // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits always encode to the same text, whatever the time of the request.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def bit_is_set(encoded: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set; ValueError if the list is malformed or short."""
    text = encoded.removeprefix("u")  # the multibase prefix, optional in older lists
    try:
        bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"the status list is not GZIP-compressed base64url: {error}") from error
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} is outside the list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
