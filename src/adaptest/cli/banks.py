"""Loading a bank folder for a command: the bank, or its problems printed for the author to fix."""

from __future__ import annotations

import sys
from pathlib import Path

from adaptest.bank import Bank, BankInvalid, load_bank


def bank_or_report(path: Path) -> Bank | None:
    """The loaded bank, or None after printing its problems (output from an invalid bank would mislead)."""
    try:
        return load_bank(path)
    except BankInvalid as invalid:
        for problem in invalid.problems:
            print(problem, file=sys.stderr)
        print(f"{len(invalid.problems)} problem(s) found in {path}: fix them first", file=sys.stderr)
        return None
