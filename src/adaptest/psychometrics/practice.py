"""Practice: one Elo step per answer, and the choice of the next practice item at a target success rate.

**Update.** A practice answer moves the learner's rating :math:`\\theta` (one per domain), the item's
difficulty :math:`d` and discrimination :math:`a` as :class:`~adaptest.psychometrics.elo.EloModel` does
(its docstring has the formulas): the information-weighted schedule :math:`K(n) = \\alpha / (1 + \\beta n)`
with :math:`n` growing by :math:`a^2 E (1 - E) / \\bar I` per answer. :func:`practice_step` is that step
on explicit, immutable states, for callers that keep the ratings in a database rather than in arrays.

The steps differ from the model's where they start, not where they end: both tend to the model's
:math:`K(n) \\to 5 / n` (``LONG_RUN_STEP``), but the learner's starts four times larger
(``LEARNER_ALPHA``) and the item's sixteen times smaller (``ITEM_ALPHA``). The model's constants minimise
prediction error over a stream of answers; practice must also *target* from the first answer. Every new
learner starts from the same rating, so with the model's steps the weak get questions too hard for them,
and the strong too easy, for their first 10-20 answers: on the shipped pool the bottom and top thirds of
abilities succeed 0.64 and 0.77 of the time. A larger early learner step finds the learner's level
sooner (and follows a learner who improves). A practice item is mostly answered by learners whose
ratings are still moving, so it learns slowly from its first answers; otherwise their early misses
drag the items at the ends of the scale further out and stretch the scale. benchmarks/bench_practice.py
chooses the two starts on tuning seeds (docs/benchmarks.md has the grid).

**Targeting.** Each candidate item gets the learner's predicted chance of success
:math:`p = \\sigma(a(\\theta - d))` (plug-in, the Elo model's default prediction). :func:`practice_pick`

1. keeps the candidates this learner has not had yet — a generator family always qualifies, as each draw
   is a new variant; when none is left the pool has run out, and it starts over with the least-practised;
2. among those, takes the ones *on target*, :math:`|p - p^*| \\le w` (:math:`p^*` the target, 0.7 by
   default, :math:`w` = ``TARGET_BAND``), and picks the one whose chosen skill has been practised least,
   then the one practised least itself, then the one closest to the target, then at random;
3. when none is on target (a pool without items hard or easy enough), picks the one closest to the
   target.

The skill spread therefore never costs more than :math:`w` of targeting. docs/practice.md reports the
success rates this gives through the real services.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adaptest.psychometrics.elo import (
    DEFAULT_ALPHA,
    DEFAULT_ALPHA_A,
    DEFAULT_BETA,
    DEFAULT_BETA_A,
    REFERENCE_INFORMATION,
    discrimination_update,
    k_factor,
)

DEFAULT_TARGET = 0.7
"""The predicted chance of success practice aims at."""

TARGET_BAND = 0.1
"""How far from the target a prediction may lie and still count as on target (:math:`w`)."""

LONG_RUN_STEP = DEFAULT_ALPHA / DEFAULT_BETA
"""Both practice steps end like the Elo model's: :math:`K(n) \\to` ``LONG_RUN_STEP`` :math:`/ n`."""

LEARNER_ALPHA = 4 * DEFAULT_ALPHA
LEARNER_BETA = LEARNER_ALPHA / LONG_RUN_STEP
"""The learner's step :math:`K_\\ell(n) = \\alpha / (1 + \\beta n)` in practice (module docstring)."""

ITEM_ALPHA = DEFAULT_ALPHA / 16
ITEM_BETA = ITEM_ALPHA / LONG_RUN_STEP
"""The item's step in practice (module docstring)."""


@dataclass(frozen=True)
class LearnerRating:
    """A learner's practice rating :math:`\\theta` in one domain.

    ``evidence`` is the information-weighted count :math:`n_\\ell` that sets the step :math:`K(n_\\ell)`;
    ``updates`` the raw number of answers.
    """

    rating: float = 0.0
    evidence: float = 0.0
    updates: int = 0


@dataclass(frozen=True)
class ItemRating:
    """An item's practice difficulty :math:`d`, discrimination :math:`a`, evidence :math:`n_i` and answers
    :math:`m_i`."""

    difficulty: float
    discrimination: float = 1.0
    evidence: float = 0.0
    updates: int = 0


@dataclass(frozen=True)
class Step:
    """One answer's effect: the ratings after it and the prediction :math:`E` made before it."""

    learner: LearnerRating
    item: ItemRating
    expected: float


def expected_success(learner: float, difficulty: float, discrimination: float = 1.0) -> float:
    """:math:`E = \\sigma(a(\\theta - d))`, the plug-in chance of a correct answer."""
    z = discrimination * (learner - difficulty)
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def practice_step(
    learner: LearnerRating,
    item: ItemRating,
    correct: bool,
    *,
    alpha: float = ITEM_ALPHA,
    beta: float = ITEM_BETA,
    alpha_a: float = DEFAULT_ALPHA_A,
    beta_a: float = DEFAULT_BETA_A,
    learner_alpha: float = LEARNER_ALPHA,
    learner_beta: float = LEARNER_BETA,
) -> Step:
    """The learner's and the item's ratings after one answer (1 if ``correct``, else 0).

    The step of :meth:`EloModel.update <adaptest.psychometrics.elo.EloModel.update>` (discrimination
    learnt, information-weighted counts) with the learner's schedule :math:`K_\\ell` from
    ``learner_alpha``, ``learner_beta`` and the item's :math:`K_i` from ``alpha``, ``beta`` (by default the
    practice steps of the module docstring; given the model's constants it is exactly the model's update):

    .. math:: \\theta \\leftarrow \\theta + K_\\ell(n_\\ell) a (u - E), \\quad
              d \\leftarrow d - K_i(n_i) a (u - E), \\quad
              n \\leftarrow n + a^2 E (1 - E) / \\bar I

    and :math:`a` moved by :func:`~adaptest.psychometrics.elo.discrimination_update`, all evaluated at
    the ratings before the answer.
    """
    score = 1.0 if correct else 0.0
    a = item.discrimination
    expected = expected_success(learner.rating, item.difficulty, a)
    surprise = a * (score - expected)
    new_theta = learner.rating + float(k_factor(learner.evidence, learner_alpha, learner_beta)) * surprise
    new_difficulty = item.difficulty - float(k_factor(item.evidence, alpha, beta)) * surprise
    new_a = discrimination_update(
        a, learner.rating, item.difficulty, score, responses=item.updates, alpha=alpha_a, beta=beta_a
    )
    weight = a * a * expected * (1.0 - expected) / REFERENCE_INFORMATION
    return Step(
        LearnerRating(new_theta, learner.evidence + weight, learner.updates + 1),
        ItemRating(new_difficulty, new_a, item.evidence + weight, item.updates + 1),
        expected,
    )


@dataclass(frozen=True)
class Candidate:
    """An item practice could give next.

    Parameters
    ----------
    learner
        The learner's rating :math:`\\theta` in the item's domain.
    difficulty, discrimination
        The item's :math:`d` and :math:`a`.
    skills
        The item's skills among those being practised.
    seen
        How many times this learner has practised the item (a family: variants of it).
    renewable
        A generator family: every draw is a new variant, so having seen it does not use it up.
    """

    learner: float
    difficulty: float
    discrimination: float = 1.0
    skills: tuple[str, ...] = ()
    seen: int = 0
    renewable: bool = False

    @property
    def predicted(self) -> float:
        return expected_success(self.learner, self.difficulty, self.discrimination)


def practice_pick(
    candidates: Sequence[Candidate],
    *,
    skill_counts: Mapping[str, int] | None = None,
    target: float = DEFAULT_TARGET,
    band: float = TARGET_BAND,
    rng: random.Random | None = None,
) -> int | None:
    """The index of the candidate to give next (None when there is none); the rule is in the module
    docstring.

    ``skill_counts`` says how many items of each chosen skill the learner has practised (missing: 0).
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"the target must lie strictly between 0 and 1, not {target!r}")
    if band < 0:
        raise ValueError("the band cannot be negative")
    if not candidates:
        return None
    counts = skill_counts or {}
    draw = (rng or random.Random()).random
    available = [i for i, c in enumerate(candidates) if c.seen == 0 or c.renewable]
    if not available:  # the pool ran out: start over with the least-practised items
        fewest = min(c.seen for c in candidates)
        available = [i for i, c in enumerate(candidates) if c.seen == fewest]
    gaps = {i: abs(candidates[i].predicted - target) for i in available}

    def load(i: int) -> int:
        return min((counts.get(skill, 0) for skill in candidates[i].skills), default=0)

    on_target = [i for i in available if gaps[i] <= band + 1e-12]
    if not on_target:
        return min(available, key=lambda i: (round(gaps[i], 9), load(i), candidates[i].seen, draw()))
    return min(on_target, key=lambda i: (load(i), candidates[i].seen, round(gaps[i], 9), draw()))


__all__ = [
    "DEFAULT_TARGET",
    "ITEM_ALPHA",
    "ITEM_BETA",
    "LEARNER_ALPHA",
    "LEARNER_BETA",
    "LONG_RUN_STEP",
    "TARGET_BAND",
    "Candidate",
    "ItemRating",
    "LearnerRating",
    "Step",
    "expected_success",
    "practice_pick",
    "practice_step",
]
