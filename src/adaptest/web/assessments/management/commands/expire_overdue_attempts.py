"""Finish every open attempt whose time is up: `adaptest sweep` runs this from cron, a timer or a CronJob."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from adaptest.web.assessments.services import attempts_expire_overdue


class Command(BaseCommand):
    help = (
        "Finish every open attempt whose deadline has passed, with the answers saved so far. Safe to run "
        "on several servers at once and as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        finished = attempts_expire_overdue(now=timezone.now())
        if finished or options["verbosity"] > 1:
            self.stdout.write(f"{finished} overdue attempt(s) finished")
