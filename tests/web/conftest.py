"""Browser fixtures for the modules that share one Chromium: ``chromium`` (one per test module) and
``tab`` (a fresh tab with its own cookies for each test). test_browser.py keeps its own ``page``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.conftest import CHROMIUM


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium, live_server, settings, shipped_bank) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    # The rate-limit counters live in the cache table, which flushing the database between browser tests
    # leaves alone: every browser test signs up from 127.0.0.1, so start each with fresh allowances.
    cache.clear()
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
