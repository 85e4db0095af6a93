"""The adaptive engine over the database: an assessment's item pool and an attempt's session state.

The engine itself is pure (``adaptest.psychometrics``); this module turns rows into its inputs. Nothing
here is cached between requests: the state is rebuilt from the stored responses, so a server restart
or a second server changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count
from scipy.stats import norm

from adaptest.psychometrics import (
    Blueprint,
    DomainPrior,
    Exposure,
    ExposureControl,
    ItemPool,
    LevelCuts,
    LevelReport,
    MaxItems,
    ReportingScale,
    SessionState,
    TestDesign,
    level_report,
    resume,
    select_next,
)
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.itembank.models import Assessment, Item

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
class AdaptiveTest:
    """An adaptive assessment as the engine sees it: its domains, its pool (rows ↔ items) and design."""

    assessment: Assessment
    domains: tuple[str, ...]
    items: tuple[Item, ...]
    design: TestDesign
    positions: dict[int, int]  # Item pk -> row of the pool

    def index_of(self, item_pk: int) -> int | None:
        return self.positions.get(item_pk)


def adaptive_test(assessment: Assessment) -> AdaptiveTest:
    """Build the engine's view of ``assessment`` from the active items of its blueprint's domains."""
    domains = tuple(assessment.blueprint)
    items = tuple(
        Item.objects.filter(
            bank=assessment.bank,
            is_active=True,
            current_version__domain__in=domains,
            parameters__isnull=False,
        )
        .select_related("current_version", "parameters")
        .order_by("item_id")
    )
    parameters = [item.parameters for item in items]
    pool = ItemPool(
        a=np.array([p.a for p in parameters], dtype=np.float64),
        b=np.array([p.b for p in parameters], dtype=np.float64),
        domain=np.array([domains.index(item.current_version.domain) for item in items], dtype=np.int64),
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
    return AdaptiveTest(assessment, domains, items, design, {item.pk: i for i, item in enumerate(items)})


def session_state(test: AdaptiveTest, attempt: Attempt) -> SessionState:
    """The engine state after the attempt's answered questions (correct = full credit).

    An item retired from the bank after it was given is left out: the estimate then rests on the
    other answers.
    """
    answered = AttemptItem.objects.filter(attempt=attempt, response__isnull=False).order_by("position")
    rows = answered.values_list("item_version__item_id", "response__correct")
    items, responses = [], []
    for item_pk, correct in rows:
        index = test.index_of(item_pk)
        if index is not None:
            items.append(index)
            responses.append(1.0 if correct else 0.0)
    return resume(test.design, items, responses)


def next_item(test: AdaptiveTest, state: SessionState) -> Item | None:
    """The next item to give, with exposure control over this assessment's earlier attempts."""
    given = (
        AttemptItem.objects.filter(attempt__assessment=test.assessment)
        .values("item_version__item_id")
        .annotate(n=Count("id"))
    )
    counts = np.zeros(test.design.pool.size, dtype=np.int64)
    for row in given:
        index = test.index_of(row["item_version__item_id"])
        if index is not None:
            counts[index] = row["n"]
    sessions = Attempt.objects.filter(assessment=test.assessment).count()
    rng = np.random.default_rng(secrets.randbits(64))
    choice = select_next(test.design, state, rng=rng, exposure=Exposure(counts, max(sessions, 1)))
    return None if choice is None else test.items[choice]


def attempt_report(test: AdaptiveTest, state: SessionState) -> dict[str, Any]:
    """Levels, scale scores and 90% bands per domain and overall, as stored on a finished attempt."""
    titles = test.assessment.bank.domain_titles()
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
                "title": titles.get(domain, domain),
                "items": int(state.scored_by_domain[d]) if state.scored_by_domain else 0,
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
