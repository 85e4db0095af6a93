"""Elo ratings: practice Elo for learners against items, and classic head-to-head Elo for matches.

**Practice Elo** (learner :math:`\\ell` answers item :math:`i`, score :math:`u \\in \\{0, 1\\}`) works on
the logit scale of the 2PL model. Each item has a difficulty :math:`d_i` and a discrimination
:math:`a_i` (starting at 1), each learner a rating :math:`\\theta_\\ell` (starting at 0):

.. math:: E = \\sigma\\big(a_i(\\theta_\\ell - d_i)\\big), \\qquad
          \\theta_\\ell \\leftarrow \\theta_\\ell + K(n_\\ell)\\, a_i (u - E), \\qquad
          d_i \\leftarrow d_i - K(n_i)\\, a_i (u - E),

.. math:: a_i \\leftarrow \\operatorname{clip}\\big(a_i + K_a(m_i)(\\theta_\\ell - d_i)(u - E),\\;
          0.2,\\; 4\\big), \\qquad K(n) = \\frac{\\alpha}{1 + \\beta n}, \\qquad
          K_a(m) = \\frac{\\alpha_a}{1 + \\beta_a m}

all evaluated at the ratings before the response. The three steps follow the gradient of the
response's log likelihood :math:`\\log P(u \\mid \\theta_\\ell, a_i, d_i)`; with :math:`a_i = 1` they are
classic Elo on the Rasch scale. :math:`m_i` counts the item's responses so far. :math:`n_\\ell` and
:math:`n_i` count each rating's updates *weighted by the information they carried*: a response adds
:math:`a_i^2 E(1 - E) / \\bar I` with :math:`\\bar I = 0.2` (the information of an average response),
so a rating that has only seen far too easy or far too hard items stays uncertain longer. With the
defaults :math:`\\alpha = 0.75, \\beta = 0.15` this makes :math:`1 / K(n) = 1/0.75 + \\sum a_i^2 E(1-E)`:
the step is the Laplace posterior variance of a rating with prior variance 0.75, and the update is a
one-step Bayesian (Newton) update. Counting every response as 1 instead (``information_weighted=False``)
gives the classic count-based schedule.

Predictions can also account for the ratings' uncertainty (``uncertainty=True``): taking
:math:`s^2 = K(n_\\ell) + K(n_i)` as the variance of :math:`\\theta_\\ell - d_i`, the expected
logistic under a normal rating is approximated by the probit formula

.. math:: E_s = \\sigma\\Big(a_i(\\theta_\\ell - d_i) \\big/ \\sqrt{1 + \\pi a_i^2 s^2 / 8}\\Big),

which pulls a new learner's predictions towards 0.5. The updates always use the plain :math:`E`.

All constants come from grid searches on simulated practice data (tuning seed 1;
``python -m benchmarks.bench_elo``; docs/benchmarks.md): :math:`\\alpha = 0.75, \\beta = 0.15` for the
ratings, :math:`\\alpha_a = 0.05, \\beta_a = 0.005` for the discriminations. The uncertainty-aware
prediction did not lower the log loss there, so it is off by default. ``EloModel.plain`` gives classic
Elo (:math:`a_i = 1`, count-based K).

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

#: Tuned defaults of :math:`K(n) = \\alpha / (1 + \\beta n)` for the learner and item ratings.
DEFAULT_ALPHA = 0.75
DEFAULT_BETA = 0.15
#: Tuned defaults of :math:`K_a(m) = \\alpha_a / (1 + \\beta_a m)` for the item discriminations.
DEFAULT_ALPHA_A = 0.05
DEFAULT_BETA_A = 0.005
#: Discriminations are kept inside this range.
DISCRIMINATION_RANGE = (0.2, 4.0)
#: Information :math:`\\bar I` of an average response: an information-weighted update counts
#: :math:`a^2 E (1 - E) / \\bar I` towards :math:`n`.
REFERENCE_INFORMATION = 0.2

_PROBIT = math.pi / 8.0


def elo_expected(
    learner: ArrayLike, item: ArrayLike, discrimination: ArrayLike = 1.0, variance: ArrayLike = 0.0
) -> FloatArray:
    """Probability that a learner rated ``learner`` answers an item rated ``item`` correctly.

    .. math:: E = \\sigma\\Big(a(\\theta - d) \\big/ \\sqrt{1 + \\pi a^2 s^2 / 8}\\Big)

    Parameters
    ----------
    learner, item
        Ratings :math:`\\theta` and :math:`d` on the logit scale.
    discrimination
        Item discrimination :math:`a` (1 for classic Elo).
    variance
        Variance :math:`s^2` of :math:`\\theta - d`; 0 (the default) gives the plug-in
        :math:`\\sigma(a(\\theta - d))`, a positive value the probit approximation of its expectation
        under a normal rating.
    """
    a = np.asarray(discrimination, dtype=np.float64)
    s2 = np.asarray(variance, dtype=np.float64)
    if np.any(s2 < 0):
        raise ValueError("the variance cannot be negative")
    z = a * (np.asarray(learner, dtype=np.float64) - np.asarray(item, dtype=np.float64))
    return logistic(z / np.sqrt(1.0 + _PROBIT * a * a * s2))


def k_factor(updates: ArrayLike, alpha: float = DEFAULT_ALPHA, beta: float = DEFAULT_BETA) -> FloatArray:
    """Uncertainty-dependent step size :math:`K(n) = \\alpha / (1 + \\beta n)` after ``n`` updates.

    ``n`` need not be a whole number: information-weighted counts are fractional.
    """
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
    learner_updates: float = 0,
    item_updates: float = 0,
    alpha: float = DEFAULT_ALPHA,
    beta: float = DEFAULT_BETA,
    discrimination: float = 1.0,
) -> tuple[float, float]:
    """New (learner, item) ratings after one response.

    .. math:: \\theta \\leftarrow \\theta + K(n_\\ell)\\, a (u - E), \\qquad
              d \\leftarrow d - K(n_i)\\, a (u - E), \\qquad E = \\sigma(a(\\theta - d))

    Parameters
    ----------
    learner, item
        Ratings :math:`\\theta` and :math:`d` before the response.
    correct
        Score :math:`u`, 0 or 1.
    learner_updates, item_updates
        :math:`n_\\ell` and :math:`n_i`: the (possibly information-weighted) number of updates each
        rating has had so far.
    alpha, beta
        The schedule :math:`K(n) = \\alpha / (1 + \\beta n)`.
    discrimination
        The item's discrimination :math:`a`; 1 (the default) is classic Elo.
    """
    _check_score(correct, allowed=(0.0, 1.0))
    _check_discrimination(discrimination)
    surprise = discrimination * (correct - float(elo_expected(learner, item, discrimination)))
    learner_step = float(k_factor(learner_updates, alpha, beta))
    item_step = float(k_factor(item_updates, alpha, beta))
    return learner + learner_step * surprise, item - item_step * surprise


def discrimination_update(
    discrimination: float,
    learner: float,
    item: float,
    correct: float,
    *,
    responses: float = 0,
    alpha: float = DEFAULT_ALPHA_A,
    beta: float = DEFAULT_BETA_A,
) -> float:
    """An item's new discrimination after one response (a stochastic-gradient step).

    .. math:: a \\leftarrow \\operatorname{clip}\\big(a + K_a(m)(\\theta - d)(u - E), 0.2, 4\\big),
              \\qquad K_a(m) = \\frac{\\alpha_a}{1 + \\beta_a m}, \\qquad E = \\sigma(a(\\theta - d))

    Parameters
    ----------
    discrimination
        :math:`a` before the response.
    learner, item
        Ratings :math:`\\theta` and :math:`d` before the response.
    correct
        Score :math:`u`, 0 or 1.
    responses
        :math:`m`: the number of responses the item has had so far.
    alpha, beta
        The schedule :math:`K_a(m)`.
    """
    _check_score(correct, allowed=(0.0, 1.0))
    _check_discrimination(discrimination)
    gap = learner - item
    step = float(k_factor(responses, alpha, beta))
    new = discrimination + step * gap * (correct - float(elo_expected(learner, item, discrimination)))
    low, high = DISCRIMINATION_RANGE
    return min(max(new, low), high)


@dataclass(eq=False)
class EloModel:
    """Practice-Elo state for ``n_learners`` learners and ``n_items`` items, numbered from zero.

    Ratings start at 0 (the average learner meets the average item at even odds), discriminations at
    1, with no updates. Feed responses in the order they happened with :meth:`update` or, for a whole
    stream, :meth:`run`. The formulas are in the module docstring.

    Parameters
    ----------
    n_learners, n_items
        Sizes of the state.
    alpha, beta
        Schedule :math:`K(n) = \\alpha / (1 + \\beta n)` of the learner and item ratings.
    alpha_a, beta_a
        Schedule :math:`K_a(m) = \\alpha_a / (1 + \\beta_a m)` of the item discriminations.
    discrimination
        Learn a discrimination per item (the default); ``False`` keeps every :math:`a_i = 1`.
    information_weighted
        Count each update as :math:`a^2 E(1 - E) / \\bar I` in :math:`n` (the default); ``False``
        counts it as 1.
    uncertainty
        Make :meth:`predict` account for the ratings' uncertainty (off by default).

    Attributes
    ----------
    learner_ratings, item_ratings, item_discriminations
        :math:`\\theta_\\ell`, :math:`d_i` and :math:`a_i`.
    learner_updates, item_updates
        Raw numbers of responses seen (:math:`m_i` for the items).
    learner_evidence, item_evidence
        The counts :math:`n_\\ell, n_i` that enter :math:`K(n)`: equal to the raw counts unless
        ``information_weighted``.
    """

    n_learners: int
    n_items: int
    alpha: float = DEFAULT_ALPHA
    beta: float = DEFAULT_BETA
    alpha_a: float = DEFAULT_ALPHA_A
    beta_a: float = DEFAULT_BETA_A
    discrimination: bool = True
    information_weighted: bool = True
    uncertainty: bool = False
    learner_ratings: FloatArray = field(init=False)
    item_ratings: FloatArray = field(init=False)
    item_discriminations: FloatArray = field(init=False)
    learner_updates: NDArray[np.int64] = field(init=False)
    item_updates: NDArray[np.int64] = field(init=False)
    learner_evidence: FloatArray = field(init=False)
    item_evidence: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        _check_schedule(self.alpha, self.beta)
        _check_schedule(self.alpha_a, self.beta_a)
        if self.n_learners < 0 or self.n_items < 0:
            raise ValueError("the numbers of learners and items cannot be negative")
        self.learner_ratings = np.zeros(self.n_learners)
        self.item_ratings = np.zeros(self.n_items)
        self.item_discriminations = np.ones(self.n_items)
        self.learner_updates = np.zeros(self.n_learners, dtype=np.int64)
        self.item_updates = np.zeros(self.n_items, dtype=np.int64)
        self.learner_evidence = np.zeros(self.n_learners)
        self.item_evidence = np.zeros(self.n_items)

    @classmethod
    def plain(
        cls, n_learners: int, n_items: int, alpha: float = DEFAULT_ALPHA, beta: float = DEFAULT_BETA
    ) -> EloModel:
        """Classic practice Elo: :math:`E = \\sigma(\\theta - d)` and a count-based :math:`K(n)`."""
        return cls(n_learners, n_items, alpha, beta, discrimination=False, information_weighted=False)

    def variance(self, learner: int, item: int) -> float:
        """Variance :math:`s^2 = K(n_\\ell) + K(n_i)` of :math:`\\theta_\\ell - d_i` (see :meth:`predict`)."""
        return float(
            k_factor(self.learner_evidence[learner], self.alpha, self.beta)
            + k_factor(self.item_evidence[item], self.alpha, self.beta)
        )

    def predict(self, learner: int, item: int) -> float:
        """Current probability that ``learner`` answers ``item`` correctly.

        With ``uncertainty`` it is :math:`E_s`, otherwise the plug-in :math:`E` (module docstring).
        """
        variance = self.variance(learner, item) if self.uncertainty else 0.0
        return float(
            elo_expected(
                self.learner_ratings[learner],
                self.item_ratings[item],
                self.item_discriminations[item],
                variance,
            )
        )

    def update(self, learner: int, item: int, correct: float) -> float:
        """Record one response; return the prediction made *before* it (for prequential scoring)."""
        prediction = self.predict(learner, item)
        theta, difficulty = float(self.learner_ratings[learner]), float(self.item_ratings[item])
        a = float(self.item_discriminations[item])
        new_theta, new_difficulty = practice_update(
            theta,
            difficulty,
            correct,
            learner_updates=float(self.learner_evidence[learner]),
            item_updates=float(self.item_evidence[item]),
            alpha=self.alpha,
            beta=self.beta,
            discrimination=a,
        )
        if self.discrimination:
            self.item_discriminations[item] = discrimination_update(
                a,
                theta,
                difficulty,
                correct,
                responses=int(self.item_updates[item]),
                alpha=self.alpha_a,
                beta=self.beta_a,
            )
        weight = 1.0
        if self.information_weighted:
            expected = float(elo_expected(theta, difficulty, a))
            weight = a * a * expected * (1.0 - expected) / REFERENCE_INFORMATION
        self.learner_ratings[learner], self.item_ratings[item] = new_theta, new_difficulty
        self.learner_updates[learner] += 1
        self.item_updates[item] += 1
        self.learner_evidence[learner] += weight
        self.item_evidence[item] += weight
        return prediction

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
        discrimination = self.item_discriminations.tolist()
        theta_m, item_m = self.learner_updates.tolist(), self.item_updates.tolist()
        theta_n, item_n = self.learner_evidence.tolist(), self.item_evidence.tolist()
        alpha, beta, alpha_a, beta_a = self.alpha, self.beta, self.alpha_a, self.beta_a
        learn_a, weighted, uncertain = self.discrimination, self.information_weighted, self.uncertainty
        (low, high), scale, probit = DISCRIMINATION_RANGE, 1.0 / REFERENCE_INFORMATION, _PROBIT
        exp, sqrt = math.exp, math.sqrt
        predictions = []
        for learner, item, score in zip(learners, items, scores, strict=True):
            a = discrimination[item]
            gap = theta[learner] - difficulty[item]
            z = a * gap
            expected = 1.0 / (1.0 + exp(-z)) if z >= 0 else exp(z) / (1.0 + exp(z))
            learner_step = alpha / (1.0 + beta * theta_n[learner])
            item_step = alpha / (1.0 + beta * item_n[item])
            if uncertain:
                zs = z / sqrt(1.0 + probit * a * a * (learner_step + item_step))
                predictions.append(1.0 / (1.0 + exp(-zs)) if zs >= 0 else exp(zs) / (1.0 + exp(zs)))
            else:
                predictions.append(expected)
            surprise = score - expected
            theta[learner] += learner_step * a * surprise
            difficulty[item] -= item_step * a * surprise
            if learn_a:
                new_a = a + alpha_a / (1.0 + beta_a * item_m[item]) * gap * surprise
                discrimination[item] = low if new_a < low else high if new_a > high else new_a
            weight = a * a * expected * (1.0 - expected) * scale if weighted else 1.0
            theta_n[learner] += weight
            item_n[item] += weight
            theta_m[learner] += 1
            item_m[item] += 1
        self.learner_ratings[:] = theta
        self.item_ratings[:] = difficulty
        self.item_discriminations[:] = discrimination
        self.learner_updates[:] = theta_m
        self.item_updates[:] = item_m
        self.learner_evidence[:] = theta_n
        self.item_evidence[:] = item_n
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


def _check_discrimination(discrimination: float) -> None:
    if not discrimination > 0:
        raise ValueError(f"the discrimination must be positive, not {discrimination!r}")


def _check_score(score: float, allowed: tuple[float, ...]) -> None:
    if score not in allowed:
        raise ValueError(f"the score must be one of {', '.join(map(str, allowed))}, not {score!r}")


__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_ALPHA_A",
    "DEFAULT_BETA",
    "DEFAULT_BETA_A",
    "DISCRIMINATION_RANGE",
    "REFERENCE_INFORMATION",
    "EloModel",
    "discrimination_update",
    "elo_expected",
    "k_factor",
    "match_expected",
    "match_update",
    "practice_update",
]
