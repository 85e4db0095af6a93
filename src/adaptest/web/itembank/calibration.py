"""Writes for calibration: re-estimate item parameters from the platform's own stored responses.

``items_calibrate`` gathers every response to a bank's items (person = attempt, item = ``Item`` across
its versions), runs the 2PL marginal maximum likelihood calibration of ``adaptest.psychometrics`` and
stores the new parameters of the items with enough responses. A pretest item that reaches the threshold
leaves pretest: from then on the engine gives it in scored slots. See docs/calibration.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from operator import attrgetter
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from adaptest.psychometrics.calibration import CalibrationResult, calibrate_2pl
from adaptest.web.itembank.models import Bank, Item, ItemParameters
from adaptest.web.itembank.selectors import ItemResponses, item_responses
from adaptest.web.itembank.services import bank_pools_changed

#: Starting difficulties are clipped into this range (as the engine's own default start is).
_START_B = 3.0
#: Calibrated items a new run must re-estimate before it is linked to the earlier scale.
MIN_ANCHORS = 10


class NoResponses(Exception):
    """There is nothing to calibrate from."""


@dataclass(frozen=True)
class ItemChange:
    """An item whose parameters were (or, in a dry run, would be) replaced by calibrated ones."""

    item_id: str
    n: int
    old_a: float
    old_b: float
    new_a: float
    new_b: float
    a_se: float
    b_se: float
    left_pretest: bool


@dataclass(frozen=True)
class SkippedItem:
    """An item with responses, but fewer than the threshold: its parameters stay as they were."""

    item_id: str
    n: int


@dataclass(frozen=True)
class ScaleLink:
    """How a run's estimates are put back on the earlier scale: θ_old = slope·θ_new + intercept.

    Each run fixes its takers' abilities at N(0, 1); as the takers change, so would the scale, and
    scores reported before would stop being comparable with scores reported after. The items already
    calibrated are the anchors: mean/sigma linking matches their new difficulties to their stored ones.
    """

    anchors: int
    slope: float
    intercept: float


@dataclass(frozen=True)
class CalibrationReport:
    persons: int
    items: int
    responses: int
    min_responses: int
    converged: bool
    iterations: int
    changed: tuple[ItemChange, ...]
    skipped: tuple[SkippedItem, ...]
    dry_run: bool
    calibrated_at: datetime
    link: ScaleLink | None = None

    @property
    def saved(self) -> bool:
        """Whether the new parameters were stored: never in a dry run or without convergence."""
        return self.converged and not self.dry_run

    @property
    def left_pretest(self) -> int:
        return sum(change.left_pretest for change in self.changed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "items": self.items,
            "responses": self.responses,
            "min_responses": self.min_responses,
            "converged": self.converged,
            "iterations": self.iterations,
            "dry_run": self.dry_run,
            "saved": self.saved,
            "calibrated_at": self.calibrated_at.isoformat(),
            "left_pretest": self.left_pretest,
            "changed": [asdict(change) for change in self.changed],
            "skipped": [asdict(item) for item in self.skipped],
            "link": asdict(self.link) if self.link else None,
        }


def items_calibrate(
    *, bank: Bank | None = None, min_responses: int | None = None, dry_run: bool = False, now: datetime
) -> CalibrationReport:
    """Re-estimate 2PL parameters from every stored response to ``bank``'s items (all banks if None).

    Items with at least ``min_responses`` responses (default: setting
    ``ADAPTEST_CALIBRATION_MIN_RESPONSES``) get the new ``a`` and ``b``, ``source = calibration``, the
    response count, and leave pretest. The others keep their parameters, but their responses still
    inform the persons' abilities. Nothing is stored in a dry run or when the estimation did not
    converge. Raises NoResponses when there is no response to calibrate from.
    """
    threshold = settings.ADAPTEST_CALIBRATION_MIN_RESPONSES if min_responses is None else min_responses
    if threshold < 1:
        raise ValueError("min_responses must be at least 1")
    with transaction.atomic():
        gathered = item_responses(bank=bank)
        if gathered.data.n_observations == 0:
            raise NoResponses("there are no stored responses to calibrate from")
        parameters = _locked_parameters(gathered.item_pks)
        result = calibrate_2pl(gathered.data, initial_b=_starting_b(gathered, parameters))
        link = _scale_link(gathered, parameters, result, threshold)
        if link is not None:
            result = _on_linked_scale(result, link)
        changed, skipped = _compare(gathered, parameters, result, threshold)
        report = CalibrationReport(
            persons=gathered.data.n_persons,
            items=gathered.data.n_items,
            responses=gathered.data.n_observations,
            min_responses=threshold,
            converged=result.converged,
            iterations=result.iterations,
            changed=tuple(sorted(changed.values(), key=attrgetter("item_id"))),
            skipped=skipped,
            dry_run=dry_run,
            calibrated_at=now,
            link=link,
        )
        if report.saved:
            _store(parameters, changed, now)
    return report


def _locked_parameters(item_pks: tuple[int, ...]) -> dict[int, ItemParameters]:
    """Item pk → its parameters row, locked until the transaction ends (created if it is missing)."""
    rows = ItemParameters.objects.select_for_update().select_related("item").filter(item_id__in=item_pks)
    found = {row.item_id: row for row in rows}
    for item in Item.objects.filter(pk__in=set(item_pks) - set(found)):
        found[item.pk] = ItemParameters(item=item)  # saved only if it gets calibrated values
    return found


def _scale_link(
    gathered: ItemResponses, parameters: dict[int, ItemParameters], result: CalibrationResult, threshold: int
) -> ScaleLink | None:
    """Mean/sigma linking on the items calibrated before; None for a first calibration (it sets the scale)."""
    anchors = [
        j
        for j, pk in enumerate(gathered.item_pks)
        if parameters[pk].source == ItemParameters.Source.CALIBRATION and result.n_responses[j] >= threshold
    ]
    if len(anchors) < MIN_ANCHORS:
        return None
    old = np.array([parameters[gathered.item_pks[j]].b for j in anchors])
    new = result.b[anchors]
    if new.std() == 0:
        return None
    slope = float(old.std() / new.std())
    return ScaleLink(len(anchors), slope, float(old.mean() - slope * new.mean()))


def _on_linked_scale(result: CalibrationResult, link: ScaleLink) -> CalibrationResult:
    """The same estimates expressed on the linked scale (b and its SE stretch, a shrinks)."""
    return replace(
        result,
        a=result.a / link.slope,
        b=link.slope * result.b + link.intercept,
        a_se=result.a_se / link.slope,
        b_se=link.slope * result.b_se,
    )


def _starting_b(gathered: ItemResponses, parameters: dict[int, ItemParameters]) -> np.ndarray:
    """Start each item from its current difficulty: the engine chose items by it, so it is close."""
    current = [parameters[pk].b for pk in gathered.item_pks]
    return np.clip(np.array(current, dtype=np.float64), -_START_B, _START_B)


def _compare(
    gathered: ItemResponses,
    parameters: dict[int, ItemParameters],
    result: CalibrationResult,
    threshold: int,
) -> tuple[dict[int, ItemChange], tuple[SkippedItem, ...]]:
    """Item pk → its change, for the items with enough responses; the others as skipped."""
    changed, skipped = {}, []
    for j, pk in enumerate(gathered.item_pks):
        row, n = parameters[pk], int(result.n_responses[j])
        if n < threshold:
            skipped.append(SkippedItem(row.item.item_id, n))
            continue
        changed[pk] = ItemChange(
            item_id=row.item.item_id,
            n=n,
            old_a=row.a,
            old_b=row.b,
            new_a=float(result.a[j]),
            new_b=float(result.b[j]),
            a_se=float(result.a_se[j]),
            b_se=float(result.b_se[j]),
            left_pretest=row.pretest,
        )
    return changed, tuple(sorted(skipped, key=attrgetter("item_id")))


def _store(parameters: dict[int, ItemParameters], changed: dict[int, ItemChange], now: datetime) -> None:
    updated = []
    for pk, change in changed.items():
        row = parameters[pk]
        row.a, row.b, row.responses = change.new_a, change.new_b, change.n
        row.source, row.pretest, row.updated_at = ItemParameters.Source.CALIBRATION, False, now
        if row.pk is None:
            row.save()
        else:
            updated.append(row)
    fields = ["a", "b", "responses", "source", "pretest", "updated_at"]
    ItemParameters.objects.bulk_update(updated, fields)
    banks = Item.objects.filter(pk__in=changed).values_list("bank_id", flat=True).distinct()
    bank_pools_changed(bank_pks=list(banks))
