"""`adaptest sweep`: once for cron and timers, or `--every SECONDS` in the foreground until SIGTERM.

What one sweep does (finish every overdue attempt, settle matches) is tested with its services in tests/web.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import Any

import django.core.management
import pytest
from django.db import OperationalError

from adaptest.cli.main import main


@pytest.fixture
def sigterm_restored() -> Iterator[None]:
    """`sweep --every` installs its own SIGTERM handler; give the test process its own back."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def _sweeps(monkeypatch: pytest.MonkeyPatch, outcomes: list[Exception | None]) -> list[str]:
    """Replace the management command: each call takes the next outcome; after the last, SIGTERM arrives."""
    calls: list[str] = []

    def call_command(name: str, *args: Any, **options: Any) -> None:
        calls.append(name)
        outcome = outcomes[len(calls) - 1]
        if len(calls) == len(outcomes):
            os.kill(os.getpid(), signal.SIGTERM)
        if outcome is not None:
            raise outcome

    monkeypatch.setattr(django.core.management, "call_command", call_command)
    return calls


@pytest.mark.usefixtures("sigterm_restored")
def test_sweep_every_repeats_until_sigterm_and_then_exits_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _sweeps(monkeypatch, [None] * 6)
    assert main(["sweep", "--every", "0.01"]) == 0
    assert calls == ["expire_overdue_attempts", "settle_matches"] * 3


@pytest.mark.usefixtures("sigterm_restored")
def test_a_failed_sweep_is_reported_and_the_next_one_still_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _sweeps(monkeypatch, [OperationalError("the server closed the connection"), None, None])
    assert main(["sweep", "--every", "0.01"]) == 0
    assert calls == ["expire_overdue_attempts", "expire_overdue_attempts", "settle_matches"]
    assert "sweep failed: OperationalError: the server closed the connection" in capsys.readouterr().err


@pytest.mark.parametrize("every", ["0", "-5", "nan"])
def test_sweep_refuses_an_interval_that_is_not_a_positive_number(
    every: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "--every", every]) == 2
    assert "--every must be a positive number of seconds" in capsys.readouterr().err


def test_sweep_without_every_runs_the_command_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[tuple[str, ...]] = []

    def django(*command: str) -> int:
        ran.append(command)
        return 0

    monkeypatch.setattr("adaptest.cli.main._django", django)
    assert main(["sweep"]) == 0
    assert ran == [("expire_overdue_attempts",), ("settle_matches",)]
