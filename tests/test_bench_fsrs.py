"""The FSRS benchmark's own logic: the SM-2 step as published, a sane ground truth, honest scoring."""

from __future__ import annotations

import math
import random

import pytest
from benchmarks import bench_fsrs as bench
from fsrs import Rating, Scheduler


def test_sm2_intervals_are_1_then_6_then_the_previous_interval_times_the_new_ef_rounded_up() -> None:
    state = bench.SM2_NEW
    intervals = []
    for _ in range(4):
        state = bench.sm2_step(state, 4)  # q = 4 leaves EF at 2.5
        intervals.append(state[1])
    assert intervals == [1, 6, 15, 38]  # 6 × 2.5 = 15, 15 × 2.5 = 37.5 → 38
    assert state[2] == pytest.approx(2.5)


def test_sm2_ef_moves_by_the_published_formula_with_a_floor_of_1_3() -> None:
    assert bench.sm2_step((0, 0, 2.5), 5)[2] == pytest.approx(2.6)
    assert bench.sm2_step((0, 0, 2.5), 3)[2] == pytest.approx(2.36)
    assert bench.sm2_step((0, 0, 1.35), 3)[2] == pytest.approx(1.3)


def test_a_failed_sm2_recall_restarts_at_one_day_and_keeps_the_ef() -> None:
    assert bench.sm2_step((5, 120, 2.1), 1) == (0, 1, 2.1)
    card = bench.sm2_review(bench.Sm2Card(1, 5, 120, 2.1), 1, bench.START)
    assert card.due == bench.START + bench.timedelta(days=1)


def test_sm2_probability_is_90_percent_at_the_interval_and_falls_after_it() -> None:
    assert bench.sm2_probability(10, 10) == pytest.approx(0.9)
    assert bench.sm2_probability(10, 5) > 0.9 > bench.sm2_probability(10, 20)


@pytest.mark.parametrize("forgetting", ["exponential", "hyperbolic"])
def test_ground_truth_recall_falls_with_time_and_memory_grows_after_a_hard_recall(forgetting: str) -> None:
    truth = bench.Truth(forgetting=forgetting)
    recalls = [truth.recall_probability(10.0, t) for t in (0.0, 1.0, 5.0, 30.0, 365.0)]
    assert recalls[0] == 1.0
    assert all(a > b for a, b in zip(recalls, recalls[1:], strict=False))
    after_hard = truth.after_review(10.0, True, 0.6, 1.0)
    after_easy = truth.after_review(10.0, True, 0.95, 1.0)
    assert after_hard > after_easy > 10.0
    assert truth.after_review(10.0, False, 0.6, 1.0) < 10.0
    assert truth.after_review(1.0, False, 0.6, 1.0) == truth.new_stability  # never below a first encounter


def small_population() -> bench.Population:
    return bench.Population(ability=[-0.5, 0.5], difficulty=[-1.0, -0.3, 0.0, 0.4, 1.0])


def test_both_schedulers_are_scored_on_the_same_reviews_of_a_random_log() -> None:
    truth = bench.Truth()
    log = bench.random_schedule_log(random.Random(0), truth, small_population())
    assert len(log) == 10 * bench.RANDOM_REVIEWS
    assert log.when == sorted(log.when)
    scored = bench.score(log, Scheduler())
    assert len(scored.recalled) == 10 * (bench.RANDOM_REVIEWS - 1)  # every review but the first exposures
    assert len(scored.fsrs) == len(scored.sm2_interval) == len(scored.recalled)
    assert all(0.0 < p <= 1.0 for p in scored.fsrs)
    assert all(not math.isnan(p) for p in scored.truth)


def test_the_memo_cache_makes_exactly_the_decisions_review_card_makes() -> None:
    scheduler = Scheduler(enable_fuzzing=False)
    log = bench.fsrs_scheduled_log(random.Random(1), bench.Truth(), small_population(), scheduler)
    review = bench.memo_review(scheduler)
    cached: dict[int, bench.Card] = {}
    direct: dict[int, bench.Card] = {}
    for history, when, rating in zip(log.history, log.when, log.rating, strict=True):
        new = bench.Card(card_id=history, due=when)
        cached[history], _ = review(cached.get(history, new), rating, when)
        direct[history], _ = scheduler.review_card(direct.get(history, new), rating, when)
        assert cached[history] == direct[history]
    assert Rating.Again in log.rating and len(log) > 50
