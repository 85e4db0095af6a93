"""Settle matches the clock has changed (expired challenges, runs whose time is up): `adaptest sweep`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from adaptest.web.matches.services import matches_settle_due


class Command(BaseCommand):
    help = (
        "Expire challenges nobody accepted in time and finish matches whose runs are over, rating them. "
        "Safe to run on several servers at once and as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        settled = matches_settle_due(now=timezone.now())
        if settled or options["verbosity"] > 1:
            self.stdout.write(f"{settled} match(es) finished or expired")
