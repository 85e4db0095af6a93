"""Tiny typed readers for environment variables: the only place settings come from.

Each reader fails loudly, naming the variable, when a value cannot be understood.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def string(name: str, default: str) -> str:
    return os.environ.get(name, default)


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def integer(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def port(name: str, default: int) -> int:
    """A TCP port, 1 to 65535."""
    value = integer(name, default, minimum=1)
    if value > 65535:
        raise ImproperlyConfigured(f"{name}={os.environ.get(name)!r} is not a port (1 to 65535)")
    return value


def fraction(name: str, default: float) -> float:
    """A number strictly between 0 and 1, such as 0.7."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise ImproperlyConfigured(f"{name}={raw!r} must lie strictly between 0 and 1")
    return value


def strings(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
"""The periods a rate may be given in: ``5/m`` is five per minute, ``100/h`` a hundred per hour."""


def rate(name: str, default: str) -> tuple[int, int]:
    """A rate such as ``600/m``: (how many, per how many seconds)."""
    raw = os.environ.get(name) or default
    count, _, period = raw.strip().partition("/")
    if not (count.isascii() and count.isdigit() and int(count) > 0 and period in RATE_PERIODS):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write how many per s, m, h or d, such as 600/m or 10/h"
        )
    return int(count), RATE_PERIODS[period]


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
"""The e-mail backends by short name. Dotted paths are refused on purpose: a typo in one would only fail
at the first mail sent, long after start-up."""


def email_backend(name: str, default: str) -> str:
    """Django's e-mail backend for a short name: console, smtp, file or locmem."""
    raw = os.environ.get(name) or default
    backend = EMAIL_BACKENDS.get(raw.strip().lower())
    if backend is None:
        choices = ", ".join(EMAIL_BACKENDS)
        raise ImproperlyConfigured(f"{name}={raw!r} is not an e-mail backend (use one of {choices})")
    return backend


def path(name: str, default: Path) -> Path:
    return Path(os.environ.get(name) or default).expanduser().resolve()


def paths(name: str, default: list[Path]) -> list[Path]:
    """Comma-separated paths, as ``strings`` separates its values; ``~`` expanded, each made absolute."""
    return [Path(part).expanduser().resolve() for part in strings(name, [str(p) for p in default])]


def secret_key(name: str, data_dir: Path) -> str:
    """The env value, else a random key generated once and kept (mode 0600) in the data directory."""
    value = os.environ.get(name)
    if value:
        return value
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(get_random_secret_key())
    return key_file.read_text().strip()


def cache(name: str) -> dict[str, object]:
    """A Django cache from a URL: unset is the database cache table; ``redis://`` or ``rediss://`` a
    Redis server (Django's own backend); anything else fails loudly."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        # Culling starts past MAX_ENTRIES and would drop live counters, so keep it far above the number
        # of clients seen within the longest rate period (expired rows are removed first).
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "adaptest_cache",
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    if raw.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a cache URL (leave it unset, or use redis://host:port/db)"
    )
