"""Matches under races (PostgreSQL row locks): one seat per challenge, one finish per match."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from adaptest.web.matches import services
from adaptest.web.matches.models import Match, MatchRating, MatchRun, RatingChange

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DECK = "deep-learning:deck-cnn"


def _race(*calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run the calls in threads released together; their results and errors."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect first, so the race starts at the barrier
            barrier.wait()
            results.append(call())
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _play_all_but_last(user: Any, match: Match, start: Any) -> Any:
    now = start
    for _ in range(services.QUESTIONS - 1):
        question = services.match_question_next(user=user, match=match, now=now)
        assert question is not None
        services.match_answer(
            user=user, match=match, position=question.position, choice=question.answer_index, now=now
        )
        now += timedelta(seconds=1)
    return now


def _last_answer(user: Any, match_pk: int, choice: int, at: Any) -> Callable[[], Any]:
    return lambda: services.match_answer(
        user=user, match=Match.objects.get(pk=match_pk), position=services.QUESTIONS, choice=choice, now=at
    )


def test_two_players_accepting_one_open_challenge_at_once_exactly_one_gets_the_seat(
    ada, dan, cora, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    now = timezone.now()
    for _ in range(5):
        match = services.match_challenge(user=ada, scope="deck", key=DECK, listed=True, now=now)
        results, errors = _race(
            lambda m=match: services.match_accept(user=dan, match=Match.objects.get(pk=m.pk), now=now),
            lambda m=match: services.match_accept(user=cora, match=Match.objects.get(pk=m.pk), now=now),
        )
        assert len(results) == 1 and len(errors) == 1, errors
        assert isinstance(errors[0], services.MatchError)
        assert "Someone else accepted this challenge first" in str(errors[0])
        match.refresh_from_db()
        assert match.status == Match.Status.ACCEPTED and match.opponent_id == results[0].user_id
        assert MatchRun.objects.filter(match=match).count() == 2


def test_both_players_last_answers_arriving_together_finish_the_match_once_with_one_rating_update(
    ada, dan, shipped_bank
) -> None:  # type: ignore[no-untyped-def]
    assert connection.vendor == "postgresql"
    start = timezone.now()
    for round_ in range(3):
        match = services.match_challenge(user=ada, scope="deck", key=DECK, listed=True, now=start)
        services.match_accept(user=dan, match=match, now=start)
        ada_at = _play_all_but_last(ada, match, start)
        dan_at = _play_all_but_last(dan, match, start)
        last = {}
        for user in (ada, dan):
            question = services.match_question_next(user=user, match=match, now=max(ada_at, dan_at))
            assert question is not None and question.position == services.QUESTIONS
            last[user.pk] = question
        at = max(ada_at, dan_at) + timedelta(seconds=1)
        calls = [_last_answer(user, match.pk, last[user.pk].answer_index, at) for user in (ada, dan)]
        results, errors = _race(*calls)
        assert errors == [] and len(results) == 2
        match.refresh_from_db()
        assert match.status == Match.Status.FINISHED
        assert RatingChange.objects.filter(match=match).count() == 2  # one per player, once
        ratings = MatchRating.objects.filter(scope_key=DECK)
        assert {r.games for r in ratings} == {round_ + 1}
