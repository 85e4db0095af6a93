from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from adaptest.bank import BankInvalid, load_bank
from adaptest.content import DEEP_LEARNING_BANK
from adaptest.web.itembank.services import bank_sync


class Command(BaseCommand):
    help = "Copy a validated bank folder into the database (new item versions by content hash)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEEP_LEARNING_BANK))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = load_bank(Path(options["path"]))
        except BankInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"bank not synced: {len(invalid.problems)} problem(s)") from None
        self.stdout.write(str(bank_sync(folder=folder)))
