"""The adaptive engine never gives two items of one enemy set in an attempt (the shipped bank's sets)."""

from __future__ import annotations

import numpy as np
import pytest

from adaptest.psychometrics.adaptive import record, select_next, start
from adaptest.psychometrics.irt import probability
from adaptest.psychometrics.selection import Exposure
from adaptest.web.assessments import engine
from adaptest.web.itembank.models import Assessment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # about 90 s: once, in the SQLite run


def _sets_in_pool(test: engine.AdaptiveTest) -> dict[str, list[int]]:
    """Enemy set → the pool rows of its items, for the sets with two or more items in the pool."""
    rows: dict[str, list[int]] = {}
    for row, entry in enumerate(test.entries):
        name = entry.versions[0].data.get("enemy_set")
        if name:
            rows.setdefault(name, []).append(row)
    return {name: found for name, found in rows.items() if len(found) > 1}


def test_an_enemy_set_is_never_given_twice_in_a_thousand_simulated_attempts(shipped_bank) -> None:  # type: ignore[no-untyped-def]
    test = engine.adaptive_test(Assessment.objects.get(slug="dl-skills-assessment"))
    design, sets = test.design, _sets_in_pool(test)
    assert len(sets) >= 2, sets  # the secure pool holds declared sets, so the check below means something
    rng = np.random.default_rng(1000)
    counts = np.zeros(design.pool.size, dtype=np.int64)
    met_a_set = 0  # attempts given an item of some set
    for attempt in range(1000):
        theta = rng.normal(0, 1.2, size=len(test.domains))
        state, given = start(design), []
        while (
            row := select_next(design, state, rng=rng, exposure=Exposure(counts, attempt + 1))
        ) is not None:
            p = probability(theta[design.dimension[row]], design.pool.a[row], design.pool.b[row])
            state = record(design, state, row, float(rng.random() < p))
            given.append(row)
        counts[given] += 1
        for name, rows in sets.items():
            assert len(set(given) & set(rows)) <= 1, (attempt, name, given)
        met_a_set += any(set(given) & set(rows) for rows in sets.values())
    assert met_a_set > 100  # the sets' items were really on offer, not starved out of the pool
