"""Production settings: the deploy check, the CSP, HTTPS chosen by environment, the own error pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import include, path

import adaptest.web

TEMPLATES = Path(adaptest.web.__file__).resolve().parent / "templates"


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


# The app's own URLs plus one view that fails, for the 500 page (tests select it with settings.ROOT_URLCONF).
urlpatterns = [path("boom/", _boom), path("", include("adaptest.web.urls"))]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment docs/deployment.md asks for: HTTPS on, an explicit key and host, no debug."""
    # None of this process's settings (e.g. DJANGO_ALLOW_ASYNC_UNSAFE, set by the browser tests).
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ADAPTEST_", "DJANGO_"))}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "adaptest.web.settings",
        "ADAPTEST_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": "",
        "ADAPTEST_SECRET_KEY": "k" * 20 + "-production-like-secret-key-of-sixty-characters-",
        "ADAPTEST_ALLOWED_HOSTS": "adaptest.example.org",
        "ADAPTEST_HTTPS": "true",
    }
    return environment | extra


def _run(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, check=False, timeout=120
    )


def test_the_deploy_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = _run(_production_env(tmp_path), "-m", "django", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_without_https_the_deploy_check_names_the_insecure_cookies_and_missing_hsts(tmp_path: Path) -> None:
    result = _run(_production_env(tmp_path, ADAPTEST_HTTPS="false"), "-m", "django", "check", "--deploy")
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr, result.stderr


_HTTPS_PROBE = """
import django
django.setup()
from django.test import Client
plain = Client(HTTP_HOST="adaptest.example.org").get("/accounts/login/")
print("redirect", plain.status_code, plain.get("Location"))
secure = Client(HTTP_HOST="adaptest.example.org", HTTP_X_FORWARDED_PROTO="https").get("/accounts/login/")
print("status", secure.status_code)
print("hsts", secure.get("Strict-Transport-Security"))
print("cookie-secure", bool(secure.cookies["csrftoken"]["secure"]))
"""


def test_adaptest_https_turns_on_the_redirect_hsts_and_secure_cookies(tmp_path: Path) -> None:
    result = _run(_production_env(tmp_path), "-c", _HTTPS_PROBE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "redirect 301 https://adaptest.example.org/accounts/login/" in lines
    assert "status 200" in lines
    assert "hsts max-age=31536000; includeSubDomains; preload" in lines
    assert "cookie-secure True" in lines


def test_without_adaptest_https_cookies_travel_over_plain_http(tmp_path: Path) -> None:
    environment = _production_env(tmp_path, ADAPTEST_HTTPS="", ADAPTEST_ALLOWED_HOSTS="adaptest.example.org")
    result = _run(environment, "-c", _HTTPS_PROBE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "redirect 200 None" in lines
    assert "hsts None" in lines
    assert "cookie-secure False" in lines


def _policy(response: HttpResponseBase) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_no_inline_or_foreign_script(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Log in" in response.content.decode()
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


class _Scripts(HTMLParser):
    """Collects <script> elements: their src, type and whether they hold code."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs) | {"code": ""}
            self.scripts.append(self._open)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["code"] = (self._open["code"] or "") + data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


@pytest.mark.django_db
def test_the_api_docs_run_only_scripts_from_this_site(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in _policy(response)["script-src"]
    parser = _Scripts()
    parser.feed(response.content.decode())
    code = [s for s in parser.scripts if s.get("type") != "application/json"]  # JSON is data, never run
    assert code, "the Swagger UI page has no scripts at all"
    for script in code:
        assert script["code"] == "", f"inline script would be blocked: {script}"
        # Swagger UI from the django-ninja package, and our own script that names its unlabelled controls.
        assert (script.get("src") or "").startswith(("/static/ninja/", "/static/adaptest/")), script


_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_holds_code_the_policy_would_block() -> None:
    """Scripts and styles live in static files; only style="..." attributes are allowed (see settings)."""
    problems = [
        f"{template.relative_to(TEMPLATES)}: {what}"
        for template in sorted(TEMPLATES.rglob("*.html"))
        for pattern, what in _INLINE
        if pattern.search(template.read_text())
    ]
    assert not problems, problems


@pytest.mark.django_db
def test_an_unknown_page_shows_the_apps_own_404_not_the_url_list(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "/no-such-page/" in page
    assert 'href="/"' in page
    assert "URLconf" not in page and "Using the URLconf" not in page
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_the_site_icon_is_linked_from_every_page_and_found_where_browsers_look(client: Client) -> None:
    from django.contrib.staticfiles import finders

    icon = "/static/adaptest/favicon.svg"
    assert f'<link rel="icon" href="{icon}"' in client.get("/").content.decode()
    root = client.get("/favicon.ico")
    assert (root.status_code, root["Location"]) == (301, icon)
    assert finders.find("adaptest/favicon.svg"), "the icon ships with the static files"


@pytest.mark.django_db
@pytest.mark.urls("tests.web.test_production")
def test_a_failing_view_shows_the_apps_own_500_page(ada, client: Client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(ada)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page
    assert "a bug in a view" not in page and "Traceback" not in page
    assert "Signed in as" not in page and "Log in" not in page  # no request here: no account menu


def test_the_500_page_renders_without_a_request_or_context() -> None:
    from django.template.loader import get_template

    page = get_template("500.html").render()
    assert "Something went wrong on our side" in page
    assert "/static/adaptest/site.css" in page


@pytest.mark.django_db
def test_servers_starting_together_take_turns_at_migrating_on_postgresql() -> None:
    """Without the lock, three servers started at once on a new database: two died in their migrations."""
    import threading
    import time

    import psycopg
    from django.db import connection

    from adaptest.cli.main import _SETUP_LOCK, _one_server_at_a_time

    if connection.vendor != "postgresql":
        pytest.skip("an advisory lock is PostgreSQL's; SQLite has one machine and one writer")
    database = connection.settings_dict
    other = psycopg.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=database["PORT"] or 5432
    )
    other.execute("SELECT pg_advisory_lock(%s)", [_SETUP_LOCK])  # another server is migrating
    release = threading.Timer(0.5, lambda: other.execute("SELECT pg_advisory_unlock(%s)", [_SETUP_LOCK]))
    release.start()
    started = time.monotonic()
    try:
        with _one_server_at_a_time():
            waited = time.monotonic() - started
    finally:
        release.join()
        other.close()
    assert waited >= 0.4


def test_the_sweep_command_finishes_an_abandoned_attempt_and_says_how_many(ada, certification) -> None:  # type: ignore[no-untyped-def]
    """`adaptest sweep` runs this command; the service's own cases are in test_answer_path.py."""
    from datetime import timedelta
    from io import StringIO

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    from adaptest.web.assessments.models import Attempt
    from adaptest.web.assessments.services import attempt_start

    start = timezone.now()
    abandoned = attempt_start(user=ada, assessment=certification, now=start)
    with time_machine.travel(abandoned.deadline - timedelta(seconds=1), tick=False):
        output = StringIO()
        call_command("expire_overdue_attempts", stdout=output)
        assert output.getvalue() == ""  # nothing due yet, nothing to say
    with time_machine.travel(abandoned.deadline + timedelta(seconds=1), tick=False):
        call_command("expire_overdue_attempts", stdout=output)
        assert output.getvalue() == "1 overdue attempt(s) finished\n"
        call_command("expire_overdue_attempts", stdout=output, verbosity=2)
        assert output.getvalue().endswith("0 overdue attempt(s) finished\n")
    abandoned.refresh_from_db()
    assert abandoned.status == Attempt.Status.EXPIRED
    assert abandoned.finished_at == abandoned.deadline
