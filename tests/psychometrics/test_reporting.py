"""Scale scores, levels with honest confidence, and percentiles."""

from __future__ import annotations

import numpy as np
import pytest

from adaptest.psychometrics.reporting import LevelCuts, ReportingScale, level_report, percentile, true_level


def test_the_reporting_scale_is_linear_and_clipped() -> None:
    scale = ReportingScale()
    assert scale.score([0.0, 1.0, -1.0, 9.0, -9.0]).tolist() == [150.0, 200.0, 100.0, 300.0, 0.0]


def test_the_most_probable_level_is_reported_and_flagged_when_unsettled() -> None:
    clear = level_report(0.02, 0.10)
    assert clear.level == "accomplished" and clear.confidence == pytest.approx(0.90) and not clear.borderline
    unsettled = level_report(0.35, 0.65)
    assert unsettled.level in {"beginning", "accomplished"} and unsettled.borderline
    assert sum(unsettled.probabilities.values()) == pytest.approx(1.0)


def test_with_no_evidence_the_near_tie_resolves_to_the_middle_level() -> None:
    from scipy.stats import norm

    cuts = LevelCuts()
    at_the_prior = level_report(float(norm.cdf(cuts.cuts[0])), float(norm.cdf(cuts.cuts[1])))
    assert at_the_prior.level == "developing" and at_the_prior.borderline
    assert level_report(0.34, 0.66).level == "beginning"  # a real, if small, lead is kept


def test_true_levels_follow_the_cuts() -> None:
    assert true_level([-1.0, -0.43, 0.0, 0.43, 2.0]).tolist() == [0, 1, 1, 2, 2]
    assert true_level([0.2], LevelCuts(cuts=(0.0, 1.0))).tolist() == [1]


def test_percentiles_against_the_normal_and_against_earlier_takers() -> None:
    assert percentile(0.0) == pytest.approx(50.0)
    assert percentile(1.0) == pytest.approx(84.13, abs=0.01)
    earlier = np.arange(100, dtype=float)
    assert percentile(49.5, earlier) == pytest.approx(50.0)
    assert percentile(-5.0, earlier) == 0.0 and percentile(500.0, earlier) == 100.0
