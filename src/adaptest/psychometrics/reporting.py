"""From ability estimates to what a learner reads: scale scores, levels, confidence and percentiles.

The reporting scale is :math:`s = 150 + 50\\theta`, clipped to [0, 300]: 150 is the population mean and
50 points one standard deviation. Levels come from cut scores on θ (default ±0.43, which splits a
standard normal population into thirds). The probability of each level is the posterior mass between
the cuts; a level is *borderline* when its probability is below ``confident`` (default 0.8), i.e. the
evidence does not settle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm

from adaptest.psychometrics.irt import FloatArray

LEVELS = ("beginning", "developing", "accomplished")


@dataclass(frozen=True)
class ReportingScale:
    center: float = 150.0
    slope: float = 50.0
    low: float = 0.0
    high: float = 300.0

    def score(self, theta: ArrayLike) -> FloatArray:
        """:math:`s = \\mathrm{clip}(c + k\\theta, \\mathrm{low}, \\mathrm{high})`."""
        return np.clip(self.center + self.slope * np.asarray(theta, dtype=np.float64), self.low, self.high)


@dataclass(frozen=True)
class LevelCuts:
    cuts: tuple[float, float] = (-0.43, 0.43)
    names: tuple[str, str, str] = LEVELS
    confident: float = 0.8
    tie: float = 0.005
    """Levels this close to the most probable one are a tie, settled towards the middle level: with
    no evidence the prior makes all three almost equally likely, and "developing" is the honest guess."""


@dataclass(frozen=True)
class LevelReport:
    level: str
    probabilities: dict[str, float]
    borderline: bool

    @property
    def confidence(self) -> float:
        return self.probabilities[self.level]


def level_probabilities(below_low: float, below_high: float) -> FloatArray:
    """Level probabilities from the posterior CDF at the two cuts."""
    p = np.array([below_low, below_high - below_low, 1.0 - below_high])
    p = np.clip(p, 0.0, 1.0)
    return np.asarray(p / p.sum(), dtype=np.float64)


def level_report(below_low: float, below_high: float, cuts: LevelCuts = LevelCuts()) -> LevelReport:
    """The most probable level, every level's probability, and whether it is borderline."""
    p = level_probabilities(below_low, below_high)
    tied = np.flatnonzero(p >= p.max() - cuts.tie)
    best = int(tied[np.argmin(np.abs(tied - 1))])
    return LevelReport(
        cuts.names[best], dict(zip(cuts.names, map(float, p), strict=True)), bool(p[best] < cuts.confident)
    )


def true_level(theta: ArrayLike, cuts: LevelCuts = LevelCuts()) -> FloatArray:
    """Index of the level a true ability falls in (0, 1, 2)."""
    return np.searchsorted(np.asarray(cuts.cuts), np.asarray(theta, dtype=np.float64), side="right").astype(
        np.float64
    )


def percentile(theta: ArrayLike, reference: ArrayLike | None = None) -> FloatArray:
    """Percent of a reference population below ``theta``.

    With no reference sample the population is standard normal (:math:`100\\,\\Phi(\\theta)`); with one
    (e.g. earlier takers' estimates) it is the empirical mid-rank percentile.
    """
    theta = np.asarray(theta, dtype=np.float64)
    if reference is None:
        return np.asarray(100.0 * norm.cdf(theta), dtype=np.float64)
    ref = np.sort(np.asarray(reference, dtype=np.float64))
    below = np.searchsorted(ref, theta, side="left")
    at_or_below = np.searchsorted(ref, theta, side="right")
    return np.asarray(100.0 * (below + at_or_below) / (2.0 * len(ref)), dtype=np.float64)


__all__ = [
    "LEVELS",
    "LevelCuts",
    "LevelReport",
    "ReportingScale",
    "level_probabilities",
    "level_report",
    "percentile",
    "true_level",
]
