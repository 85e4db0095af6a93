"""`make bench-http`: the JSON API under load on gunicorn and PostgreSQL, and an answer count after kill -9.

Run from the repository root (a PostgreSQL server must be reachable; the database named in
``--database-url`` is dropped and created again)::

    .venv/bin/python -m benchmarks.bench_http            # full run, about 8 min
    .venv/bin/python -m benchmarks.bench_http --smoke    # the same phases, shorter: under 2 min

Every flag also reads an environment variable, ``BENCH_HTTP_`` + the flag's name in capitals
(``BENCH_HTTP_SMOKE=1``, ``BENCH_HTTP_WORKERS=2``, ...).

What it does, in order:

1. Creates the database afresh, runs ``adaptest manage migrate`` and ``adaptest bank sync`` (the shipped
   bank) with a throw-away data directory, and creates one user with an API token per simulated taker.
2. Starts gunicorn (``adaptest.web.wsgi:application``, sync workers) on a free port.
3. Warm-up: takers without pauses, not measured (every worker builds its caches).
4. **think**: 100 takers of the adaptive assessment, each pausing 2-10 s (uniform, seeded) before every
   answer. Target: p99 of an answer ≤ 50 ms.
5. **saturation**: ``--concurrency`` takers answering without pause. Target: ≥ 100 answers/s.
6. **trivial GET**: as many threads, each sending ``GET /api/assessments`` without pause. Target:
   answers/s ÷ GET/s ≥ 0.25.
7. **crash**: the saturation load again; a third of the way through, ``kill -9`` the gunicorn master
   (and any worker that outlives it), start gunicorn again and let the takers carry on (they resend a
   request that failed in transit). Then count, in the database, the stored responses of every
   (attempt, position) whose answer a taker saw acknowledged with a 2xx: each must have exactly one.

Latencies are measured by the client around each request (connection set-up included; gunicorn's sync
workers close the connection after every response). The client, gunicorn and PostgreSQL share the
machine, so the report gives the CPU each used in each phase: the load generator's own share shows
whether it, rather than the server, limited the rate. Results go to benchmarks/results/http-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from benchmarks.http_cpu import CpuSampler
from benchmarks.http_server import Gunicorn, set_autogroup_nice
from benchmarks.http_takers import Sample, Taker, TakerLog

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).parent / "results"
COMMAND = "make bench-http"
SLUG = "dl-skills-assessment"
THINK_SECONDS = (2.0, 10.0)
TARGET_THINK_P99_MS = 50.0
TARGET_ANSWERS_PER_SECOND = 100.0
TARGET_RATIO = 0.25
#: env for the app: throttles and the retake limit out of the way of a load test, debug off.
APP_ENV = {
    "ADAPTEST_API_THROTTLE": "1000000/m",
    "ADAPTEST_RETAKE_LIMIT": "1000000",
    "ADAPTEST_DEBUG": "false",
    "ADAPTEST_HTTPS": "false",  # plain HTTP on 127.0.0.1: no redirect to https
    "DJANGO_SETTINGS_MODULE": "adaptest.web.settings",
    # one BLAS thread per worker, as `adaptest serve --production` runs them: the workers are the parallelism
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

# (name, full run, smoke run, help)
DURATIONS = (
    ("warmup_seconds", 10.0, 4.0, "warm-up, not measured"),
    ("think_seconds", 180.0, 25.0, "the think-time scenario"),
    ("saturation_seconds", 60.0, 12.0, "the saturation scenario"),
    ("get_seconds", 20.0, 6.0, "the trivial GET at saturation"),
    ("crash_seconds", 60.0, 18.0, "the kill -9 run (the kill comes at a third)"),
)


def _options(argv: list[str] | None = None) -> argparse.Namespace:
    def env(name: str, default: Any) -> Any:
        return os.environ.get(f"BENCH_HTTP_{name.upper()}", default)

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_http", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=env("database_url", "postgresql://postgres@127.0.0.1:5432/adaptest_bench"),
        help="PostgreSQL database to DROP and recreate (default: %(default)s)",
    )
    parser.add_argument("--workers", type=int, default=int(env("workers", 4)), help="gunicorn workers (4)")
    parser.add_argument("--think-takers", type=int, default=int(env("think_takers", 100)))
    parser.add_argument(
        "--concurrency", type=int, default=int(env("concurrency", 48)), help="takers at saturation (48)"
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=int(env("nice", 0)),
        help="run gunicorn, its PostgreSQL backends and the load generator at this niceness (e.g. -10, "
        "as root) to shield the measurement from other work on a shared machine (default 0: as they come)",
    )
    parser.add_argument("--seed", type=int, default=int(env("seed", 0)))
    parser.add_argument(
        "--smoke", action="store_true", default=env("smoke", "") not in ("", "0"), help="short phases"
    )
    for name, full, smoke, what in DURATIONS:
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=float,
            default=env(name, None),
            help=f"length of {what} (full {full:.0f} s, smoke {smoke:.0f} s)",
        )
    parser.add_argument(
        "--commit",
        default=env("commit", ""),
        help="measure this commit's src/ (taken with git archive) instead of the working tree",
    )
    parser.add_argument(
        "--label", default=env("label", ""), help="added to the result file name: http-<date>-<label>.json"
    )
    parser.add_argument("--output", type=Path, default=env("output", None), help="result file (overrides)")
    args = parser.parse_args(argv)
    for name, full, smoke, _ in DURATIONS:
        if getattr(args, name) is None:
            setattr(args, name, smoke if args.smoke else full)
        else:
            setattr(args, name, float(getattr(args, name)))
    return args


# --- the database and the app ----------------------------------------------------------------------------


def _recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--database-url must name a PostgreSQL database, not {url!r}")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _adaptest(env: dict[str, str], *args: str) -> None:
    command = [str(Path(sys.executable).with_name("adaptest")), *args]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def _use_commit(revision: str, workdir: Path, env: dict[str, str]) -> str:
    """Put ``revision``'s src/ first on the path of this process and of every command it starts."""
    commit = _git("rev-parse", "--verify", f"{revision}^{{commit}}")
    if not commit:
        raise SystemExit(f"--commit {revision!r} is not a commit of this repository")
    archive = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True)
    source = workdir / "source"
    source.mkdir()
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source / "src"), env.get("PYTHONPATH", "")]))
    sys.path.insert(0, str(source / "src"))
    return commit


def _django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    # the app's logging settings may log every request at INFO; the load generator's requests are not news
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _create_takers(prefix: str, count: int) -> list[str]:
    """``count`` users (unusable passwords, bulk-created) with one API token each; returns the tokens."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from adaptest.web.accounts.services import api_token_create

    user_model = get_user_model()
    names = [f"{prefix}-{i:03d}" for i in range(count)]
    unusable = make_password(None)
    user_model.objects.bulk_create([user_model(username=name, password=unusable) for name in names])
    now = timezone.now()
    return [
        api_token_create(user=user, name="bench-http", now=now)[1]
        for user in user_model.objects.filter(username__in=names).order_by("username")
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- phases ----------------------------------------------------------------------------------------------


def _takers(server: Gunicorn, tokens: list[str], seconds: float, seed: int, **kwargs: Any) -> list[Taker]:
    deadline = time.perf_counter() + seconds
    return [
        Taker(
            base_url=server.url, token=token, slug=SLUG, deadline=deadline, seed=seed * 100_000 + i, **kwargs
        )
        for i, token in enumerate(tokens)
    ]


def _run(takers: list[Taker]) -> list[TakerLog]:
    for taker in takers:
        taker.start()
    _join(takers)
    return [taker.log for taker in takers]


def _join(takers: list[Taker]) -> None:
    for taker in takers:
        while taker.is_alive():  # in short steps, so Ctrl-C and SIGTERM are heard
            taker.join(0.5)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # unwinds through main's finally: gunicorn stops


def _latency(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Throughput and latency percentiles of the 2xx responses; every status counted."""
    ok = np.array([s[1] for s in samples if 200 <= s[2] < 300]) * 1000.0
    summary: dict[str, Any] = {
        "count": int(ok.size),
        "per_second": ok.size / seconds,
        "statuses": dict(sorted(Counter(str(s[2]) for s in samples).items())),
    }
    if ok.size:
        p50, p95, p99 = (float(p) for p in np.percentile(ok, [50, 95, 99]))
        summary |= {"p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": float(ok.max())}
    return summary


def _phase_report(logs: list[TakerLog], seconds: float, usage: dict[str, object]) -> dict[str, Any]:
    def merged(attribute: str) -> list[Sample]:
        return [sample for log in logs for sample in getattr(log, attribute)]

    active = sum(log.active_seconds for log in logs)
    report: dict[str, Any] = {
        "takers": len(logs),
        "seconds": seconds,
        "answers": _latency(merged("answers"), seconds),
        "item_gets": _latency(merged("items"), seconds),
        "starts": _latency(merged("starts"), seconds),
        "attempts_finished": sum(log.attempts_finished for log in logs),
        "next_item_used": sum(log.next_item_used for log in logs),
        "transport_errors": sum(log.transport_errors for log in logs),
        "answers_resent_after_transport_error": sum(log.resent_answers for log in logs),
        "answers_resent_already_stored": sum(log.resent_already_stored for log in logs),
        # the share of the takers' time with a request in flight: near 1 at saturation means the client
        # keeps the server busy instead of spending its time on itself
        "in_flight_share": sum(log.busy_seconds for log in logs) / active if active else 0.0,
        "cpu": usage,
        "unexpected": [note for log in logs for note in log.unexpected][:10],
    }
    if any(log.gets for log in logs):
        report["gets"] = _latency(merged("gets"), seconds)
        for key in ("answers", "item_gets", "starts", "attempts_finished", "next_item_used"):
            report.pop(key)
    return report


def _sampler(server: Gunicorn) -> CpuSampler:
    database = urlsplit(server.env["DATABASE_URL"]).path.lstrip("/")
    sampler = CpuSampler(lambda: set(server.pgids), database, renice=server.nice)
    sampler.start()
    return sampler


def _phase(name: str, server: Gunicorn, takers: list[Taker], seconds: float) -> dict[str, Any]:
    print(f"-- {name}: {len(takers)} threads for {seconds:.0f} s", flush=True)
    sampler = _sampler(server)
    logs = _run(takers)
    report = _phase_report(logs, seconds, sampler.cores())
    _print_phase(name, report)
    return report


def _crash_phase(
    server: Gunicorn, tokens: list[str], seconds: float, seed: int, ready_token: str
) -> dict[str, Any]:
    print(f"-- crash: {len(tokens)} takers for {seconds:.0f} s, kill -9 at {seconds / 3:.0f} s", flush=True)
    takers = _takers(server, tokens, seconds, seed)
    sampler = _sampler(server)
    began = time.perf_counter()
    for taker in takers:
        taker.start()
    time.sleep(seconds / 3)
    killed_at = time.perf_counter() - began
    kill = server.kill_master()
    server.start()
    restart_seconds = server.wait_ready(ready_token)
    _join(takers)
    usage = sampler.cores()
    server.stop()  # nothing in flight while the database is read
    logs = [taker.log for taker in takers]
    report = _phase_report(logs, seconds, usage)
    report["kill"] = kill | {"at_seconds": killed_at, "down_seconds": restart_seconds}
    report["check"] = _check_stored(logs)
    _print_phase("crash", report)
    return report


def _check_stored(logs: list[TakerLog]) -> dict[str, Any]:
    """Every acknowledged (attempt, position) has exactly one stored response, with the acknowledged kind."""
    from django.db.models import Count

    from adaptest.web.assessments.models import AttemptItem, Response

    acked: dict[tuple[int, int], bool] = {}
    disagreeing_acks = 0
    for log in logs:
        for key, dont_know in log.acked.items():
            disagreeing_acks += key in acked and acked[key] != dont_know
            acked[key] = dont_know
    unacked = {key for log in logs for key in log.unacked} - acked.keys()
    attempts = {attempt for attempt, _ in acked.keys() | unacked}
    stored = Counter()
    stored_dont_know: dict[tuple[int, int], bool] = {}
    rows = Response.objects.filter(slot__attempt_id__in=attempts)
    for attempt, position, dont_know in rows.values_list("slot__attempt_id", "slot__position", "dont_know"):
        stored[(attempt, position)] += 1
        stored_dont_know[(attempt, position)] = dont_know
    doubled = (
        Response.objects.values("slot__attempt_id", "slot__position").annotate(n=Count("id")).filter(n__gt=1)
    )
    doubled_slots = (
        AttemptItem.objects.values("attempt_id", "position").annotate(n=Count("id")).filter(n__gt=1)
    )
    return {
        "attempts": len(attempts),
        "acknowledged": len(acked),
        "acknowledged_stored_once": sum(stored[key] == 1 for key in acked),
        "acknowledged_missing": sum(stored[key] == 0 for key in acked),
        "acknowledged_stored_twice_or_more": sum(stored[key] > 1 for key in acked),
        "acknowledged_with_other_answer_kind": sum(
            stored[key] > 0 and stored_dont_know[key] != acked[key] for key in acked
        ),
        "replays_disagreeing": int(disagreeing_acks),
        "sent_never_acknowledged": len(unacked),
        "sent_never_acknowledged_but_stored": sum(stored[key] > 0 for key in unacked),
        "stored_never_sent": sum(1 for key in stored if key not in acked and key not in unacked),
        "positions_with_two_responses_in_database": doubled.count(),
        "positions_with_two_slots_in_database": doubled_slots.count(),
    }


# --- reporting -------------------------------------------------------------------------------------------


def _ms(summary: dict[str, Any], key: str) -> str:
    return f"{summary[key]:.1f}" if key in summary else "-"


def _print_phase(name: str, report: dict[str, Any]) -> None:
    for what in ("answers", "gets", "item_gets"):
        if what in report:
            s = report[what]
            print(
                f"   {what:<10} {s['count']:>6} ok  {s['per_second']:7.1f}/s  p50 {_ms(s, 'p50_ms')} ms  "
                f"p95 {_ms(s, 'p95_ms')} ms  p99 {_ms(s, 'p99_ms')} ms  statuses {s['statuses']}",
                flush=True,
            )
    cpu = report.get("cpu")
    if cpu:
        print(
            f"   cpu cores: load generator {cpu['load_generator']:.2f}, gunicorn {cpu['gunicorn']:.2f}, "
            f"postgresql {cpu['postgresql']:.2f}, other processes {cpu['other']:.2f} "
            f"(machine busy {cpu['machine_busy']:.2f} of {os.cpu_count()}; top others {cpu['other_top']})\n"
            f"   requests in flight {report['in_flight_share']:.0%} of the takers' time",
            flush=True,
        )
    for note in report["unexpected"][:3]:
        print(f"   unexpected: {note}", flush=True)


def _verdicts(results: dict[str, Any]) -> dict[str, Any]:
    think = results["think"]["answers"].get("p99_ms", float("inf"))
    rate = results["saturation"]["answers"]["per_second"]
    ratio = results["ratio"]
    check = results["crash"]["check"]
    crash_ok = (
        check["acknowledged"] > 0
        and check["acknowledged_stored_once"] == check["acknowledged"]
        and check["positions_with_two_responses_in_database"] == 0
    )
    return {
        "think_p99_ms": {"target": f"<= {TARGET_THINK_P99_MS:.0f}", "measured": think, "met": think <= 50},
        "saturation_answers_per_second": {
            "target": f">= {TARGET_ANSWERS_PER_SECOND:.0f}",
            "measured": rate,
            "met": rate >= TARGET_ANSWERS_PER_SECOND,
        },
        "answers_per_get_ratio": {
            "target": f">= {TARGET_RATIO}",
            "measured": ratio,
            "met": ratio >= TARGET_RATIO,
        },
        "kill_9_every_acknowledged_answer_stored_once": {"measured": check, "met": crash_ok},
    }


def _print_summary(results: dict[str, Any]) -> None:
    print("\n== bench-http summary", flush=True)
    print(
        f"commit {results['commit']}{' + uncommitted changes under src/' if results['src_changes'] else ''}"
    )
    think, sat, get = results["think"], results["saturation"], results["trivial_get"]
    rows = [
        (f"think ({think['takers']} takers, 2-10 s pauses)", think["answers"]),
        (f"saturation ({sat['takers']} takers)", sat["answers"]),
        (f"trivial GET ({get['takers']} threads)", get["gets"]),
    ]
    print(f"{'scenario':<40} {'ok':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, s in rows:
        print(
            f"{label:<40} {s['count']:>7} {s['per_second']:>8.1f} {_ms(s, 'p50_ms'):>8} "
            f"{_ms(s, 'p95_ms'):>8} {_ms(s, 'p99_ms'):>8}"
        )
    print(f"answers/s ÷ GET/s = {results['ratio']:.3f}")
    check = results["crash"]["check"]
    print(
        f"kill -9: {check['acknowledged']} acknowledged answers, "
        f"{check['acknowledged_stored_once']} stored once, "
        f"{check['acknowledged_missing']} missing, {check['acknowledged_stored_twice_or_more']} doubled; "
        f"{check['positions_with_two_responses_in_database']} positions with two responses; "
        f"{check['sent_never_acknowledged']} sent but never acknowledged "
        f"({check['sent_never_acknowledged_but_stored']} of them stored); "
        f"{results['crash']['answers_resent_after_transport_error']} answers resent after the kill, "
        f"{results['crash']['answers_resent_already_stored']} of them found already stored (replays)"
    )
    for name, verdict in results["targets"].items():
        target = verdict.get("target", "")
        measured = verdict["measured"]
        shown = (
            f"{measured:.3g}"
            if isinstance(measured, float)
            else ("see above" if isinstance(measured, dict) else measured)
        )
        print(f"{'PASS' if verdict['met'] else 'FAIL'}  {name} {target} (measured {shown})")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def _machine(server_version: str) -> dict[str, Any]:
    import django
    import httpx

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "httpx": httpx.__version__,
        "gunicorn": server_version,
        "postgresql": _postgres_version(),
        "load_average_at_start": list(os.getloadavg()),
    }


def _app_package() -> str:
    import adaptest

    return str(Path(adaptest.__file__).parent)


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = _options(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    began = time.perf_counter()
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    suffix = f"-{args.label}" if args.label else ("-smoke" if args.smoke else "")
    output = args.output or RESULTS_DIR / f"http-{date}{suffix}.json"
    import gunicorn

    with tempfile.TemporaryDirectory(prefix="adaptest-bench-http-") as tmp:
        workdir = Path(tmp)
        env = (
            os.environ
            | APP_ENV
            | {"DATABASE_URL": args.database_url, "ADAPTEST_DATA_DIR": str(workdir / "data")}
        )
        if args.commit:
            commit, src_changes = _use_commit(args.commit, workdir, env), []
        else:
            commit, src_changes = (
                _git("rev-parse", "HEAD"),
                _git("status", "--porcelain", "--", "src").splitlines(),
            )
        setup: dict[str, float] = {}
        step = time.perf_counter()
        _recreate_database(args.database_url)
        _adaptest(env, "manage", "migrate", "--no-input", "--verbosity", "0")
        _adaptest(env, "manage", "createcachetable")  # the shared cache's table, where settings use one
        setup["migrate_seconds"] = time.perf_counter() - step
        step = time.perf_counter()
        _adaptest(env, "bank", "sync")
        setup["bank_sync_seconds"] = time.perf_counter() - step
        step = time.perf_counter()
        _django_setup(env)
        c = args.concurrency
        tokens = {
            "warmup": _create_takers("bench-warm", c),
            "think": _create_takers("bench-think", args.think_takers),
            "saturation": _create_takers("bench-sat", c),
            "get": _create_takers("bench-get", c),
            "crash": _create_takers("bench-crash", c),
        }
        setup["users_seconds"] = time.perf_counter() - step
        results: dict[str, Any] = {
            "command": COMMAND + (" BENCH_HTTP_SMOKE=1" if args.smoke else ""),
            "date": date,
            "commit": commit,
            "src_changes": src_changes,
            "source": "git archive of the commit" if args.commit else "working tree",
            "app_package": _app_package(),
            "machine": _machine(gunicorn.__version__),
            "config": {
                "workers": args.workers,
                "worker_class": "sync",
                "nice": args.nice,
                "think_takers": args.think_takers,
                "think_pause_seconds": list(THINK_SECONDS),
                "concurrency": c,
                "seed": args.seed,
                "smoke": args.smoke,
                **{name: getattr(args, name) for name, *_ in DURATIONS},
            },
            "setup": setup,
        }
        print(f"setup: {json.dumps(setup)}", flush=True)
        if args.nice:
            os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # the takers' threads inherit it
            results["config"]["nice_autogroup"] = set_autogroup_nice(os.getpid(), args.nice)
        server = Gunicorn(port=_free_port(), workers=args.workers, env=env, workdir=workdir, nice=args.nice)
        try:
            server.start()
            results["setup"]["gunicorn_ready_seconds"] = server.wait_ready(tokens["get"][0])
            seed = args.seed
            results["warmup"] = _phase(
                "warm-up",
                server,
                _takers(server, tokens["warmup"], args.warmup_seconds, seed + 1),
                args.warmup_seconds,
            )
            results["think"] = _phase(
                "think",
                server,
                _takers(
                    server,
                    tokens["think"],
                    args.think_seconds,
                    seed + 2,
                    think=THINK_SECONDS,
                    stagger=THINK_SECONDS[1],
                ),
                args.think_seconds,
            )
            results["saturation"] = _phase(
                "saturation",
                server,
                _takers(server, tokens["saturation"], args.saturation_seconds, seed + 3),
                args.saturation_seconds,
            )
            results["trivial_get"] = _phase(
                "trivial GET",
                server,
                _takers(server, tokens["get"], args.get_seconds, seed + 4, trivial_get=True),
                args.get_seconds,
            )
            results["ratio"] = (
                results["saturation"]["answers"]["per_second"] / results["trivial_get"]["gets"]["per_second"]
            )
            results["crash"] = _crash_phase(
                server, tokens["crash"], args.crash_seconds, seed + 5, tokens["get"][0]
            )
        finally:
            server.stop()
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    results["targets"] = _verdicts(results)
    results["seconds"] = time.perf_counter() - began
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    _print_summary(results)
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(f"wrote {shown} in {results['seconds']:.0f} s")
    return results


if __name__ == "__main__":
    main()
