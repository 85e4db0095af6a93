"""The adaptive loop's rules: no repeats, content balance, pretest slots, exposure, stopping."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptest.psychometrics.adaptive import (
    Given,
    TestDesign,
    record,
    resume,
    resume_given,
    select_next,
    start,
)
from adaptest.psychometrics.irt import probability
from adaptest.psychometrics.multidim import DomainPrior
from adaptest.psychometrics.selection import Blueprint, Exposure, ExposureControl, ItemPool
from adaptest.psychometrics.stopping import Confident, MaxItems, MinItems, Progress, SETarget, TimeBudget


def _pool(rng: np.random.Generator, n: int = 120, domains: int = 4, families: bool = False) -> ItemPool:
    return ItemPool(
        a=rng.lognormal(0, 0.25, n),
        b=rng.normal(0, 1, n),
        domain=np.arange(n, dtype=np.int64) % domains,
        family=(np.arange(n, dtype=np.int64) // 3) if families else np.full(n, -1, np.int64),
        pretest=(np.arange(n) % 10 == 9),
    )


def _take(design: TestDesign, theta: np.ndarray, rng: np.random.Generator, exposure: Exposure | None = None):  # type: ignore[no-untyped-def]
    state = start(design)
    while (item := select_next(design, state, rng=rng, exposure=exposure)) is not None:
        dim = design.dimension[item]
        p = probability(theta[dim], design.pool.a[item], design.pool.b[item])
        state = record(design, state, item, float(rng.random() < p))
    return state


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_no_item_or_family_twice_and_the_blueprint_holds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pool = _pool(rng, families=True)
    design = TestDesign(
        pool,
        DomainPrior.exchangeable(4, 0.7),
        MaxItems(20),
        20,
        blueprint=Blueprint.around((5, 5, 5, 5), 1),
        pretest_positions=(3, 11),
    )
    state = _take(design, rng.normal(size=4), rng)
    items = np.array(state.items)
    assert len(set(items)) == len(items)
    assert len(set(pool.family[items])) == len(items)
    scored = items[np.array(state.scored)]
    assert len(scored) == 20
    assert all(4 <= np.sum(pool.domain[scored] == d) <= 6 for d in range(4))
    assert [pos for pos, s in enumerate(state.scored, start=1) if not s] == [3, 11]
    assert all(pool.pretest[items[~np.array(state.scored)]]) and not any(pool.pretest[scored])


def test_pretest_responses_never_move_the_estimate() -> None:
    rng = np.random.default_rng(0)
    pool = _pool(rng, domains=1)
    design = TestDesign(pool, DomainPrior.exchangeable(1, 0.0), MaxItems(5), 5, pretest_positions=(1,))
    state = start(design)
    pretest_item = select_next(design, state, rng=rng)
    assert pretest_item is not None and pool.pretest[pretest_item]
    after = record(design, state, pretest_item, 1.0)
    assert after.theta == pytest.approx(state.theta) and after.se == pytest.approx(state.se)


def test_exposure_restriction_keeps_overexposed_items_out() -> None:
    rng = np.random.default_rng(1)
    pool = _pool(rng, n=60, domains=1)
    control = ExposureControl(r_max=0.2, progressive=False)
    design = TestDesign(pool, DomainPrior.exchangeable(1, 0.0), MaxItems(10), 10, exposure_control=control)
    counts = np.zeros(pool.size, np.int64)
    counts[:30] = 50  # half the bank was given to every one of 50 earlier takers
    state = _take(design, np.array([0.0]), rng, Exposure(counts, 51))
    assert min(state.items) >= 30


def test_a_strong_taker_climbs_and_a_weak_one_falls() -> None:
    rng = np.random.default_rng(2)
    pool = _pool(rng, n=300, domains=1)
    design = TestDesign(pool, DomainPrior.exchangeable(1, 0.0), MaxItems(15), 15)
    always_right = start(design)
    always_wrong = start(design)
    for _ in range(15):
        right_item = select_next(design, always_right, rng=rng)
        wrong_item = select_next(design, always_wrong, rng=rng)
        assert right_item is not None and wrong_item is not None
        always_right = record(design, always_right, right_item, 1.0)
        always_wrong = record(design, always_wrong, wrong_item, 0.0)
    assert always_right.theta[0] > 1.5 > -1.5 > always_wrong.theta[0]
    assert np.mean(pool.b[list(always_right.items[-5:])]) > np.mean(pool.b[list(always_wrong.items[-5:])])


def test_the_se_target_ends_the_test_early_for_precise_takers() -> None:
    rng = np.random.default_rng(3)
    pool = ItemPool(np.full(400, 2.0), rng.normal(0, 1, 400))
    design = TestDesign(pool, DomainPrior.exchangeable(1, 0.0), SETarget(0.35) | MaxItems(40), 40)
    state = _take(design, np.array([0.2]), rng)
    assert state.se[0] <= 0.35 and len(state.items) < 40


@pytest.mark.parametrize(
    ("rule", "progress", "stops"),
    [
        (MaxItems(20), Progress(20, np.array([0.5]), np.array([0.5])), True),
        (MaxItems(20), Progress(19, np.array([0.1]), np.array([0.99])), False),
        (SETarget(0.3), Progress(5, np.array([0.29, 0.31]), np.array([0.9, 0.9])), False),
        (SETarget(0.3) & MinItems(10), Progress(5, np.array([0.2]), np.array([0.9])), False),
        (Confident(0.9) | TimeBudget(480), Progress(5, np.array([0.5]), np.array([0.95, 0.91])), True),
        (Confident(0.9) | TimeBudget(480), Progress(5, np.array([0.5]), np.array([0.95, 0.5]), 480.0), True),
        (Confident(0.9) | TimeBudget(480), Progress(5, np.array([0.5]), np.array([0.95, 0.5]), 479.0), False),
    ],
)
def test_stopping_rules_combine(rule, progress: Progress, stops: bool) -> None:  # type: ignore[no-untyped-def]
    assert rule(progress) is stops


def test_the_blueprint_never_makes_its_minimums_unreachable() -> None:
    blueprint = Blueprint(minimum=(4, 4), maximum=(8, 8))
    assert blueprint.open_domains(np.array([8, 0]), items_left=4).tolist() == [False, True]
    assert blueprint.open_domains(np.array([6, 2]), items_left=2).tolist() == [False, True]
    assert blueprint.open_domains(np.array([4, 4]), items_left=4).tolist() == [True, True]


@pytest.mark.parametrize("domains", [1, 4])
def test_resuming_from_stored_responses_gives_the_state_recorded_step_by_step(domains: int) -> None:
    rng = np.random.default_rng(11)
    pool = _pool(rng, domains=4, families=True)
    prior = DomainPrior.exchangeable(domains, 0.7 if domains > 1 else 0.0)
    design = TestDesign(
        pool, prior, MaxItems(12), 12, blueprint=Blueprint.exact((3, 3, 3, 3)), pretest_positions=(4,)
    )
    stepped = _take(design, np.zeros(domains), rng)
    resumed = resume(design, stepped.items, stepped.responses)
    assert resumed.items == stepped.items and resumed.scored == stepped.scored
    assert resumed.scored_by_domain == stepped.scored_by_domain
    assert np.array_equal(resumed.available, stepped.available)
    np.testing.assert_allclose(resumed.theta, stepped.theta, atol=1e-6)
    np.testing.assert_allclose(resumed.level_confidence, stepped.level_confidence, atol=1e-6)
    assert select_next(design, resumed, rng=np.random.default_rng(0)) is None


def test_resuming_checks_its_input_and_starts_from_the_prior_without_responses() -> None:
    design = TestDesign(_pool(np.random.default_rng(2)), DomainPrior.exchangeable(4, 0.7), MaxItems(8), 8)
    assert resume(design, (), ()).items == ()
    with pytest.raises(ValueError, match="one response"):
        resume(design, (1, 2), (1.0,))


def test_a_resumed_state_uses_the_parameters_frozen_when_each_item_was_given() -> None:
    rng = np.random.default_rng(5)
    pool = _pool(rng, domains=4)
    design = TestDesign(pool, DomainPrior.exchangeable(4, 0.7), MaxItems(8), 8)
    answered = [Given(j, int(pool.domain[j]), 1.0, 0.0, True, 1.0) for j in (0, 1, 2)]
    before = resume_given(design, answered)
    recalibrated = replace(pool, a=pool.a * 2.5, b=pool.b + 1.5, pretest=np.ones(pool.size, np.bool_))
    after = resume_given(replace(design, pool=recalibrated), answered)
    np.testing.assert_allclose(after.theta, before.theta)
    assert after.scored == before.scored == (True, True, True)
    assert before.theta[pool.domain[0]] > 0  # the right answers did move the estimate


def test_an_item_that_left_the_pool_still_counts_with_its_frozen_parameters() -> None:
    pool = _pool(np.random.default_rng(6), domains=4)
    design = TestDesign(pool, DomainPrior.exchangeable(4, 0.7), MaxItems(8), 8)
    kept = resume_given(design, [Given(None, 2, 1.2, -0.5, True, 0.0)])
    assert kept.items == (-1,) and kept.scored_by_domain[2] == 1
    assert kept.theta[2] < 0 and bool(kept.available.all())
