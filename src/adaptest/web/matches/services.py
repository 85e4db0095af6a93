"""Matches: challenge, accept, play against the clock, finish once, rate.

The rules (docs/matches.md has them for players):

- A match has ``QUESTIONS`` questions from one shipped deck (its cards, asked as multiple choice: which
  definition fits the term) or one domain (its practice single-choice items and its decks' cards). They
  are drawn and frozen when the challenge is made, options in one order for both players.
- Each question must be answered within ``SECONDS_PER_QUESTION`` of being shown (server time); a later
  answer is stored and counts as wrong. A whole run may last no longer than its questions' time limits
  together: then every question not answered counts as wrong and the run is over (a player who stops
  answering loses those questions, and the match goes on without them).
- A challenge nobody accepted expires ``EXPIRY`` after it was made, and changes no rating. A player who
  accepted must play before then; if they have not started by then, their run is over with no answer.
- The match finishes once both runs are over: exactly once, under a lock on the match, with one rating
  update (``psychometrics.matches``: more points wins, equal points tie).
- Alone, a learner can play at once against the recorded run of a recent player of similar rating on the
  same deck or domain: the same questions, never seen by them before; only their own rating changes.
- Nobody plays both sides, a finished run cannot be played again, and making, accepting or starting
  matches is throttled (``ADAPTEST_MATCH_THROTTLE``).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from adaptest.bank import grade
from adaptest.bank.kinds.choice import SingleChoiceItem
from adaptest.psychometrics.matches import answer_points, outcome, rating_step
from adaptest.web.core.throttling import describe_wait, rate_limit_wait
from adaptest.web.flashcards.selectors import DeckNotFound, DeckView, deck_get
from adaptest.web.flashcards.services import card_identify
from adaptest.web.itembank.models import Bank, ItemVersion, Use
from adaptest.web.matches.models import (
    Match,
    MatchAnswer,
    MatchQuestion,
    MatchRating,
    MatchRun,
    Player,
    RatingChange,
    Scope,
)

QUESTIONS = 7
SECONDS_PER_QUESTION = 20
EXPIRY = timedelta(days=7)
GHOST_WINDOW = timedelta(days=90)
OPTIONS = 4

RNG = random.SystemRandom()


class MatchError(Exception):
    """A refusal, worded for the player."""


class MatchThrottled(MatchError):
    def __init__(self, wait: float) -> None:
        super().__init__(f"You have started many matches this hour. Try again in {describe_wait(wait)}.")
        self.wait = wait


# --- players ----------------------------------------------------------------------------------------------


def player_get(*, user: User) -> Player:
    """The user's player profile, created with a neutral display name the first time."""
    found = Player.objects.filter(user=user).first()
    if found is not None:
        return found
    for _ in range(20):
        name = f"Player {RNG.randrange(1000, 100000)}"
        try:
            with transaction.atomic():
                return Player.objects.create(user=user, display_name=name)
        except IntegrityError:  # the name is taken, or a concurrent request created the profile
            found = Player.objects.filter(user=user).first()
            if found is not None:
                return found
    raise MatchError("Could not choose a display name; please try again.")


def player_update(*, user: User, display_name: str, on_leaderboards: bool) -> Player:
    """Change the display name (2-40 characters, not taken, not the username) and the leaderboard
    choice."""
    name = " ".join(display_name.split())
    if not 2 <= len(name) <= 40:
        raise MatchError("A display name has 2 to 40 characters.")
    if name.casefold() in {user.username.casefold(), user.email.casefold()}:
        raise MatchError("Choose a display name other than your username or e-mail address.")
    player = player_get(user=user)
    if Player.objects.filter(display_name__iexact=name).exclude(pk=player.pk).exists():
        raise MatchError("Another player has that display name.")
    player.display_name, player.on_leaderboards = name, on_leaderboards
    try:
        player.save(update_fields=["display_name", "on_leaderboards"])
    except IntegrityError:
        raise MatchError("Another player has that display name.") from None
    return player


# --- making a match ---------------------------------------------------------------------------------------


def _throttle(user: User) -> None:
    wait = rate_limit_wait(scope="matches", ident=f"user-{user.pk}", rate=settings.ADAPTEST_MATCH_THROTTLE)
    if wait is not None:
        raise MatchThrottled(wait)


@dataclass(frozen=True)
class Subject:
    """What a match is on, resolved: a shipped deck or a domain of a bank."""

    bank: Bank
    scope: str
    key: str
    title: str


def subject_get(*, user: User, scope: str, key: str) -> Subject:
    """The deck (key ``<bank>:<deck>``) or domain (key ``<bank>:<domain>``) a match is on."""
    if scope == Scope.DECK:
        try:
            deck = deck_get(user=user, key=key)
        except DeckNotFound:
            raise MatchError("There is no such deck.") from None
        if deck.bank is None or deck.skill is not None:
            raise MatchError("Matches are played on a whole shipped deck.")
        return Subject(deck.bank, Scope.DECK, deck.key, deck.title)
    if scope == Scope.DOMAIN:
        bank_id, _, domain = key.partition(":")
        bank = Bank.objects.filter(bank_id=bank_id).first()
        titles = bank.domain_titles() if bank is not None else {}
        if bank is None or domain not in titles:
            raise MatchError("There is no such domain.")
        return Subject(bank, Scope.DOMAIN, f"{bank.bank_id}:{domain}", titles[domain])
    raise MatchError("A match is on a deck or a domain.")


def _card_questions(deck: DeckView, rng: random.Random) -> list[MatchQuestion]:
    if len(deck.cards) < 2:
        return []
    rows = card_identify(deck=deck)
    backs = {card.key: card.back for card in deck.cards}
    questions = []
    for card in deck.cards:
        others = [key for key in backs if key != card.key and backs[key] != card.back]
        options = [card.key, *rng.sample(others, min(OPTIONS - 1, len(others)))]
        rng.shuffle(options)
        questions.append(
            MatchQuestion(
                card=rows[card.key],
                prompt=f"Which definition fits **{card.front}**?",
                options=[backs[key] for key in options],
                answer_index=options.index(card.key),
                explanation=f"**{card.front}**: {card.back}",
            )
        )
    return questions


def _item_questions(bank: Bank, domain: str, rng: random.Random) -> list[MatchQuestion]:
    versions = ItemVersion.objects.filter(
        item__bank=bank,
        item__is_active=True,
        item__current_version=F("pk"),
        use=Use.PRACTICE,  # never a secure item
        kind="single_choice",
        domain=domain,
    )
    questions = []
    for version in versions:
        item = version.parsed
        assert isinstance(item, SingleChoiceItem)
        options = list(item.options)
        if item.shuffle:
            rng.shuffle(options)
        questions.append(
            MatchQuestion(
                item_version=version,
                prompt=item.stem,
                options=[option.text for option in options],
                option_ids=[option.id for option in options],
                answer_index=next(i for i, option in enumerate(options) if option.correct),
                explanation=item.explanation,
            )
        )
    return questions


def _draw_questions(subject: Subject, user: User, rng: random.Random) -> list[MatchQuestion]:
    if subject.scope == Scope.DECK:
        pool = _card_questions(deck_get(user=user, key=subject.key), rng)
    else:
        domain = subject.key.partition(":")[2]
        pool = _item_questions(subject.bank, domain, rng)
        for deck in subject.bank.decks:
            if deck["domain"] == domain:
                pool += _card_questions(deck_get(user=user, key=f"{subject.bank.bank_id}:{deck['id']}"), rng)
    if len(pool) < QUESTIONS:
        raise MatchError(f"{subject.title} has too few questions for a match ({len(pool)} of {QUESTIONS}).")
    return rng.sample(pool, QUESTIONS)


def _match_create(subject: Subject, user: User, now: datetime, **fields: Any) -> Match:
    """A new match on ``subject`` with ``user`` entered as the challenger (their run made too)."""
    match = Match.objects.create(
        bank=subject.bank,
        scope=subject.scope,
        scope_key=subject.key,
        scope_title=subject.title,
        challenger=user,
        token=secrets.token_urlsafe(16),
        created_at=now,
        expires_at=now + EXPIRY,
        **fields,
    )
    MatchRun.objects.create(match=match, user=user, role=MatchRun.Role.CHALLENGER)
    return match


def match_challenge(
    *, user: User, scope: str, key: str, listed: bool, now: datetime, rng: random.Random | None = None
) -> Match:
    """Make a challenge on a deck or a domain and enter it as the challenger (who plays now). ``listed``
    puts it on the open-challenges list; either way anyone with its link may accept it."""
    subject = subject_get(user=user, scope=scope, key=key)
    _throttle(user)
    questions = _draw_questions(subject, user, rng or random.Random(RNG.random()))
    player_get(user=user)
    with transaction.atomic():
        match = _match_create(subject, user, now, listed=listed, seconds_per_question=SECONDS_PER_QUESTION)
        for position, question in enumerate(questions, start=1):
            question.match, question.position = match, position
        MatchQuestion.objects.bulk_create(questions)
    return match


def match_accept(*, user: User, match: Match, now: datetime) -> MatchRun:
    """Take the open seat of a challenge. Of two players accepting at once exactly one gets it: the seat
    is claimed by one conditional UPDATE."""
    match_settle(match=match, now=now)
    if match.challenger_id == user.pk:
        raise MatchError("You cannot accept your own challenge.")
    if match.is_ghost:
        raise MatchError("This is a game against a recorded run; it has no seat to take.")
    if match.opponent_id == user.pk:
        return MatchRun.objects.get(match=match, user=user)
    if match.status == Match.Status.EXPIRED:
        raise MatchError("This challenge expired before anyone accepted it.")
    _throttle(user)
    with transaction.atomic():
        claimed = Match.objects.filter(
            pk=match.pk, status=Match.Status.OPEN, opponent__isnull=True, expires_at__gt=now
        ).update(opponent=user, status=Match.Status.ACCEPTED)
        if not claimed:
            raise MatchError("Someone else accepted this challenge first.")
        run = MatchRun.objects.create(match=match, user=user, role=MatchRun.Role.OPPONENT)
    player_get(user=user)
    match.refresh_from_db()
    return run


def match_ghost(*, user: User, scope: str, key: str, now: datetime) -> Match:
    """Play at once against the recorded run of a recent player of similar rating on this deck or
    domain: a finished run from the last ``GHOST_WINDOW`` by someone else, of a match whose questions
    this user has never seen. Only this user's rating will change."""
    subject = subject_get(user=user, scope=scope, key=key)
    mine = rating_get(user=user, bank=subject.bank, scope=subject.scope, key=subject.key)
    seen = MatchRun.objects.filter(user=user).values("match_id")
    runs = (
        MatchRun.objects.filter(
            match__bank=subject.bank,
            match__scope=subject.scope,
            match__scope_key=subject.key,
            match__ghost_run__isnull=True,
            finished_at__gte=now - GHOST_WINDOW,
            started_at__isnull=False,
        )
        .exclude(user=user)
        .exclude(match_id__in=seen)
        .exclude(  # a recorded run's questions this user met in an earlier game against it
            match_id__in=Match.objects.filter(runs__user=user, ghost_run__isnull=False).values(
                "ghost_run__match"
            )
        )
        .select_related("match")
    )
    candidates = list(runs[:200])
    if not candidates:
        raise MatchError(
            f"No recent game on {subject.title} has questions new to you: challenge someone instead."
        )
    ratings = {
        r.user_id: r.rating
        for r in MatchRating.objects.filter(
            bank=subject.bank,
            scope=subject.scope,
            scope_key=subject.key,
            user__in=[c.user_id for c in candidates],
        )
    }
    ghost = min(
        candidates, key=lambda run: (abs(ratings.get(run.user_id, mine.rating) - mine.rating), -run.pk)
    )
    _throttle(user)
    player_get(user=user)
    with transaction.atomic():
        match = _match_create(
            subject,
            user,
            now,
            listed=False,
            seconds_per_question=ghost.match.seconds_per_question,
            opponent=ghost.user,
            ghost_run=ghost,
            status=Match.Status.ACCEPTED,
        )
        MatchQuestion.objects.bulk_create(
            MatchQuestion(
                match=match,
                position=q.position,
                card=q.card,
                item_version=q.item_version,
                prompt=q.prompt,
                options=q.options,
                option_ids=q.option_ids,
                answer_index=q.answer_index,
                explanation=q.explanation,
            )
            for q in ghost.match.questions.all()
        )
    return match


# --- playing ----------------------------------------------------------------------------------------------


def _run_of(user: User, match: Match) -> MatchRun:
    run = MatchRun.objects.filter(match=match, user=user).first()
    if run is None:
        raise MatchError("You are not playing in this match.")
    return run


def _run_deadline(run: MatchRun, match: Match) -> datetime | None:
    """When a started run is over at the latest: its questions' time limits together."""
    if run.started_at is None:
        return None
    return run.started_at + timedelta(seconds=match.seconds_per_question * QUESTIONS)


def match_question_next(*, user: User, match: Match, now: datetime) -> MatchQuestion | None:
    """The question this player is on: the one shown and not yet answered (its clock running), or the
    next one, shown now. None when their run is over."""
    match_settle(match=match, now=now)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=_run_of(user, match).pk)
        if run.finished_at is not None:
            return None
        waiting = run.answers.filter(answered_at__isnull=True).order_by("position").first()
        if waiting is not None:
            return match.questions.get(position=waiting.position)
        given = run.answers.count()
        if given >= QUESTIONS:
            return None
        if run.started_at is None:
            run.started_at = now
            run.save(update_fields=["started_at"])
        MatchAnswer.objects.create(run=run, position=given + 1, shown_at=now)
        return match.questions.get(position=given + 1)


@dataclass(frozen=True)
class AnswerResult:
    answer: MatchAnswer
    question: MatchQuestion
    run_over: bool
    replay: bool


def match_answer(*, user: User, match: Match, position: int, choice: int, now: datetime) -> AnswerResult:
    """Take this player's answer to the question at ``position``: graded on the server, late if past the
    question's limit, stored once (sending it again returns the first result)."""
    question = match.questions.filter(position=position).first()
    if question is None:
        raise MatchError("This match has no such question.")
    if not 0 <= choice < len(question.options):
        raise MatchError("Choose one of the options.")
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=_run_of(user, match).pk)
        shown = run.answers.filter(position=position).first()
        if shown is None:
            raise MatchError("Ask for the question before answering it.")
        if shown.answered_at is not None:
            return AnswerResult(shown, question, run.finished_at is not None, replay=True)
        if run.finished_at is not None:
            raise MatchError("Your run is over: the time for its questions has run out.")
        seconds = (now - shown.shown_at).total_seconds()
        late = seconds > match.seconds_per_question
        correct = not late and _is_right(question, choice)
        shown.answered_at, shown.choice, shown.late, shown.correct = now, choice, late, correct
        shown.points = answer_points(correct=correct, seconds=seconds, limit=match.seconds_per_question)
        shown.save(update_fields=["answered_at", "choice", "late", "correct", "points"])
        run.score += shown.points
        run.right += int(correct)
        over = position >= QUESTIONS
        if over:
            run.finished_at = now
        run.save(update_fields=["score", "right", "finished_at"])
    if over:
        match_settle(match=match, now=now)
    return AnswerResult(shown, question, over, replay=False)


def _is_right(question: MatchQuestion, choice: int) -> bool:
    """An item through the bank's grading (the one answer path); a card by its key."""
    if question.item_version is not None:
        outcome_ = grade(question.item_version.parsed, question.option_ids[choice])
        return outcome_.correct
    return choice == question.answer_index


# --- settling ---------------------------------------------------------------------------------------------


def match_settle(*, match: Match, now: datetime) -> Match:
    """Bring a match up to ``now``: expire an open challenge past its time, close runs whose time has run
    out (their unanswered questions count as wrong), and finish the match once both runs are over —
    exactly once, with one rating update, however many requests arrive together."""
    if match.status in (Match.Status.FINISHED, Match.Status.EXPIRED):
        return match
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status == Match.Status.OPEN and now >= locked.expires_at:
            locked.status = Match.Status.EXPIRED
            locked.save(update_fields=["status"])
        elif locked.status in (Match.Status.OPEN, Match.Status.ACCEPTED):
            runs = list(MatchRun.objects.select_for_update().filter(match=locked))
            for run in runs:
                _close_if_overdue(run, locked, now)
            if locked.status == Match.Status.ACCEPTED and _all_over(runs, locked):
                _finish(locked, runs, now)
    _refresh(match, locked)
    return match


def matches_settle_for(*, user: User, now: datetime) -> None:
    """Settle the user's matches that are not over for good, so that their history shows a run whose time
    ran out as over, with its outcome (the pages and the API do this before listing them)."""
    in_play = Match.objects.filter(runs__user=user, status__in=(Match.Status.OPEN, Match.Status.ACCEPTED))
    for match in in_play:
        match_settle(match=match, now=now)


def matches_settle_due(*, now: datetime) -> int:
    """Settle every match whose state the clock has changed: open challenges past their expiry, and
    matches with a run whose time is up. `adaptest sweep` runs this, so ratings and leaderboards move even
    when nobody comes back to look. Returns how many matches finished or expired."""
    run_time = timedelta(seconds=SECONDS_PER_QUESTION * QUESTIONS)
    due = (
        Match.objects.filter(status__in=(Match.Status.OPEN, Match.Status.ACCEPTED))
        .filter(
            Q(expires_at__lte=now) | Q(runs__finished_at__isnull=True, runs__started_at__lte=now - run_time)
        )
        .distinct()
    )
    settled = 0
    for match in due:
        match_settle(match=match, now=now)
        settled += match.status in (Match.Status.FINISHED, Match.Status.EXPIRED)
    return settled


def _refresh(match: Match, locked: Match) -> None:
    for field in ("status", "opponent_id", "finished_at"):
        setattr(match, field, getattr(locked, field))


def _close_if_overdue(run: MatchRun, match: Match, now: datetime) -> None:
    if run.finished_at is not None:
        return
    deadline = _run_deadline(run, match)
    never_started_in_time = run.started_at is None and now >= match.expires_at
    if (deadline is not None and now >= deadline) or never_started_in_time:
        run.answers.filter(answered_at__isnull=True).update(late=True, correct=False, points=0)
        run.finished_at = deadline if deadline is not None else match.expires_at
        run.save(update_fields=["finished_at"])


def _all_over(runs: list[MatchRun], match: Match) -> bool:
    if match.is_ghost:
        return all(run.finished_at is not None for run in runs)
    return len(runs) == 2 and all(run.finished_at is not None for run in runs)


def _finish(match: Match, runs: list[MatchRun], now: datetime) -> None:
    """Rate the match (both players, or only the live one against a recorded run) and close it."""
    if match.is_ghost:
        live = runs[0]
        ghost = match.ghost_run
        assert ghost is not None
        ghost_rating = rating_get(user=ghost.user, bank=match.bank, scope=match.scope, key=match.scope_key)
        _rate(live, match, opponent_rating=ghost_rating.rating, opponent_score=ghost.score, now=now)
    else:
        first, second = runs
        rating_first = _locked_rating(first.user_id, match, now)
        rating_second = _locked_rating(second.user_id, match, now)
        before = (rating_first.rating, rating_second.rating)
        _apply(first, rating_first, match, opponent=before[1], opponent_score=second.score, now=now)
        _apply(second, rating_second, match, opponent=before[0], opponent_score=first.score, now=now)
    match.status, match.finished_at = Match.Status.FINISHED, now
    match.save(update_fields=["status", "finished_at"])


def _rate(run: MatchRun, match: Match, *, opponent_rating: float, opponent_score: int, now: datetime) -> None:
    rating = _locked_rating(run.user_id, match, now)
    _apply(run, rating, match, opponent=opponent_rating, opponent_score=opponent_score, now=now)


def _apply(
    run: MatchRun, rating: MatchRating, match: Match, *, opponent: float, opponent_score: int, now: datetime
) -> None:
    step = rating_step(
        rating=rating.rating, games=rating.games, opponent=opponent, score=outcome(run.score, opponent_score)
    )
    RatingChange.objects.create(rating=rating, match=match, before=step.before, after=step.after, at=now)
    rating.rating, rating.games, rating.updated_at = step.after, rating.games + 1, now
    rating.save(update_fields=["rating", "games", "updated_at"])
    run.rating_before, run.rating_after = step.before, step.after
    run.save(update_fields=["rating_before", "rating_after"])


def _locked_rating(user_id: int, match: Match, now: datetime) -> MatchRating:
    rows = MatchRating.objects.select_for_update()
    key = {"user_id": user_id, "bank": match.bank, "scope": match.scope, "scope_key": match.scope_key}
    found = rows.filter(**key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return MatchRating.objects.create(**key, updated_at=now)
    except IntegrityError:
        return rows.get(**key)


def rating_get(*, user: User, bank: Bank, scope: str, key: str) -> MatchRating:
    """The user's rating on a deck or domain (unsaved at the default when they have not played it)."""
    found = MatchRating.objects.filter(user=user, bank=bank, scope=scope, scope_key=key).first()
    return found or MatchRating(user=user, bank=bank, scope=scope, scope_key=key)


__all__ = [
    "EXPIRY",
    "QUESTIONS",
    "SECONDS_PER_QUESTION",
    "AnswerResult",
    "MatchError",
    "MatchThrottled",
    "Subject",
    "match_accept",
    "match_answer",
    "match_challenge",
    "match_ghost",
    "match_question_next",
    "match_settle",
    "matches_settle_due",
    "matches_settle_for",
    "player_get",
    "player_update",
    "rating_get",
    "subject_get",
]
