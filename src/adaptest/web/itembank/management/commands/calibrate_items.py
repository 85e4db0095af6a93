"""`adaptest calibrate` without a response file: calibrate the items from the database's responses."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from adaptest.web.itembank.calibration import CalibrationReport, NoResponses, items_calibrate
from adaptest.web.itembank.models import Bank

_HEADER = f"{'item':<30} {'n':>5} {'a (old → new)':^13} {'b (old → new)':^15} {'±b':>5}"
_ROW = "{item_id:<30} {n:>5} {old_a:>5.2f} → {new_a:<5.2f} {old_b:>6.2f} → {new_b:<6.2f} {b_se:>5.2f}  {left}"


class Command(BaseCommand):
    help = (
        "Re-estimate 2PL item parameters from the stored responses; items with enough responses get "
        "the calibrated values and leave pretest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-responses",
            type=int,
            help="responses an item needs to be updated (default: ADAPTEST_CALIBRATION_MIN_RESPONSES)",
        )
        parser.add_argument("--bank", help="calibrate only this bank's items (its id); default: all")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; save nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_responses"] is not None and options["min_responses"] < 1:
            raise CommandError("--min-responses must be at least 1")
        try:
            report = items_calibrate(
                bank=_bank(options["bank"]),
                min_responses=options["min_responses"],
                dry_run=options["dry_run"],
                now=timezone.now(),
            )
        except NoResponses as error:
            raise CommandError(f"nothing calibrated: {error} (take some assessments first)") from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self._print(report)
        if not report.converged:
            raise CommandError(f"the estimation did not converge in {report.iterations} iterations")

    def _print(self, report: CalibrationReport) -> None:
        self.stdout.write(
            f"{report.responses} responses from {report.persons} attempts to {report.items} items; "
            f"{'converged' if report.converged else 'NOT converged'} after {report.iterations} iterations"
        )
        if report.link:
            self.stdout.write(
                f"linked to the earlier scale through {report.link.anchors} calibrated items: "
                f"θ_old = {report.link.slope:.3f}·θ_new {report.link.intercept:+.3f}"
            )
        if report.changed:
            self.stdout.write(_HEADER)
        for change in report.changed:
            left = "left pretest" if change.left_pretest else ""
            self.stdout.write(_ROW.format(**vars(change), left=left).rstrip())
        verb = "updated" if report.saved else "would be updated"
        self.stdout.write(
            f"{len(report.changed)} item(s) {verb} ({report.left_pretest} left pretest); "
            f"{len(report.skipped)} kept their parameters with fewer than {report.min_responses} responses"
        )
        if report.dry_run:
            self.stdout.write("dry run: nothing was saved")
        elif not report.saved:
            self.stdout.write("nothing was saved")


def _bank(bank_id: str | None) -> Bank | None:
    if bank_id is None:
        return None
    try:
        return Bank.objects.get(bank_id=bank_id)
    except Bank.DoesNotExist:
        raise CommandError(f"no bank {bank_id!r} in the database (run `adaptest bank sync`)") from None
