"""What players may read about matches: open challenges, their history, results, leaderboards, ratings.

A player sees a match's questions only by playing them, and the other player's answers only once the
match is finished (``match_result``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from adaptest.psychometrics.matches import is_provisional
from adaptest.web.itembank.models import Bank
from adaptest.web.matches.models import (
    DEFAULT_RATING,
    Match,
    MatchAnswer,
    MatchQuestion,
    MatchRating,
    MatchRun,
    Player,
    RatingChange,
    Scope,
)

LEADERBOARD_SIZE = 10
EMPTY_LEADERBOARD = "No ratings yet — play a challenge match to create ratings"


def match_for(*, user: User, match_id: int, token: str = "") -> Match:
    """A match this user may look at: one they play in, an open listed challenge, or any challenge whose
    link (``token``) they hold. Match.DoesNotExist otherwise (a 404, not a 403)."""
    visible = Q(runs__user=user) | Q(status=Match.Status.OPEN, listed=True, ghost_run__isnull=True)
    if token:
        visible |= Q(token=token)
    return Match.objects.filter(visible, pk=match_id).select_related("bank").distinct().get()


def match_by_token(*, token: str) -> Match:
    return Match.objects.select_related("bank").get(token=token, ghost_run__isnull=True)


def run_for(*, user: User, match: Match) -> MatchRun | None:
    return MatchRun.objects.filter(match=match, user=user).first()


def open_challenges(*, user: User, now: datetime, limit: int = 20) -> QuerySet[Match]:
    """Listed challenges anyone may accept: open, not expired, not the user's own; newest first."""
    return (
        Match.objects.filter(
            status=Match.Status.OPEN, listed=True, ghost_run__isnull=True, expires_at__gt=now
        )
        .exclude(challenger=user)
        .order_by("-created_at", "-pk")[:limit]
    )


def display_names(user_ids: set[int]) -> dict[int, str]:
    """User id → display name (a player without a profile yet is "A player")."""
    names = dict(Player.objects.filter(user_id__in=user_ids).values_list("user_id", "display_name"))
    return {pk: names.get(pk, "A player") for pk in user_ids}


@dataclass(frozen=True)
class HistoryEntry:
    match: Match
    mine: MatchRun
    opponent_name: str
    opponent_score: int | None  # None until the match is finished
    outcome: str  # "won", "lost", "tied", or the match's state


def match_history(*, user: User, limit: int = 50) -> list[HistoryEntry]:
    """The user's matches, newest first, with the result once finished."""
    runs = list(
        MatchRun.objects.filter(user=user)
        .select_related("match", "match__ghost_run")
        .order_by("-match__created_at")[:limit]
    )
    others = {
        (r.match_id): r
        for r in MatchRun.objects.filter(match_id__in=[r.match_id for r in runs]).exclude(user=user)
    }
    ghosts = {r.match_id: r.match.ghost_run for r in runs if r.match.ghost_run is not None}
    names = display_names({o.user_id for o in others.values()} | {g.user_id for g in ghosts.values()})
    entries = []
    for run in runs:
        other = ghosts.get(run.match_id) or others.get(run.match_id)
        finished = run.match.status == Match.Status.FINISHED
        score = other.score if (other is not None and finished) else None
        entries.append(
            HistoryEntry(
                run.match, run, names.get(other.user_id, "") if other else "", score, _outcome(run, score)
            )
        )
    return entries


def _outcome(run: MatchRun, opponent_score: int | None) -> str:
    if run.match.status == Match.Status.EXPIRED:
        return "expired"
    if opponent_score is None:
        return "waiting" if run.match.status == Match.Status.OPEN else "in play"
    if run.score == opponent_score:
        return "tied"
    return "won" if run.score > opponent_score else "lost"


@dataclass(frozen=True)
class PlayerAnswer:
    choice: str | None  # the option's text; None when not answered
    correct: bool
    late: bool
    seconds: float | None
    points: int


@dataclass(frozen=True)
class ResultRow:
    position: int
    prompt: str
    correct_answer: str
    explanation: str
    mine: PlayerAnswer
    theirs: PlayerAnswer


@dataclass(frozen=True)
class MatchResult:
    match: Match
    mine: MatchRun
    theirs: MatchRun
    my_name: str
    their_name: str
    outcome: str
    rows: list[ResultRow]
    rating_change: float | None  # my rating's change (None if this match changed none of mine)


def match_result(*, user: User, match: Match) -> MatchResult | None:
    """Both players' answers side by side with the explanations; None until the match is finished."""
    if match.status != Match.Status.FINISHED:
        return None
    mine = MatchRun.objects.filter(match=match, user=user).first()
    if mine is None:
        return None
    theirs = match.ghost_run or MatchRun.objects.exclude(user=user).get(match=match)
    answers = {(a.run_id, a.position): a for a in MatchAnswer.objects.filter(run__in=[mine.pk, theirs.pk])}
    rows = []
    for question in match.questions.order_by("position"):
        rows.append(
            ResultRow(
                question.position,
                question.prompt,
                question.options[question.answer_index],
                question.explanation,
                _player_answer(answers.get((mine.pk, question.position)), question.options),
                _player_answer(answers.get((theirs.pk, question.position)), question.options),
            )
        )
    names = display_names({mine.user_id, theirs.user_id})
    change = None
    if mine.rating_before is not None and mine.rating_after is not None:
        change = mine.rating_after - mine.rating_before
    return MatchResult(
        match,
        mine,
        theirs,
        names[mine.user_id],
        names[theirs.user_id],
        _outcome(mine, theirs.score),
        rows,
        change,
    )


def _player_answer(answer: MatchAnswer | None, options: list[str]) -> PlayerAnswer:
    if answer is None or answer.answered_at is None:
        return PlayerAnswer(None, False, answer is not None, None, 0)
    choice = options[answer.choice] if answer.choice is not None else None
    return PlayerAnswer(choice, answer.correct, answer.late, answer.seconds_taken, answer.points)


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    display_name: str
    rating: int
    games: int
    provisional: bool
    is_me: bool


@dataclass(frozen=True)
class Leaderboard:
    bank: Bank
    scope: str
    key: str
    title: str
    top: list[LeaderboardRow]
    me: LeaderboardRow | None  # the user's own row when they are outside the top 10

    @property
    def empty(self) -> bool:
        return not self.top


def leaderboard(*, user: User, bank: Bank, scope: str, key: str, title: str) -> Leaderboard:
    """The top ``LEADERBOARD_SIZE`` rated players of a deck or domain (those who opted out left out),
    and the user's own rank when they are further down."""
    rated = MatchRating.objects.filter(bank=bank, scope=scope, scope_key=key, games__gt=0).exclude(
        user__player__on_leaderboards=False
    )
    ordered = rated.order_by("-rating", "-games", "updated_at", "pk").select_related("user__player")
    top = [_row(i, r, user) for i, r in enumerate(ordered[:LEADERBOARD_SIZE], start=1)]
    me = None
    if not any(row.is_me for row in top):
        mine = rated.filter(user=user).select_related("user__player").first()
        if mine is not None:
            ahead = rated.filter(Q(rating__gt=mine.rating)).count()
            me = _row(ahead + 1, mine, user)
    return Leaderboard(bank, scope, key, title, top, me)


def _row(rank: int, rating: MatchRating, user: User) -> LeaderboardRow:
    player = getattr(rating.user, "player", None)
    name = player.display_name if player is not None else "A player"
    return LeaderboardRow(
        rank,
        name,
        round(rating.rating),
        rating.games,
        is_provisional(rating.games),
        rating.user_id == user.pk,
    )


@dataclass(frozen=True)
class RatingHistory:
    scope: str
    key: str
    title: str
    rating: MatchRating
    points: list[tuple[datetime, float]]

    @property
    def provisional(self) -> bool:
        return is_provisional(self.rating.games)


def rating_histories(*, user: User) -> list[RatingHistory]:
    """The user's ratings, each with its history (one point per rated match), most recent first."""
    ratings = list(MatchRating.objects.filter(user=user, games__gt=0).order_by("-updated_at"))
    changes: dict[int, list[tuple[datetime, float]]] = {r.pk: [] for r in ratings}
    for change in RatingChange.objects.filter(rating__in=ratings).order_by("at", "pk"):
        changes[change.rating_id].append((change.at, change.after))
    titles = dict(
        Match.objects.filter(
            bank__in={r.bank_id for r in ratings}, scope_key__in={r.scope_key for r in ratings}
        ).values_list("scope_key", "scope_title")
    )
    return [
        RatingHistory(r.scope, r.scope_key, titles.get(r.scope_key, r.scope_key), r, changes[r.pk])
        for r in ratings
    ]


__all__ = [
    "EMPTY_LEADERBOARD",
    "LEADERBOARD_SIZE",
    "HistoryEntry",
    "Leaderboard",
    "LeaderboardRow",
    "MatchResult",
    "PlayerAnswer",
    "RatingHistory",
    "ResultRow",
    "Scope",
    "display_names",
    "leaderboard",
    "match_by_token",
    "match_for",
    "match_history",
    "match_result",
    "open_challenges",
    "rating_histories",
    "run_for",
]


# --- what the match pages show ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchSubject:
    """A deck or a domain a match can be on, as the pages offer it."""

    scope: str
    key: str
    title: str


def match_subjects() -> list[MatchSubject]:
    """Every whole shipped deck, then every domain, of every bank: what a challenge or a leaderboard can
    be about."""
    decks, domains = [], []
    for bank in Bank.objects.order_by("bank_id"):
        for deck in bank.decks:
            decks.append(MatchSubject(Scope.DECK, f"{bank.bank_id}:{deck['id']}", deck["title"]))
        for domain, title in bank.domain_titles().items():
            domains.append(MatchSubject(Scope.DOMAIN, f"{bank.bank_id}:{domain}", title))
    return decks + domains


@dataclass(frozen=True)
class ChartPoint:
    game: int  # the rating after this many rated matches (0: where every player starts)
    at: datetime | None
    rating: float
    percent: float  # position along the chart's track, 0-100


@dataclass(frozen=True)
class RatingChart:
    low: int
    high: int
    points: list[ChartPoint]

    @property
    def middle(self) -> int:
        return (self.low + self.high) // 2


CHART_POINTS = 12
"""At most this many of a rating's latest points are drawn."""


def rating_chart(*, history: RatingHistory) -> RatingChart:
    """A rating's latest points, from where it started while there are few, on a track from a round
    hundred below them to one above, never narrower than 1400-1600 so that a first game's step of 20
    looks like the small step it is."""
    first = max(0, len(history.points) - CHART_POINTS)
    shown: list[tuple[int, datetime | None, float]] = [
        (game, at, rating) for game, (at, rating) in enumerate(history.points[first:], start=first + 1)
    ]
    if first == 0:
        shown.insert(0, (0, None, DEFAULT_RATING))
    ratings = [rating for _, _, rating in shown]
    low = min(1400, 100 * math.floor((min(ratings) - 50) / 100))
    high = max(1600, 100 * math.ceil((max(ratings) + 50) / 100))
    points = [
        ChartPoint(game, at, rating, round(100 * (rating - low) / (high - low), 1))
        for game, at, rating in shown
    ]
    return RatingChart(low, high, points)


def answer_shown(*, user: User, match: Match, position: int) -> MatchAnswer | None:
    """The user's answer row for a question shown to them: when it was shown (its clock) and, once
    given, the answer."""
    return MatchAnswer.objects.filter(run__match=match, run__user=user, position=position).first()


def question_seen(*, user: User, question_id: int) -> MatchQuestion | None:
    """A match question this user has been shown (its figure may be sent to them), or None."""
    shown = MatchAnswer.objects.filter(
        run__user=user, run__match=OuterRef("match"), position=OuterRef("position")
    )
    return MatchQuestion.objects.filter(Exists(shown), pk=question_id).select_related("item_version").first()


def question_figures(*, match: Match) -> dict[int, MatchQuestion]:
    """Position → question, for the match's questions that come with a figure (items only)."""
    questions = match.questions.filter(item_version__isnull=False).select_related("item_version")
    return {q.position: q for q in questions if q.item_version is not None and q.item_version.figure_svg}
