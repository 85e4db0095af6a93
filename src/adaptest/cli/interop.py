"""`adaptest bank import` and `adaptest bank export`: QTI 3.0, Moodle XML and GIFT."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from adaptest.bank.interop import (
    FORMATS,
    CannotImport,
    SourceSyntaxError,
    export_items,
    import_file,
    reader,
    writer,
)
from adaptest.bank.interop.importer import IMPORT_FOLDER
from adaptest.cli.banks import bank_or_report
from adaptest.content import DEEP_LEARNING_BANK


def add_commands(bank: Any) -> None:
    """Add ``import`` and ``export`` to the ``adaptest bank`` subcommands."""
    into = bank.add_parser(
        "import",
        help="import questions from QTI 3.0 (item XML or package zip), Moodle XML or GIFT into a bank folder",
    )
    into.add_argument("format", choices=FORMATS)
    into.add_argument("file", type=Path)
    into.add_argument("--into", type=Path, required=True, metavar="BANK_DIR", help="created when absent")
    into.add_argument(
        "--domain", default=IMPORT_FOLDER, help=f"domain of the new items (default {IMPORT_FOLDER})"
    )
    into.add_argument(
        "--skill", default=IMPORT_FOLDER, help=f"skill of the new items (default {IMPORT_FOLDER})"
    )
    into.set_defaults(handler=_import)
    out = bank.add_parser("export", help="export a bank's items as QTI 3.0 (package zip), Moodle XML or GIFT")
    out.add_argument("format", choices=FORMATS)
    out.add_argument("--out", type=Path, required=True, metavar="FILE")
    out.add_argument(
        "--items", action="append", metavar="GLOB", help="item ids to export (repeatable; default all)"
    )
    out.add_argument("--path", type=Path, default=DEEP_LEARNING_BANK, help="the bank folder")
    out.set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    try:
        report = import_file(reader(args.format), args.file, args.into, domain=args.domain, skill=args.skill)
    except SourceSyntaxError as error:
        print(f"{args.file}:{error.line}:{error.column}: {error.message}", file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    except CannotImport as error:
        print(f"{error}; nothing was imported", file=sys.stderr)
        return 1
    print("\n".join(report.lines(str(args.file))))
    if report.imported:
        where = args.into / "items" / IMPORT_FOLDER
        print(f"written to {where}" + (" (a new bank: edit its bank.yaml)" if report.created_bank else ""))
    return 0 if report.imported and not report.refused else 1


def _export(args: argparse.Namespace) -> int:
    bank = bank_or_report(args.path)
    if bank is None:
        return 1
    result = export_items(writer(args.format), bank, args.out, patterns=args.items)
    for item_id, losses in sorted(result.losses.items()):
        print("\n".join(f"{item_id}: lost {loss}" for loss in losses))
    for skipped in result.skipped:
        print(f"{skipped.item_id}: skipped: {skipped.reason}")
    print(
        f"{len(result.written)} item(s) written to {args.out}, {len(result.losses)} of them with a loss; "
        f"{len(result.skipped)} skipped."
    )
    if not result.written and not result.skipped:
        print(f"no item id matches {', '.join(args.items or [])}", file=sys.stderr)
        return 1
    return 0
