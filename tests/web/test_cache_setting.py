"""ADAPTEST_CACHE_URL: the shared cache that holds rate-limit counters (database table or Redis)."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from adaptest.web import env

REDIS = ("127.0.0.1", 6379)


def test_without_a_url_the_cache_is_the_database_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADAPTEST_CACHE_URL", raising=False)
    assert env.cache("ADAPTEST_CACHE_URL")["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_a_redis_url_selects_djangos_redis_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTEST_CACHE_URL", "redis://cache.internal:6379/2")
    assert env.cache("ADAPTEST_CACHE_URL") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }


def test_any_other_cache_url_stops_the_app_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADAPTEST_CACHE_URL", "memcached://localhost")
    with pytest.raises(ImproperlyConfigured, match="ADAPTEST_CACHE_URL='memcached://localhost'"):
        env.cache("ADAPTEST_CACHE_URL")


def _redis_problem() -> str | None:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError as error:
        return f"no Redis server at {REDIS[0]}:{REDIS[1]} ({error})"
    return None


def test_rate_limit_counters_in_redis_are_shared_by_two_servers() -> None:
    problem = _redis_problem()
    if problem:
        pytest.skip(problem)
    from adaptest.web.core import throttling

    url = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    first_server, second_server = RedisCache(url, {}), RedisCache(url, {})
    ident = uuid.uuid4().hex
    for server, allowed in ((first_server, True), (second_server, False)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(throttling, "cache", server)
            wait = throttling.rate_limit_wait(scope="test", ident=ident, rate=(1, 60))
        assert (wait is None) is allowed  # the second server sees the first one's count
    first_server.delete(f"rate:test:{ident}")
