"""Elo ratings: practice Elo for learners against items, and classic head-to-head Elo for matches.

**Practice Elo** (learner :math:`\\ell` answers item :math:`i`, score :math:`u \\in \\{0, 1\\}`) works on
the logit scale of the Rasch model:

.. math:: E = \\sigma(\\theta_\\ell - d_i), \\qquad
          \\theta_\\ell \\leftarrow \\theta_\\ell + K(n_\\ell)(u - E), \\qquad
          d_i \\leftarrow d_i - K(n_i)(u - E), \\qquad K(n) = \\frac{\\alpha}{1 + \\beta n}

where :math:`n_\\ell` and :math:`n_i` count the updates each rating has had before this one, so a new
rating moves fast and a well-established one barely moves. The defaults
:math:`\\alpha = 0.75, \\beta = 0.15` are the best pair of a grid search on simulated practice data
(``python -m benchmarks.bench_elo``; docs/benchmarks.md). They behave like the Bayesian posterior
variance :math:`1 / (1/\\sigma_0^2 + n \\bar I)` of a rating with prior variance
:math:`\\sigma_0^2 = 0.75` and :math:`\\bar I = 0.2` nats of information per response
(:math:`K \\approx 5 / n` for large :math:`n`); pairs with the same asymptote, such as (1, 0.2), do
practically as well.

**Match Elo** (players rated on the conventional 400-point scale, ``score_a`` 1 for a win, 0.5 for a
draw, 0 for a loss):

.. math:: E_A = \\frac{1}{1 + 10^{(r_B - r_A)/s}}, \\qquad
          r_A \\leftarrow r_A + k(S_A - E_A), \\qquad r_B \\leftarrow r_B - k(S_A - E_A)

The update is zero-sum: the two ratings' total never changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from adaptest.psychometrics.irt import FloatArray, logistic

#: Tuned defaults of :math:`K(n) = \\alpha / (1 + \\beta n)` for practice Elo.
DEFAULT_ALPHA = 0.75
DEFAULT_BETA = 0.15


def elo_expected(learner: ArrayLike, item: ArrayLike) -> FloatArray:
    """Probability that a learner rated ``learner`` answers an item rated ``item`` correctly.

    .. math:: E = \\sigma(\\theta - d) = 1 / (1 + e^{-(\\theta - d)})
    """
    return logistic(np.asarray(learner, dtype=np.float64) - np.asarray(item, dtype=np.float64))


def k_factor(updates: ArrayLike, alpha: float = DEFAULT_ALPHA, beta: float = DEFAULT_BETA) -> FloatArray:
    """Uncertainty-dependent step size :math:`K(n) = \\alpha / (1 + \\beta n)` after ``n`` updates."""
    _check_schedule(alpha, beta)
    n = np.asarray(updates, dtype=np.float64)
    if np.any(n < 0):
        raise ValueError("the number of updates cannot be negative")
    return alpha / (1.0 + beta * n)


def practice_update(
    learner: float,
    item: float,
    correct: float,
    *,
    learner_updates: int = 0,
    item_updates: int = 0,
    alpha: float = DEFAULT_ALPHA,
    beta: float = DEFAULT_BETA,
) -> tuple[float, float]:
    """New (learner, item) ratings after one response (formulas in the module docstring).

    ``learner_updates`` and ``item_updates`` count the updates each rating has had so far.
    """
    _check_score(correct, allowed=(0.0, 1.0))
    surprise = correct - float(elo_expected(learner, item))
    learner_step = float(k_factor(learner_updates, alpha, beta))
    item_step = float(k_factor(item_updates, alpha, beta))
    return learner + learner_step * surprise, item - item_step * surprise


@dataclass(eq=False)
class EloModel:
    """Practice-Elo state for ``n_learners`` learners and ``n_items`` items, numbered from zero.

    Ratings start at 0 (the average learner meets the average item at even odds) with no updates.
    Feed responses in the order they happened with :meth:`update` or, for a whole stream, :meth:`run`.
    """

    n_learners: int
    n_items: int
    alpha: float = DEFAULT_ALPHA
    beta: float = DEFAULT_BETA
    learner_ratings: FloatArray = field(init=False)
    item_ratings: FloatArray = field(init=False)
    learner_updates: NDArray[np.int64] = field(init=False)
    item_updates: NDArray[np.int64] = field(init=False)

    def __post_init__(self) -> None:
        _check_schedule(self.alpha, self.beta)
        if self.n_learners < 0 or self.n_items < 0:
            raise ValueError("the numbers of learners and items cannot be negative")
        self.learner_ratings = np.zeros(self.n_learners)
        self.item_ratings = np.zeros(self.n_items)
        self.learner_updates = np.zeros(self.n_learners, dtype=np.int64)
        self.item_updates = np.zeros(self.n_items, dtype=np.int64)

    def predict(self, learner: int, item: int) -> float:
        """Current probability that ``learner`` answers ``item`` correctly."""
        return float(elo_expected(self.learner_ratings[learner], self.item_ratings[item]))

    def update(self, learner: int, item: int, correct: float) -> float:
        """Record one response; return the prediction made *before* it (for prequential scoring)."""
        expected = self.predict(learner, item)
        new_learner, new_item = practice_update(
            float(self.learner_ratings[learner]),
            float(self.item_ratings[item]),
            correct,
            learner_updates=int(self.learner_updates[learner]),
            item_updates=int(self.item_updates[item]),
            alpha=self.alpha,
            beta=self.beta,
        )
        self.learner_ratings[learner], self.item_ratings[item] = new_learner, new_item
        self.learner_updates[learner] += 1
        self.item_updates[item] += 1
        return expected

    def run(self, learners: ArrayLike, items: ArrayLike, correct: ArrayLike) -> FloatArray:
        """Process a stream of responses in order; return each response's prediction before its update.

        Equivalent to calling :meth:`update` for each response, in a loop over plain Python floats
        (about a microsecond per response).
        """
        learner_index = np.asarray(learners, dtype=np.int64)
        item_index = np.asarray(items, dtype=np.int64)
        scores = np.asarray(correct, dtype=np.float64)
        self._check_stream(learner_index, item_index, scores)
        predictions = self._run_lists(learner_index.tolist(), item_index.tolist(), scores.tolist())
        return np.asarray(predictions, dtype=np.float64)

    def _run_lists(self, learners: list[int], items: list[int], scores: list[float]) -> list[float]:
        theta, difficulty = self.learner_ratings.tolist(), self.item_ratings.tolist()
        theta_n, difficulty_n = self.learner_updates.tolist(), self.item_updates.tolist()
        alpha, beta, exp = self.alpha, self.beta, math.exp
        predictions = []
        for learner, item, score in zip(learners, items, scores, strict=True):
            gap = theta[learner] - difficulty[item]
            expected = 1.0 / (1.0 + exp(-gap)) if gap >= 0 else exp(gap) / (1.0 + exp(gap))
            predictions.append(expected)
            surprise = score - expected
            theta[learner] += alpha / (1.0 + beta * theta_n[learner]) * surprise
            difficulty[item] -= alpha / (1.0 + beta * difficulty_n[item]) * surprise
            theta_n[learner] += 1
            difficulty_n[item] += 1
        self.learner_ratings[:] = theta
        self.item_ratings[:] = difficulty
        self.learner_updates[:] = theta_n
        self.item_updates[:] = difficulty_n
        return predictions

    def _check_stream(
        self, learners: NDArray[np.int64], items: NDArray[np.int64], scores: FloatArray
    ) -> None:
        if not learners.shape == items.shape == scores.shape or learners.ndim != 1:
            raise ValueError("learners, items and correct must be 1-d arrays of the same length")
        if learners.size and (learners.min() < 0 or learners.max() >= self.n_learners):
            raise ValueError(f"learner indices must lie in [0, {self.n_learners})")
        if items.size and (items.min() < 0 or items.max() >= self.n_items):
            raise ValueError(f"item indices must lie in [0, {self.n_items})")
        if not np.all((scores == 0.0) | (scores == 1.0)):
            raise ValueError("correct must hold only 0 and 1")


def match_expected(r_a: float, r_b: float, scale: float = 400.0) -> float:
    """Expected score of player A against player B: :math:`1 / (1 + 10^{(r_B - r_A)/s})`.

    Computed as :math:`\\sigma((r_A - r_B) \\ln 10 / s)`, which cannot overflow.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    return float(logistic((r_a - r_b) * math.log(10.0) / scale))


def match_update(
    r_a: float, r_b: float, score_a: float, k: float = 32.0, scale: float = 400.0
) -> tuple[float, float]:
    """Both players' new ratings after a game A scored ``score_a`` in (1 win, 0.5 draw, 0 loss).

    Zero-sum: A gains exactly what B loses, :math:`k (S_A - E_A)`.
    """
    _check_score(score_a, allowed=(0.0, 0.5, 1.0))
    if k <= 0:
        raise ValueError("k must be positive")
    change = k * (score_a - match_expected(r_a, r_b, scale))
    return r_a + change, r_b - change


def _check_schedule(alpha: float, beta: float) -> None:
    if not (alpha > 0 and beta >= 0):
        raise ValueError("K(n) = alpha / (1 + beta n) needs alpha > 0 and beta >= 0")


def _check_score(score: float, allowed: tuple[float, ...]) -> None:
    if score not in allowed:
        raise ValueError(f"the score must be one of {', '.join(map(str, allowed))}, not {score!r}")


__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_BETA",
    "EloModel",
    "elo_expected",
    "k_factor",
    "match_expected",
    "match_update",
    "practice_update",
]
