"""Practice targeting and the Elo step on explicit states."""

from __future__ import annotations

import random

import numpy as np
import pytest

from adaptest.psychometrics.elo import DEFAULT_ALPHA, DEFAULT_BETA, EloModel
from adaptest.psychometrics.practice import (
    Candidate,
    ItemRating,
    LearnerRating,
    expected_success,
    practice_pick,
    practice_step,
)

THE_MODELS_STEPS = {
    "alpha": DEFAULT_ALPHA,
    "beta": DEFAULT_BETA,
    "learner_alpha": DEFAULT_ALPHA,
    "learner_beta": DEFAULT_BETA,
}


def test_a_practice_step_is_exactly_the_elo_models_update_given_the_models_steps() -> None:
    rng = np.random.default_rng(3)
    learners, items = rng.integers(0, 4, 300), rng.integers(0, 7, 300)
    correct = rng.integers(0, 2, 300)
    model = EloModel(4, 7)
    model.item_ratings[:] = rng.normal(size=7)
    learner_states = [LearnerRating() for _ in range(4)]
    item_states = [ItemRating(float(d)) for d in model.item_ratings]
    for learner, item, score in zip(learners.tolist(), items.tolist(), correct.tolist(), strict=True):
        predicted = model.update(learner, item, score)
        step = practice_step(learner_states[learner], item_states[item], bool(score), **THE_MODELS_STEPS)
        assert step.expected == pytest.approx(predicted)
        learner_states[learner], item_states[item] = step.learner, step.item
    assert [s.rating for s in learner_states] == pytest.approx(model.learner_ratings.tolist())
    assert [s.difficulty for s in item_states] == pytest.approx(model.item_ratings.tolist())
    assert [s.discrimination for s in item_states] == pytest.approx(model.item_discriminations.tolist())
    assert [s.evidence for s in learner_states] == pytest.approx(model.learner_evidence.tolist())


def test_practice_moves_a_new_learner_four_times_and_a_new_item_a_sixteenth_as_far_as_the_model() -> None:
    learner, item = LearnerRating(), ItemRating(0.0)
    model = practice_step(learner, item, True, **THE_MODELS_STEPS)
    practice = practice_step(learner, item, True)
    assert practice.learner.rating == pytest.approx(4 * model.learner.rating)
    assert practice.item.difficulty == pytest.approx(model.item.difficulty / 16)
    seasoned_learner = LearnerRating(0.0, evidence=100_000.0)
    seasoned_item = ItemRating(0.0, evidence=100_000.0)
    model = practice_step(seasoned_learner, seasoned_item, False, **THE_MODELS_STEPS)
    practice = practice_step(seasoned_learner, seasoned_item, False)
    assert practice.learner.rating == pytest.approx(model.learner.rating, rel=0.01)  # same long-run step
    assert practice.item.difficulty == pytest.approx(model.item.difficulty, rel=0.01)


def test_it_picks_the_item_nearest_the_target_when_nothing_else_differs() -> None:
    theta = 0.5
    candidates = [Candidate(theta, d) for d in (-2.0, -0.35, 0.5, 2.0)]  # σ(0.85) ≈ 0.70 for d = −0.35
    assert practice_pick(candidates, target=0.7, rng=random.Random(1)) == 1
    assert practice_pick(candidates, target=0.5, rng=random.Random(1)) == 2
    assert expected_success(theta, -0.35) == pytest.approx(0.7, abs=0.001)


def test_among_items_on_target_the_least_practised_skill_comes_first() -> None:
    candidates = [Candidate(0.0, -0.85, skills=("a",)), Candidate(0.0, -0.6, skills=("b",))]
    assert practice_pick(candidates, skill_counts={"a": 3, "b": 1}) == 1
    assert practice_pick(candidates, skill_counts={"a": 0, "b": 1}) == 0
    far = [Candidate(0.0, -0.85, skills=("a",)), Candidate(0.0, 3.0, skills=("b",))]
    assert practice_pick(far, skill_counts={"a": 9, "b": 0}) == 0  # never off target for the spread


def test_an_item_is_not_repeated_until_the_pool_runs_out_but_a_family_always_qualifies() -> None:
    seen = [Candidate(0.0, -0.85, seen=1), Candidate(0.0, 2.0)]
    assert practice_pick(seen) == 1
    family = [Candidate(0.0, -0.85, seen=4, renewable=True), Candidate(0.0, 2.0)]
    assert practice_pick(family) == 0
    ran_out = [Candidate(0.0, -0.85, seen=2), Candidate(0.0, 2.0, seen=1)]
    assert practice_pick(ran_out) == 1  # start over with the least practised
    assert practice_pick([]) is None


def test_a_target_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="target"):
        practice_pick([Candidate(0.0, 0.0)], target=1.0)
