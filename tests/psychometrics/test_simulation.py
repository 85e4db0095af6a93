"""Simulations are seeded, complete and sane on small runs (the full designs run in benchmarks)."""

from __future__ import annotations

import numpy as np
import pytest

from adaptest.psychometrics.simulation import (
    DESIGNS,
    expected_calibration_error,
    scenario_for,
    simulate,
    with_length,
)

COMMON = {
    "rmse",
    "bias",
    "mean_se",
    "mean_length",
    "reach_se_rate",
    "max_exposure",
    "bank_used",
    "overlap_rate",
    "step_seconds_p50",
}
LEVELS = {
    "domain_level_accuracy",
    "all_domains_right",
    "gross_error_rate",
    "borderline_rate",
    "non_borderline_accuracy",
    "level_confidence_ece",
}


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_every_design_reports_every_metric(name: str) -> None:
    metrics = simulate(name, seed=3, takers=30)
    assert set(metrics) >= COMMON
    if name.startswith("domains"):
        assert set(metrics) >= LEVELS
        assert 0.4 < metrics["domain_level_accuracy"] <= 1.0
    assert 0 < metrics["rmse"] < 1.0 and 0 < metrics["max_exposure"] <= 1.0


def test_the_same_seed_gives_the_same_results() -> None:
    first, second = (
        simulate("uni-500-fixed20", seed=7, takers=40),
        simulate("uni-500-fixed20", seed=7, takers=40),
    )
    timing = {"step_seconds_mean", "step_seconds_p50", "step_seconds_p95"}
    assert {k: v for k, v in first.items() if k not in timing} == {
        k: v for k, v in second.items() if k not in timing
    }
    different = simulate("uni-500-fixed20", seed=8, takers=40)
    assert different["rmse"] != first["rmse"]


def test_se_stopping_reaches_its_target() -> None:
    metrics = simulate("uni-500-se", seed=1, takers=60)
    assert metrics["reach_se_rate"] >= 0.9 and metrics["mean_length"] < 30
    assert (
        simulate("uni-500-fixed20", seed=1, takers=5)["reach_se_rate"] is None
    )  # no SE target: not applicable


def test_a_longer_fixed_test_gives_more_items_and_keeps_every_domain_balanced() -> None:
    scenario = with_length(scenario_for("domains-4x60", np.random.default_rng(0)), 26)
    design = scenario.design
    assert design.length == 26 and design.blueprint is not None
    assert design.blueprint.minimum == (6, 6, 5, 5) and design.blueprint.maximum == (8, 8, 7, 7)
    metrics = simulate("domains-4x60", seed=2, takers=10, length=26)
    assert metrics["mean_length"] == 26


def test_a_new_length_caps_a_design_that_stops_on_precision() -> None:
    metrics = simulate("uni-500-se", seed=1, takers=20, length=8)
    assert metrics["mean_length"] == 8 and metrics["reach_se_rate"] == 0.0
    with pytest.raises(ValueError, match="at least one item"):
        with_length(scenario_for("uni-500-se", np.random.default_rng(0)), 0)


def test_expected_calibration_error() -> None:
    assert expected_calibration_error(np.array([0.9] * 10), np.array([True] * 9 + [False])) == pytest.approx(
        0.0
    )
    assert expected_calibration_error(
        np.array([0.9] * 10), np.array([True] * 5 + [False] * 5)
    ) == pytest.approx(0.4)
