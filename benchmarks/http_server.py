"""Gunicorn under test for `make bench-http`: start it, wait until it answers, kill -9 it.

Linux only: processes and CPU times are read from /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: [0] is field 3 (state), [1] ppid, [2] pgrp."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def process_group(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None and int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return sorted(members)


class Gunicorn:
    """One gunicorn master with its sync workers, in its own process group."""

    def __init__(self, *, port: int, workers: int, env: dict[str, str], workdir: Path, nice: int = 0) -> None:
        self.nice = nice
        self.port = port
        self.workers = workers
        self.env = env
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.pgids: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = (self.workdir / f"gunicorn-{self.starts}.log").open("wb")
        command = ["nice", "-n", str(self.nice)] if self.nice else []
        command += [
            sys.executable,
            "-m",
            "gunicorn",
            "adaptest.web.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--timeout=60",
            "--graceful-timeout=10",
            "--log-level=warning",
        ]
        # Its own session: a kill -9 of the master leaves the workers findable by process group.
        self.proc = subprocess.Popen(
            command,
            env=self.env,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.pgids.append(self.proc.pid)
        if self.nice:
            set_autogroup_nice(self.proc.pid, self.nice)

    def wait_ready(self, token: str, timeout: float = 90.0) -> float:
        """Seconds until every worker is up and an authenticated GET answers 200."""
        began = time.monotonic()
        headers = {"Authorization": f"Bearer {token}"}
        while time.monotonic() - began < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log_tail()}")
            try:
                response = httpx.get(f"{self.url}/api/assessments", headers=headers, timeout=5)
                if response.status_code == 200 and len(self.pids()) > self.workers:
                    return time.monotonic() - began
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s: {self.log_tail()}")

    def pids(self) -> list[int]:
        """Master and workers of every gunicorn this object started that still live."""
        return [pid for pgid in self.pgids for pid in process_group(pgid)]

    def kill_master(self) -> dict[str, object]:
        """kill -9 the master; then kill -9 whichever of its workers outlived it."""
        assert self.proc is not None
        master = self.proc.pid
        workers = [pid for pid in process_group(master) if pid != master]
        os.kill(master, signal.SIGKILL)
        self.proc.wait()
        survivors = [pid for pid in workers if _alive(pid)]
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in survivors) and time.monotonic() < deadline:
            time.sleep(0.01)
        return {"master": master, "workers": len(workers), "workers_alive_after_master": len(survivors)}

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL for anything left of any started group."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid in self.pids():
            os.kill(pid, signal.SIGKILL)

    def log_tail(self, lines: int = 20) -> str:
        log = self.workdir / f"gunicorn-{self.starts}.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def _alive(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def set_autogroup_nice(pid: int, nice: int) -> bool:
    """Give the scheduler autogroup of ``pid``'s session this niceness (see sched(7)); False if not possible.

    With autogroups on (the default on many kernels), CPU is shared fairly between sessions first and
    a process's own niceness only counts within its session, so the session's niceness is what matters.
    """
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:
        return False
    return True
