"""`adaptest serve`: the development server (`make run`) and gunicorn (`--production`), really started."""

from __future__ import annotations

import gzip
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from adaptest.cli import main as cli
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory (SQLite, secret key, static files) for the servers this module starts."""
    return tmp_path_factory.mktemp("serve-data")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(data_dir: Path, *options: str, **variables: str) -> Iterator[str]:
    """Start `adaptest serve` on a free port as `make run` does; yield its address; stop it with SIGTERM."""
    port = _free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("ADAPTEST_", "DJANGO_"))}
    environment = inherited | {"ADAPTEST_DATA_DIR": str(data_dir), "DATABASE_URL": "", "PORT": str(port)}
    log = data_dir / f"serve-{port}.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "adaptest.cli.main", "serve", *options],
            env=environment | variables,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(address, server, log)
        yield address
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert code in (0, -signal.SIGTERM), log.read_text()[-3000:]


def _wait_until_up(address: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180  # migrate, bank sync and collectstatic come first
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(address + "/accounts/login/", timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"the server did not answer within 3 minutes:\n{log.read_text()[-3000:]}")


class Browser:
    """Cookies and CSRF tokens, as a person's browser keeps them, over plain HTTP."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoErrors()
        )

    def get(self, path: str, **headers: str) -> Any:
        return self.opener.open(urllib.request.Request(self.address + path, headers=headers), timeout=30)

    def submit(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        """Fill in the form at ``path`` and post it; return the final address and page."""
        page = self.get(path).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        body = urllib.parse.urlencode(fields | {"csrfmiddlewaretoken": token.group(1)}).encode()
        with self.opener.open(self.address + path, data=body, timeout=30) as response:
            return response.url, response.read().decode()


class _NoErrors(urllib.request.HTTPErrorProcessor):
    """Follow redirects, but hand 4xx and 5xx responses back like any other, so tests can look at them."""

    def http_response(self, request: Any, response: Any) -> Any:
        if 300 <= response.status < 400:
            return super().http_response(request, response)
        return response


def _logs_in_over_http(address: str, username: str) -> None:
    signup = Browser(address)
    where, page = signup.submit(
        "/accounts/signup/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert where == address + "/", page[-2000:]
    assert f"Signed in as <strong>{username}</strong>" in page

    returning = Browser(address)
    where, page = returning.submit("/accounts/login/", {"username": username, "password": PASSWORD})
    assert f"Signed in as <strong>{username}</strong>" in page, page[-2000:]
    assert "My results" in returning.get("/results/").read().decode()


def _shows_its_own_404(address: str) -> None:
    with Browser(address).get("/no-such-page/") as response:
        page = response.read().decode()
    assert response.status == 404
    assert "Page not found" in page and "URLconf" not in page


def test_plain_serve_is_the_development_server_with_debug_off_and_log_in_works(data_dir: Path) -> None:
    with serving(data_dir) as address:
        _shows_its_own_404(address)
        _logs_in_over_http(address, "erin")
        with Browser(address).get("/accounts/login/") as response:
            assert response.headers["Server"].startswith("WSGIServer")


def test_serve_production_runs_gunicorn_with_static_files_and_log_in_over_http(data_dir: Path) -> None:
    with serving(data_dir, "--production", ADAPTEST_WORKERS="2") as address:
        browser = Browser(address)
        with browser.get("/accounts/login/") as response:
            assert response.headers["Server"] == "gunicorn"
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        _shows_its_own_404(address)
        with browser.get("/static/adaptest/site.css", **{"Accept-Encoding": "gzip"}) as response:
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip"
            assert b".site-header" in gzip.decompress(response.read())
        with browser.get("/api/docs") as response:
            assert response.status == 200
        with browser.get("/static/ninja/swagger-ui-bundle.js") as response:
            assert response.status == 200
        _logs_in_over_http(address.replace("127.0.0.1", "localhost"), "fred")


class _Exec(Exception):
    """Raised instead of replacing the test process with gunicorn."""


@pytest.fixture
def launch(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Run `serve --production` in this process with the Django steps recorded and os.execv caught."""
    calls: dict[str, list[Any]] = {"django": [], "exec": []}

    def django(*command: str) -> int:
        calls["django"].append(command[0])
        return 0

    monkeypatch.setattr(cli, "_django", django)

    @contextmanager
    def setup_lock() -> Iterator[None]:
        calls["django"].append("lock")
        yield
        calls["django"].append("unlock")

    monkeypatch.setattr(cli, "_one_server_at_a_time", setup_lock)

    def execv(program: str, argv: list[str]) -> None:
        calls["exec"].append(argv)
        raise _Exec

    monkeypatch.setattr(os, "execv", execv)
    for name in list(os.environ):
        if name.startswith("ADAPTEST_") and name != "ADAPTEST_DATA_DIR":
            monkeypatch.delenv(name)
    return calls


def _option(argv: list[str], name: str) -> str:
    return next(arg.split("=", 1)[1] for arg in argv if arg.startswith(f"--{name}="))


def test_production_serving_takes_gunicorn_settings_from_the_environment(
    launch: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    variables = {
        "ADAPTEST_WORKERS": "3",
        "ADAPTEST_THREADS": "4",
        "ADAPTEST_TIMEOUT": "45",
        "ADAPTEST_GRACEFUL_TIMEOUT": "15",
        "ADAPTEST_MAX_REQUESTS": "500",
        "ADAPTEST_MAX_REQUESTS_JITTER": "25",
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(_Exec):
        cli.main(["serve", "--production", "--host", "0.0.0.0", "--port", "9123"])
    steps = ["lock", "migrate", "createcachetable", "sync_bank", "unlock", "collectstatic"]
    assert launch["django"] == steps  # the database steps one server at a time (tests/web/test_production.py)
    [argv] = launch["exec"]
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "adaptest.web.wsgi:application"]
    assert _option(argv, "bind") == "0.0.0.0:9123"
    expected = {"workers": "3", "threads": "4", "timeout": "45", "graceful-timeout": "15"}
    expected |= {"max-requests": "500", "max-requests-jitter": "25"}
    assert {name: _option(argv, name) for name in expected} == expected


def test_production_serving_defaults_to_two_workers_per_cpu_plus_one(
    launch: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    with pytest.raises(_Exec):
        cli.main(["serve", "--production", "--host", "::1", "--port", "9124"])
    [argv] = launch["exec"]
    assert _option(argv, "workers") == "7"
    assert _option(argv, "threads") == "1"
    assert _option(argv, "max-requests") == "10000"
    assert _option(argv, "max-requests-jitter") == "1000"
    assert _option(argv, "bind") == "[::1]:9124"


def test_a_bad_worker_count_stops_serve_before_it_touches_the_database(
    launch: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADAPTEST_WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="ADAPTEST_WORKERS"):
        cli.main(["serve", "--production"])
    assert launch["django"] == [] and launch["exec"] == []
