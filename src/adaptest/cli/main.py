"""`adaptest` — bank tools and the web server, one thin command over the library layers."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from adaptest.bank import BankInvalid, bank_stats, item_pool, load_bank
from adaptest.bank.sheets import check_answers, learner_sheet
from adaptest.cli import interop
from adaptest.cli.banks import bank_or_report
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.psychometrics.calibration import calibrate_2pl
from adaptest.psychometrics.classical import classical_statistics
from adaptest.psychometrics.responses import ResponseFileError, read_responses
from adaptest.psychometrics.simulation import DESIGNS, simulate


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    return int(args.handler(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="adaptest", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    bank = commands.add_parser("bank", help="check and inspect item banks").add_subparsers(
        title="bank commands"
    )
    validate = bank.add_parser("validate", help="check a bank folder and print every problem")
    validate.add_argument("path", nargs="?", type=Path, default=DEEP_LEARNING_BANK)
    validate.set_defaults(handler=_bank_validate)
    stats = bank.add_parser("stats", help="print counts of items, kinds, domains and skills")
    stats.add_argument("path", nargs="?", type=Path, default=DEEP_LEARNING_BANK)
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(handler=_bank_stats)
    sheet = bank.add_parser("sheet", help="print items as a learner sees them, for a blind solve")
    sheet.add_argument("ids", nargs="+", help="item ids (a file of ids, one per line: @FILE)")
    sheet.add_argument("--path", type=Path, default=DEEP_LEARNING_BANK)
    sheet.set_defaults(handler=_bank_sheet)
    check = bank.add_parser(
        "check-answers", help="grade a blind solver's answers (JSON {id: answer}), never printing a key"
    )
    check.add_argument("answers", type=Path)
    check.add_argument("--path", type=Path, default=DEEP_LEARNING_BANK)
    check.set_defaults(handler=_bank_check_answers)
    sync = bank.add_parser("sync", help="copy a bank into the database (new item versions by content hash)")
    sync.add_argument("path", nargs="?", type=Path, default=DEEP_LEARNING_BANK)
    sync.set_defaults(handler=lambda a: _django("sync_bank", str(a.path)))
    interop.add_commands(bank)

    simulate = commands.add_parser("simulate", help="run a seeded simulation of an adaptive test design")
    simulate.add_argument(
        "--design",
        required=True,
        choices=sorted(DESIGNS),
        help="a built-in design (see docs/psychometrics.md)",
    )
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--takers", type=int, help="override the design's number of simulated takers")
    simulate.add_argument(
        "--length", type=int, help="override the design's test length (its cap if it stops on precision)"
    )
    simulate.add_argument(
        "--bank", type=Path, help="run the design on this bank's items instead of a random bank"
    )
    simulate.add_argument("--json", action="store_true", help="print one JSON object")
    simulate.set_defaults(handler=_simulate)

    calibrate = commands.add_parser(
        "calibrate",
        help="estimate 2PL item parameters from the database's responses (or from a response file)",
    )
    calibrate.add_argument(
        "--responses", type=Path, help="calibrate a CSV or JSON lines file instead (see docs/calibration.md)"
    )
    calibrate.add_argument("--json", action="store_true", help="print one JSON object")
    calibrate.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    calibrate.add_argument("--min-responses", type=int, help="database: responses an item needs to change")
    calibrate.add_argument("--bank", help="database: calibrate only this bank (its id)")
    calibrate.add_argument("--dry-run", action="store_true", help="database: report what would change only")
    calibrate.set_defaults(handler=_calibrate)

    serve = commands.add_parser(
        "serve",
        help="migrate, sync the shipped bank and serve the web app (Django's development server, or "
        "gunicorn with --production; see docs/deployment.md)",
    )
    serve.add_argument("--port", default=os.environ.get("PORT", "8000"))
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument(
        "--production",
        action="store_true",
        help="serve with gunicorn: ADAPTEST_WORKERS, ADAPTEST_THREADS, ADAPTEST_TIMEOUT, "
        "ADAPTEST_GRACEFUL_TIMEOUT, ADAPTEST_MAX_REQUESTS, ADAPTEST_MAX_REQUESTS_JITTER",
    )
    serve.set_defaults(handler=_serve)

    sweep = commands.add_parser(
        "sweep",
        help="finish every open attempt whose time is up and settle matches the clock has changed (run it "
        "from cron or a timer)",
    )
    sweep.add_argument(
        "--every", type=float, metavar="SECONDS", help="keep running in the foreground, one sweep this often"
    )
    sweep.set_defaults(handler=_sweep)

    token = commands.add_parser("token", help="personal API tokens").add_subparsers(title="token commands")
    token_create = token.add_parser("create", help="create an API token for a user and print it")
    token_create.add_argument("username")
    token_create.add_argument("--name", default="command line", help="what the token is for")
    token_create.set_defaults(handler=lambda a: _django("create_api_token", a.username, "--name", a.name))

    credential = commands.add_parser("credential", help="Open Badges certificates").add_subparsers(
        title="credential commands"
    )
    verify = credential.add_parser(
        "verify", help="verify a signed certificate (.jwt) offline: signature, issuer, dates, revocation"
    )
    verify.add_argument("file", type=Path, help="the signed credential, a compact JWS")
    verify.add_argument(
        "--issuer-key",
        type=Path,
        required=True,
        metavar="JWK_FILE",
        help="the issuer's public key: its /.well-known/did.json or a JWK",
    )
    verify.add_argument(
        "--status-list", type=Path, metavar="FILE", help="the issuer's status list (.jwt): checks revocation"
    )
    verify.set_defaults(handler=_credential_verify)

    manage = commands.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=lambda a: _django(*a.rest))
    return parser


def _item_ids(given: list[str]) -> list[str]:
    ids: list[str] = []
    for entry in given:
        if entry.startswith("@"):
            ids += [line.strip() for line in Path(entry[1:]).read_text().splitlines() if line.strip()]
        else:
            ids.append(entry)
    return ids


def _bank_sheet(args: argparse.Namespace) -> int:
    bank = bank_or_report(args.path)
    if bank is None:
        return 1
    items = bank.items
    ids = _item_ids(args.ids)
    unknown = [item_id for item_id in ids if item_id not in items]
    if unknown:
        print(f"unknown item id(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    print("\n".join(learner_sheet(items[item_id]) for item_id in ids))
    return 0


def _bank_check_answers(args: argparse.Namespace) -> int:
    try:
        answers = json.loads(args.answers.read_text())
    except (OSError, json.JSONDecodeError) as error:
        print(f"{args.answers}: not a JSON file of answers ({error})", file=sys.stderr)
        return 2
    if not isinstance(answers, dict):
        print(f"{args.answers}: give one JSON object, item id → answer", file=sys.stderr)
        return 2
    bank = bank_or_report(args.path)
    if bank is None:
        return 1
    checks = check_answers(bank.items, answers)
    for check in checks:
        print(f"{check.item_id}: {check.verdict}" + (f" ({check.detail})" if check.detail else ""))
    agreed = sum(check.verdict == "agrees" for check in checks)
    print(f"{agreed} of {len(checks)} answers agree with the keys")
    return 0 if agreed == len(checks) else 1


def _bank_validate(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(args.path)
    except BankInvalid as invalid:
        for problem in invalid.problems:
            print(problem)
        print(f"{len(invalid.problems)} problem(s) found in {args.path}", file=sys.stderr)
        return 1
    for warning in bank.warnings:
        print(warning)
    stats = bank_stats(bank)
    hints = f"; {len(bank.warnings)} warning(s) for authors above" if bank.warnings else ""
    print(
        f"OK: bank {bank.meta.id!r}: {stats['items']} items in {len(stats['items_by_domain'])} domains, "
        f"{stats['skills']} skills, {len(bank.assessments)} assessments{hints}"
    )
    return 0


def _bank_stats(args: argparse.Namespace) -> int:
    try:
        stats = bank_stats(load_bank(args.path))
    except BankInvalid as invalid:
        print(
            f"{len(invalid.problems)} problem(s): run `adaptest bank validate {args.path}`", file=sys.stderr
        )
        return 1
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key}: {value}")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    pool = None
    if args.bank is not None:
        try:
            pool = item_pool(load_bank(args.bank))
        except BankInvalid as invalid:
            print(
                f"{len(invalid.problems)} problem(s): run `adaptest bank validate {args.bank}`",
                file=sys.stderr,
            )
            return 1
    if args.takers is not None and args.takers < 2:
        print("--takers must be at least 2", file=sys.stderr)
        return 2
    if args.length is not None and args.length < 1:
        print("--length must be at least 1", file=sys.stderr)
        return 2
    metrics = simulate(args.design, seed=args.seed, pool=pool, takers=args.takers, length=args.length)
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        for key, value in metrics.items():
            print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    if args.responses is None:
        return _calibrate_database(args)
    if args.min_responses is not None or args.bank or args.dry_run:
        print("--min-responses, --bank and --dry-run apply only without --responses", file=sys.stderr)
        return 2
    try:
        data = read_responses(args.responses)
    except (ResponseFileError, OSError) as error:
        print(error, file=sys.stderr)
        return 1

    def progress(iteration: int, objective: float) -> None:
        print(
            f"\rEM iteration {iteration:4d} · log posterior {objective:,.2f}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    result = calibrate_2pl(data, progress=None if args.quiet else progress)
    if not args.quiet:
        print(file=sys.stderr)
    classical = classical_statistics(data)
    rows = [
        {
            "item": item_id,
            "n": int(result.n_responses[i]),
            "a": float(result.a[i]),
            "a_se": float(result.a_se[i]),
            "b": float(result.b[i]),
            "b_se": float(result.b_se[i]),
            "fit_rmsd": float(result.item_fit_rmsd[i]),
            "facility": float(classical.facility[i]),
            "discrimination": float(classical.discrimination[i]),
            "calibrated": not bool(result.uncalibrated[i]),
        }
        for i, item_id in sorted(enumerate(result.item_ids), key=lambda pair: pair[1])
    ]
    summary: dict[str, object] = {
        "persons": data.n_persons,
        "items": data.n_items,
        "responses": data.n_observations,
    }
    summary |= {"converged": result.converged, "iterations": result.iterations, "items_table": rows}
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0 if result.converged else 1
    print(
        f"{data.n_persons} persons, {data.n_items} items, {data.n_observations} responses; "
        f"{'converged' if result.converged else 'NOT converged'} after {result.iterations} iterations"
    )
    _print_item_table(rows)
    return 0 if result.converged else 1


def _calibrate_database(args: argparse.Namespace) -> int:
    """Calibrate the items from the stored responses and save the new parameters (calibrate_items)."""
    options = ["--json"] if args.json else []
    options += ["--dry-run"] if args.dry_run else []
    options += [] if args.min_responses is None else ["--min-responses", str(args.min_responses)]
    options += [] if args.bank is None else ["--bank", args.bank]
    return _django("calibrate_items", *options)


_ROW = (
    "{item:<30} {n:>6} {a:>6.2f} {a_se:>5.2f} {b:>7.2f} {b_se:>5.2f} "
    "{fit_rmsd:>6.3f} {facility:>5.2f} {discrimination:>6.2f}"
)


def _print_item_table(rows: list[dict[str, object]]) -> None:
    """One line per item: responses, a ± SE, b ± SE, fit RMSD, facility p and discrimination r."""
    print(f"{'item':<30} {'n':>6} {'a':>6} {'±':>5} {'b':>7} {'±':>5} {'fit':>6} {'p':>5} {'r':>6}")
    for row in rows:
        print(_ROW.format(**row))


def _django(*command: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adaptest.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["adaptest manage", *command])
    return 0


def _serve(args: argparse.Namespace) -> int:
    gunicorn = _gunicorn_command(args) if args.production else None  # a bad setting stops us before migrating
    with _one_server_at_a_time():
        _django("migrate", "--no-input", "--verbosity", "0")
        _django("createcachetable")  # the shared cache's table, if settings use a database cache (idempotent)
        _django("sync_bank", str(DEEP_LEARNING_BANK))
    _django("collectstatic", "--no-input", "--verbosity", "0")  # into this server's own data directory
    if gunicorn is None:
        print(f"Adaptest is running at http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
        return _django("runserver", "--noreload", f"{args.host}:{args.port}")
    from django.db import connections

    connections.close_all()  # nothing of this process's database use is carried into gunicorn
    # One BLAS thread per worker: the workers are the parallelism, and numpy's small matrices gain nothing.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    print(f"Adaptest (gunicorn) is starting at http://{args.host}:{args.port}/", flush=True)
    os.execv(sys.executable, gunicorn)  # gunicorn takes this process over: signals reach its master directly
    return 1  # not reached


_SETUP_LOCK = 0x61646170_74657374  # "adaptest": the PostgreSQL advisory lock that serve's setup holds


@contextmanager
def _one_server_at_a_time() -> Iterator[None]:
    """On PostgreSQL, hold an advisory lock while migrating and syncing the bank.

    Several servers started together against one database would otherwise run the same migration at once,
    and all but one fail. With the lock they take turns, and the later ones find nothing left to do.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adaptest.web.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_SETUP_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_SETUP_LOCK])


def _gunicorn_command(args: argparse.Namespace) -> list[str]:
    """The gunicorn command line, from the ADAPTEST_* variables (docs/deployment.md explains the defaults).

    Workers: (2 x CPUs) + 1, gunicorn's own rule of thumb. A request here is short and mostly CPU (template,
    ORM, the adaptive engine) with brief database waits, so about two processes per core keep the cores busy
    while some wait. Threads: 1 (sync workers, no GIL contention); raise it when the proxy in front does not
    buffer slow clients. Max requests: a worker is replaced after about 10 000 requests, with jitter so they
    are not all replaced at once; a new worker costs about 1.3 s of CPU, so this stays under 1% at full load.
    """
    from adaptest.web import env

    workers = env.integer("ADAPTEST_WORKERS", 2 * _cpu_count() + 1, minimum=1)
    threads = env.integer("ADAPTEST_THREADS", 1, minimum=1)
    timeout = env.integer("ADAPTEST_TIMEOUT", 30, minimum=1)
    graceful = env.integer("ADAPTEST_GRACEFUL_TIMEOUT", 20, minimum=1)
    max_requests = env.integer("ADAPTEST_MAX_REQUESTS", 10_000)
    jitter = env.integer("ADAPTEST_MAX_REQUESTS_JITTER", max_requests // 10)
    host = f"[{args.host}]" if ":" in args.host and not args.host.startswith("[") else args.host
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "adaptest.web.wsgi:application",
        f"--bind={host}:{args.port}",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--timeout={timeout}",
        f"--graceful-timeout={graceful}",
        f"--max-requests={max_requests}",
        f"--max-requests-jitter={jitter}",
    ]


def _cpu_count() -> int:
    """CPUs this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


SWEEP_COMMANDS = ("expire_overdue_attempts", "settle_matches")
"""What one sweep runs: finish overdue attempts, then settle matches (expiries, runs whose time is up)."""


def _credential_verify(args: argparse.Namespace) -> int:
    """Print each check that passed, then VALID (0) or the reason it is refused (1). No network, no Django."""
    from datetime import UTC, datetime

    from adaptest.web.credentials.verification import credential_verify

    try:
        token = args.file.read_text()
        issuer_key = json.loads(args.issuer_key.read_text())
        status_list = args.status_list.read_text() if args.status_list else None
    except (OSError, ValueError) as error:
        print(f"REFUSED: cannot read the files given: {error}", file=sys.stderr)
        return 1
    result = credential_verify(token, issuer_key=issuer_key, status_list=status_list, now=datetime.now(UTC))
    for check in result.checked:
        print(f"ok  {check}")
    if result.refusal is not None:
        print(f"REFUSED: {result.refusal}", file=sys.stderr)
        return 1
    print(f"VALID: {result.credential.get('name', 'credential')} ({result.credential.get('id')})")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """Run the sweep commands once, or every --every seconds until Ctrl-C or SIGTERM."""
    if args.every is None:
        return max(_django(command) for command in SWEEP_COMMANDS)
    if not args.every > 0:
        print("--every must be a positive number of seconds", file=sys.stderr)
        return 2
    import signal
    import threading
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adaptest.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, connections

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set():
            started = time.monotonic()
            try:
                for command in SWEEP_COMMANDS:
                    call_command(command)
            except DatabaseError as error:  # the database may be back next time; a crash would stop sweeping
                print(f"sweep failed: {error.__class__.__name__}: {error}", file=sys.stderr, flush=True)
            finally:
                connections.close_all()  # hold no connection while asleep; a fresh one after an outage
            stop.wait(max(0.0, args.every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
