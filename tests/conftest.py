"""Shared fixtures: personas, the shipped bank synced into the test database, service gating.

PostgreSQL and browser tests skip locally with a clear reason when their service is missing; CI sets
ADAPTEST_REQUIRE_POSTGRES=1 / ADAPTEST_REQUIRE_BROWSER=1 and then a missing service is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ADAPTEST_CHROMIUM", "/usr/bin/chromium"))
PERSONAS = {
    "ada": "learner",
    "ben": "author (staff)",
    "cora": "organisation admin",
    "dan": "outsider",
}
PASSWORD = "a-long-Test-passphrase-42"


def _required(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def _postgres_problem() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure means "no usable server"
        return f"PostgreSQL at {url} is not reachable ({error.__class__.__name__}: {error})".strip()
    return None


def _browser_problem() -> str | None:
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = _postgres_problem()
    if problem:
        if _required("ADAPTEST_REQUIRE_POSTGRES"):
            raise pytest.UsageError(f"PostgreSQL tests are required here but {problem}")
        for item in items:
            item.add_marker(pytest.mark.skip(reason=problem))
    browser_problem = _browser_problem()
    if browser_problem:
        if _required("ADAPTEST_REQUIRE_BROWSER") and any("browser" in item.keywords for item in items):
            raise pytest.UsageError(f"Browser tests are required here but {browser_problem}")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=browser_problem))


@pytest.fixture(scope="session")
def shipped_folder():  # type: ignore[no-untyped-def]
    """The deep-learning bank as files, parsed once per test session."""
    from adaptest.bank import load_bank
    from adaptest.content import DEEP_LEARNING_BANK

    return load_bank(DEEP_LEARNING_BANK)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, shipped_folder):  # type: ignore[no-untyped-def]
    """The test database, with the shipped bank synced into it once for the whole session: each test's
    transaction is rolled back, so every test starts from the synced bank (tests that flush the
    database sync it again through ``shipped_bank``)."""
    from adaptest.web.itembank.services import bank_sync

    with django_db_blocker.unblock():
        bank_sync(folder=shipped_folder)


@pytest.fixture
def empty_database(db):  # type: ignore[no-untyped-def]
    """A test database without the session's shipped bank, for tests of a first sync or of a bank of
    their own (the deletion is rolled back with the test)."""
    from adaptest.web.itembank.models import Bank, Item

    Item.objects.update(current_version=None)  # protected while it points at a version
    Bank.objects.all().delete()


@pytest.fixture
def shipped_bank(db, shipped_folder):  # type: ignore[no-untyped-def]
    """The deep-learning bank, synced into the test database (once per session, see django_db_setup)."""
    from adaptest.web.itembank.models import Bank
    from adaptest.web.itembank.services import bank_sync

    if not Bank.objects.filter(bank_id=shipped_folder.meta.id).exists():  # flushed by a transactional test
        bank_sync(folder=shipped_folder)
    return shipped_folder


@pytest.fixture(autouse=True)
def _cold_pool_cache():  # type: ignore[no-untyped-def]
    """Each test starts like a fresh server process: a pool cached by an earlier test was built inside a
    transaction that has since been rolled back (with the exposure counters it created)."""
    from adaptest.web.assessments.engine import forget_cached_pools
    from adaptest.web.practice.services import forget_practice_pools

    forget_cached_pools()
    forget_practice_pools()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Real hashers are slow on purpose; tests do not need that protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def certification(shipped_bank):  # type: ignore[no-untyped-def]
    from adaptest.web.itembank.models import Assessment

    return Assessment.objects.get(slug="dl-fundamentals-cert")


def _persona(django_user_model, name: str):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user(username=name, password=PASSWORD, is_staff=(name == "ben"))


@pytest.fixture
def ada(db, django_user_model):  # type: ignore[no-untyped-def]
    """A learner."""
    return _persona(django_user_model, "ada")


@pytest.fixture
def ben(db, django_user_model):  # type: ignore[no-untyped-def]
    """An author with staff access to the admin."""
    user = _persona(django_user_model, "ben")
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def cora(db, django_user_model):  # type: ignore[no-untyped-def]
    """An organisation admin: until a learner shares a result with her organisation, she sees nothing."""
    return _persona(django_user_model, "cora")


@pytest.fixture
def dan(db, django_user_model):  # type: ignore[no-untyped-def]
    """An outsider who must never see anyone else's attempts."""
    return _persona(django_user_model, "dan")


@pytest.fixture
def keep_test_connection(monkeypatch):  # type: ignore[no-untyped-def]
    """A management command closes every connection when it ends; in-process that would close the test's
    own connection (and, on PostgreSQL, its transaction), so tests that run the CLI keep it open."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
