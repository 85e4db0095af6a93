"""Head-to-head matches: the points one answer earns, and the Elo rating step after a match.

**Points.** A right answer earns ``BASE_POINTS`` plus a speed bonus that falls linearly from
``SPEED_BONUS`` for an instant answer to 0 at the time limit:

.. math:: \\text{points} = 100 + \\operatorname{round}\\left(50 \\cdot \\left(1 - t / T\\right)\\right)

with :math:`t` the seconds taken (clamped to :math:`[0, T]`) and :math:`T` the limit. A wrong, late or
missing answer earns 0. The player with more points wins; equal points are a tie.

**Ratings.** Classical Elo on the 400-point logistic scale. Before the match, player A's expected score
against B is

.. math:: E_A = 1 / \\left(1 + 10^{(R_B - R_A) / 400}\\right)

and after it :math:`R_A \\leftarrow R_A + K(n_A)\\,(S_A - E_A)`, with :math:`S_A` 1 for a win, ½ for a
tie and 0 for a loss, and :math:`n_A` the games A had played on that deck or domain before this one. The
step shrinks as a player plays more:

.. math:: K(n) = 16 + 24 \\cdot 10 / (10 + n)

40 for a first game, 32 after 5, 28 after 10, 22 after 30, tending to 16: a newcomer's rating moves
quickly to where it belongs, a regular's moves steadily. A rating is *provisional* until
``PROVISIONAL_GAMES`` games. Each player's step uses their own :math:`K`, so the two changes need not
cancel.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_POINTS = 100
SPEED_BONUS = 50
K_FLOOR = 16.0
K_SPAN = 24.0
K_HALF_LIFE_GAMES = 10.0
PROVISIONAL_GAMES = 5


def answer_points(*, correct: bool, seconds: float, limit: float) -> int:
    """The points one answer earns (module docstring); 0 unless it is right."""
    if not correct:
        return 0
    taken = min(max(seconds, 0.0), limit)
    return BASE_POINTS + round(SPEED_BONUS * (1.0 - taken / limit))


def expected_score(rating: float, opponent: float) -> float:
    """:math:`E = 1 / (1 + 10^{(R_o - R) / 400})`."""
    return 1.0 / (1.0 + float(10.0 ** ((opponent - rating) / 400.0)))


def k_factor(games: int) -> float:
    """:math:`K(n) = 16 + 24 \\cdot 10 / (10 + n)` for a player with ``games`` earlier games."""
    if games < 0:
        raise ValueError("games cannot be negative")
    return K_FLOOR + K_SPAN * K_HALF_LIFE_GAMES / (K_HALF_LIFE_GAMES + games)


def outcome(points: int, opponent_points: int) -> float:
    """:math:`S`: 1 for more points, ½ for as many, 0 for fewer."""
    if points == opponent_points:
        return 0.5
    return 1.0 if points > opponent_points else 0.0


@dataclass(frozen=True)
class RatingStep:
    before: float
    after: float
    expected: float
    k: float


def rating_step(*, rating: float, games: int, opponent: float, score: float) -> RatingStep:
    """One player's new rating after a match with result ``score`` (1, ½ or 0)."""
    if score not in (0.0, 0.5, 1.0):
        raise ValueError(f"a match's score is 0, 0.5 or 1, not {score!r}")
    expected = expected_score(rating, opponent)
    k = k_factor(games)
    return RatingStep(rating, rating + k * (score - expected), expected, k)


def is_provisional(games: int) -> bool:
    return games < PROVISIONAL_GAMES


__all__ = [
    "BASE_POINTS",
    "PROVISIONAL_GAMES",
    "SPEED_BONUS",
    "RatingStep",
    "answer_points",
    "expected_score",
    "is_provisional",
    "k_factor",
    "outcome",
    "rating_step",
]
