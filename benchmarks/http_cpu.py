"""Where the machine's CPU went during a phase of `make bench-http` (Linux: read from /proc).

A sampler thread reads every process's CPU time twice a second and remembers the last value it saw, so a
process that ends during the phase (a PostgreSQL backend closing its connection, a gunicorn worker killed
with -9) still counts, up to its last half second. Each process is put in one group: the load generator
(this process), gunicorn (its process groups), PostgreSQL (backends serving the benchmark's database), or
other (everything else on the machine, by command name: other people's work on a shared machine).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.5

#: pid -> (group, CPU seconds)
Snapshot = dict[int, tuple[str, float]]


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all cores; everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / CLOCK_TICKS


def _postgres_database(pid: int) -> str | None:
    """The database a PostgreSQL backend serves, from its title "postgres: [cluster:] user db host state"."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
    except OSError:
        return None
    if title[:1] != ["postgres:"]:
        return None
    words = title[2:] if len(title) > 1 and title[1].endswith(":") else title[1:]
    return words[1] if len(words) >= 3 else None


def snapshot(gunicorn_groups: set[int], database: str) -> Snapshot:
    me = os.getpid()
    seen: Snapshot = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        command, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 1 :].split()
        cpu = (int(rest[11]) + int(rest[12])) / CLOCK_TICKS
        if pid == me:
            group = "load_generator"
        elif int(rest[2]) in gunicorn_groups:
            group = "gunicorn"
        elif command == "postgres" and _postgres_database(pid) == database:
            group = "postgresql"
        else:
            group = f"other:{command}"
        seen[pid] = (group, cpu)
    return seen


class CpuSampler(threading.Thread):
    """Samples until stopped; ``cores()`` gives each group's average CPU use in cores over the phase."""

    def __init__(self, gunicorn_groups: Callable[[], set[int]], database: str, *, renice: int = 0) -> None:
        """``renice``: give the database's backends this niceness when first seen (0: leave them)."""
        super().__init__(daemon=True)
        self.renice = renice
        self.reniced: set[int] = set()
        self.groups = gunicorn_groups
        self.database = database
        self.stopping = threading.Event()
        self.began = time.perf_counter()
        self.busy = machine_busy_seconds()
        self.first = snapshot(self.groups(), database)
        self.last = dict(self.first)
        self._sample()

    def run(self) -> None:
        while not self.stopping.wait(INTERVAL):
            self._sample()

    def _sample(self) -> None:
        for pid, (group, cpu) in snapshot(self.groups(), self.database).items():
            if self.renice and group == "postgresql" and pid not in self.reniced:
                self.reniced.add(pid)
                with contextlib.suppress(OSError):  # it may have ended meanwhile
                    os.setpriority(os.PRIO_PROCESS, pid, self.renice)
            known = self.last.get(pid)
            # a PostgreSQL backend names its database only once connected: keep the most specific group
            if known is not None and known[0] != group and not group.startswith("other:"):
                self.last[pid] = (group, cpu)
            else:
                self.last[pid] = (known[0] if known else group, cpu)

    def cores(self) -> dict[str, object]:
        """Stop, and return the cores each group used on average (``other`` with its top commands)."""
        self.stopping.set()
        self.join()
        self._sample()
        wall = time.perf_counter() - self.began
        used: Counter[str] = Counter()
        for pid, (group, cpu) in self.last.items():
            used[group] += cpu - self.first.get(pid, (group, 0.0))[1]
        result: dict[str, object] = {
            group: used[group] / wall for group in ("load_generator", "gunicorn", "postgresql")
        }
        others = Counter(
            {g.removeprefix("other:"): s / wall for g, s in used.items() if g.startswith("other:")}
        )
        result["other"] = sum(others.values())
        result["other_top"] = {command: round(cores, 3) for command, cores in others.most_common(4)}
        result["machine_busy"] = (machine_busy_seconds() - self.busy) / wall
        return result
