"""Simulations are seeded, complete and sane on small runs (the full designs run in benchmarks)."""

from __future__ import annotations

import pytest

from adaptest.psychometrics.simulation import DESIGNS, expected_calibration_error, simulate

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


def test_expected_calibration_error() -> None:
    import numpy as np

    assert expected_calibration_error(np.array([0.9] * 10), np.array([True] * 9 + [False])) == pytest.approx(
        0.0
    )
    assert expected_calibration_error(
        np.array([0.9] * 10), np.array([True] * 5 + [False] * 5)
    ) == pytest.approx(0.4)
