"""The adaptive engine over the database: an assessment's item pool and an attempt's session state.

The engine itself is pure (``adaptest.psychometrics``); this module turns rows into its inputs.

- The pool and design (``adaptive_test``) are cached per process and rebuilt when the bank's
  ``pool_stamp`` moves (bank sync, calibration) or the assessment's blueprint changes: a cache, never a
  source of truth, so any number of servers can answer for the same attempt.
- An attempt's state (``session_state``) comes only from its own slots: the parameters and the
  scored/pretest flag frozen when each question was given. A calibration mid-attempt changes nothing.
- Exposure comes from counters kept when a slot is added (``exposure``): one small query whose cost
  does not grow with the number of attempts.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from adaptest.psychometrics import (
    Blueprint,
    DomainPrior,
    Exposure,
    ExposureControl,
    Given,
    ItemPool,
    LevelCuts,
    LevelReport,
    MaxItems,
    ReportingScale,
    SessionState,
    TestDesign,
    level_report,
    resume_given,
    select_next,
)
from adaptest.web.assessments.models import AttemptItem, ExposureCounter
from adaptest.web.itembank.models import ASSESSMENT_USES, Assessment, Item, ItemParameters, ItemVersion

DOMAIN_CORRELATION = 0.7
"""Prior correlation between domain abilities (docs/psychometrics.md explains the choice)."""
PRETEST_POSITIONS = (7, 14)
"""Where unscored pretest items go when the bank has any: never first, never last, at most two."""
EXPOSURE_CONTROL = ExposureControl(r_max=0.25)
SCALE = ReportingScale()
CUTS = LevelCuts()
BAND_Z = 1.645
"""Uncertainty bands are 90% intervals: estimate ± 1.645 posterior SD."""


@dataclass(frozen=True)
class PoolEntry:
    """One row of the pool: the item and the versions a taker may get (a family's variants, or one)."""

    item_pk: int
    versions: tuple[ItemVersion, ...]


@dataclass(frozen=True)
class AdaptiveTest:
    """An adaptive assessment as the engine sees it: its domains, its pool (rows ↔ items) and design."""

    assessment_pk: int
    domains: tuple[str, ...]
    domain_titles: dict[str, str]
    entries: tuple[PoolEntry, ...]
    design: TestDesign
    positions: dict[int, int]  # Item pk -> row of the pool
    calibrated: tuple[bool, ...] = ()
    """Per row: whether its parameters come from calibration rather than the author's hint."""

    def index_of(self, item_pk: int) -> int | None:
        return self.positions.get(item_pk)


_POOLS: dict[int, tuple[tuple[str, str], AdaptiveTest]] = {}
_POOLS_LOCK = threading.Lock()


def adaptive_test(assessment: Assessment) -> AdaptiveTest:
    """The engine's view of ``assessment``, built once per process and pool stamp.

    ``assessment.bank`` should already be loaded (the stamp is read from it); the assessment row itself
    is read fresh by every request, so a changed blueprint is seen at once.
    """
    key = (assessment.bank.pool_stamp, json.dumps(assessment.blueprint, sort_keys=True))
    cached = _POOLS.get(assessment.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    test = _build(assessment)
    with _POOLS_LOCK:
        _POOLS[assessment.pk] = (key, test)
    return test


def _enemy_families(sets: list[str | None]) -> NDArray[np.int64]:
    """The pool's family per row: items of one enemy set share a number, so the engine, which never gives
    two of a family, never gives two of a set; an item in no set is its own family (-1)."""
    numbers = {name: n for n, name in enumerate(sorted({s for s in sets if s}))}
    return np.array([numbers[s] if s else -1 for s in sets], dtype=np.int64)


UNCALIBRATED_KINDS_LEFT_OUT = ("free_text",)
"""Kinds the adaptive pool takes only once calibrated: an author's hint for a rubric-graded answer is too
rough a guess to select and score with (docs/calibration.md)."""


def _build(assessment: Assessment) -> AdaptiveTest:
    """Read the active items of the blueprint's domains, their parameters and every version to give.

    free_text items whose parameters are not calibrated yet stay out (``UNCALIBRATED_KINDS_LEFT_OUT``)."""
    domains = tuple(assessment.blueprint)
    items = list(
        Item.objects.filter(
            bank=assessment.bank_id,
            is_active=True,
            current_version__domain__in=domains,
            current_version__use__in=ASSESSMENT_USES,  # never a practice item
            parameters__isnull=False,
        )
        .exclude(
            current_version__kind__in=UNCALIBRATED_KINDS_LEFT_OUT,
            parameters__source=ItemParameters.Source.HINT,
        )
        .select_related("current_version", "parameters")
        .order_by("item_id")
    )
    # The query reads only items with a current version; each pairs with it, typed as present.
    current = [(item, item.current_version) for item in items if item.current_version is not None]
    variant_pks = {int(pk) for item in items for pk in item.variant_versions}
    variants = ItemVersion.objects.in_bulk(variant_pks) if variant_pks else {}
    entries = tuple(
        PoolEntry(
            item.pk,
            tuple(variants[int(pk)] for pk in item.variant_versions if int(pk) in variants) or (version,),
        )
        for item, version in current
    )
    parameters = [item.parameters for item, _ in current]
    pool = ItemPool(
        a=np.array([p.a for p in parameters], dtype=np.float64),
        b=np.array([p.b for p in parameters], dtype=np.float64),
        domain=np.array([domains.index(version.domain) for _, version in current], dtype=np.int64),
        family=_enemy_families([version.data.get("enemy_set") for _, version in current]),
        pretest=np.array([p.pretest for p in parameters], dtype=np.bool_),
    )
    counts = tuple(int(assessment.blueprint[d]) for d in domains)
    length = sum(counts)
    pretest_slots = min(len(PRETEST_POSITIONS), int(pool.pretest.sum()))
    design = TestDesign(
        pool,
        DomainPrior.exchangeable(len(domains), DOMAIN_CORRELATION),
        MaxItems(length),
        length,
        blueprint=Blueprint.around(counts, slack=1),
        exposure_control=EXPOSURE_CONTROL,
        pretest_positions=PRETEST_POSITIONS[:pretest_slots],
        cuts=CUTS,
    )
    _ensure_counters(assessment.pk, [entry.item_pk for entry in entries])
    return AdaptiveTest(
        assessment.pk,
        domains,
        assessment.bank.domain_titles(),
        entries,
        design,
        {entry.item_pk: i for i, entry in enumerate(entries)},
        tuple(p.source == ItemParameters.Source.CALIBRATION for p in parameters),
    )


def _ensure_counters(assessment_pk: int, item_pks: list[int]) -> None:
    """Create the missing exposure counters of a pool (once per build), so adding a slot only updates."""
    rows = [ExposureCounter(assessment_id=assessment_pk, item_id=pk) for pk in [None, *item_pks]]
    ExposureCounter.objects.bulk_create(rows, ignore_conflicts=True)


def forget_cached_pools() -> None:
    """Drop this process's cached pools (tests; a stamp change does the same in production)."""
    with _POOLS_LOCK:
        _POOLS.clear()


def session_state(test: AdaptiveTest, slots: Sequence[AttemptItem]) -> SessionState:
    """The engine state after the attempt's answered questions (correct = full credit), from the
    parameters and scored flags frozen on the slots — never from the items' current parameters.

    ``slots`` must have their item version and response loaded. A question of a domain the blueprint
    has since dropped is left out.
    """
    domain_index = {domain: d for d, domain in enumerate(test.domains)}
    pool = test.design.pool
    given = []
    for slot in sorted(slots, key=lambda s: s.position):
        response = slot.stored_response
        domain = domain_index.get(slot.item_version.domain)
        if response is None or domain is None:
            continue
        row = test.index_of(slot.item_version.item_id)
        a = slot.a if slot.a is not None else (float(pool.a[row]) if row is not None else 1.0)
        b = slot.b if slot.b is not None else (float(pool.b[row]) if row is not None else 0.0)
        given.append(Given(row, domain, a, b, slot.scored, 1.0 if response.correct else 0.0))
    return resume_given(test.design, given)


def exposure(test: AdaptiveTest) -> Exposure:
    """How often each pool item was given by this assessment, over how many attempts (one query)."""
    counts = np.zeros(test.design.pool.size, dtype=np.int64)
    sessions = 0
    rows = ExposureCounter.objects.filter(assessment_id=test.assessment_pk).values_list("item_id", "count")
    for item_pk, count in rows:
        if item_pk is None:
            sessions = count
            continue
        index = test.index_of(item_pk)
        if index is not None:
            counts[index] = count
    return Exposure(counts, max(sessions, 1))


def next_row(test: AdaptiveTest, state: SessionState) -> int | None:
    """The pool row to give next, with exposure control, or None when the test is over."""
    rng = np.random.default_rng(secrets.randbits(64))
    return select_next(test.design, state, rng=rng, exposure=exposure(test))


@dataclass(frozen=True)
class Pick:
    """What to put in the next slot: the item version and the parameters to freeze with it."""

    item_pk: int
    version: ItemVersion
    a: float
    b: float
    scored: bool
    calibrated: bool


def pick(test: AdaptiveTest, row: int) -> Pick:
    """The version a taker gets at ``row``: one of a family's variants at random (so takers see different
    numbers), a hand-written item's current version."""
    entry, pool = test.entries[row], test.design.pool
    version = secrets.choice(entry.versions)
    scored = not bool(pool.pretest[row])
    return Pick(entry.item_pk, version, float(pool.a[row]), float(pool.b[row]), scored, test.calibrated[row])


def attempt_report(test: AdaptiveTest, state: SessionState) -> dict[str, Any]:
    """Levels, scale scores and 90% bands per domain and overall, as stored on a finished attempt."""
    post = state.posterior
    if post is None:  # pragma: no cover - a multidimensional design always has a posterior
        raise ValueError("adaptive reports need the domain posterior")
    below_low, below_high = post.cdf(CUTS.cuts[0]), post.cdf(CUTS.cuts[1])
    domains = []
    for d, domain in enumerate(test.domains):
        report = level_report(float(below_low[d]), float(below_high[d]), CUTS)
        domains.append(
            {
                "id": domain,
                "title": test.domain_titles.get(domain, domain),
                "items": int(state.scored_by_domain[d]) if d < len(state.scored_by_domain) else 0,
                **_estimate(float(post.mean[d]), float(post.se[d]), report),
            }
        )
    k = len(test.domains)
    mean = float(post.mean.mean())
    se = float(np.sqrt(post.cov.sum()) / k)
    overall = level_report(float(norm.cdf(CUTS.cuts[0], mean, se)), float(norm.cdf(CUTS.cuts[1], mean, se)))
    return {"domains": domains, "overall": _estimate(mean, se, overall), "scored_items": state.scored_items}


def _estimate(theta: float, se: float, report: LevelReport) -> dict[str, Any]:
    low, high = SCALE.score([theta - BAND_Z * se, theta + BAND_Z * se])
    return {
        "theta": theta,
        "se": se,
        "score": round(float(SCALE.score(theta))),
        "band": [round(float(low)), round(float(high))],
        "level": report.level,
        "probabilities": report.probabilities,
        "borderline": report.borderline,
    }
