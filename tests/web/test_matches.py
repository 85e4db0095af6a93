"""Challenge matches through the services: play, the clock, the rules, the ratings, the leaderboards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from adaptest.web.itembank.models import Bank, Use
from adaptest.web.matches import selectors, services
from adaptest.web.matches.models import Match, MatchAnswer, MatchRating, MatchRun, Player, RatingChange

pytestmark = pytest.mark.django_db

DECK = "deep-learning:deck-cnn"


@pytest.fixture
def t0() -> datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _bank(shipped_bank) -> None:  # type: ignore[no-untyped-def]
    """Every test here plays on the shipped bank's decks and domains."""


def _challenge(user: Any, now: datetime, **kwargs: Any) -> Match:
    options = {"scope": "deck", "key": DECK, "listed": True} | kwargs
    return services.match_challenge(user=user, now=now, **options)


def _play(
    user: Any, match: Match, start: datetime, rights: list[bool], seconds: float = 5.0, pause: float = 1.0
) -> datetime:
    """Answer every question, right or wrong as ``rights`` says, each ``seconds`` after it is shown, then
    wait ``pause`` seconds before asking for the next."""
    now = start
    for right in rights:
        question = services.match_question_next(user=user, match=match, now=now)
        assert question is not None
        now += timedelta(seconds=seconds)
        wrong = (question.answer_index + 1) % len(question.options)
        services.match_answer(
            user=user,
            match=match,
            position=question.position,
            choice=question.answer_index if right else wrong,
            now=now,
        )
        now += timedelta(seconds=pause)
    return now


def test_both_players_answer_the_same_questions_and_the_ratings_move_by_the_elo_formula(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    assert match.status == Match.Status.OPEN and match.questions.count() == services.QUESTIONS
    end = _play(ada, match, t0, [True] * 7)
    services.match_accept(user=dan, match=match, now=end)
    end = _play(dan, match, end, [True, False, True, False, True, False, False])

    match.refresh_from_db()
    assert match.status == Match.Status.FINISHED
    ada_run, dan_run = (
        MatchRun.objects.get(match=match, user=ada),
        MatchRun.objects.get(match=match, user=dan),
    )
    # a right answer after 5 s of 20: 100 + round(50 × 15/20) = 138 points
    assert (ada_run.score, ada_run.right) == (7 * 138, 7)
    assert (dan_run.score, dan_run.right) == (3 * 138, 3)
    # both new (1500, no games): E = 0.5, K = 16 + 24·10/10 = 40; the winner gains 40 × 0.5 = 20
    assert ada_run.rating_before == dan_run.rating_before == 1500.0
    assert ada_run.rating_after == pytest.approx(1520.0) and dan_run.rating_after == pytest.approx(1480.0)
    ratings = {r.user_id: r for r in MatchRating.objects.filter(scope_key=DECK)}
    assert ratings[ada.pk].games == ratings[dan.pk].games == 1
    assert RatingChange.objects.filter(match=match).count() == 2


def test_a_second_match_uses_each_players_rating_and_games_so_far(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    first = _challenge(ada, t0)
    end = _play(ada, first, t0, [True] * 7)
    services.match_accept(user=dan, match=first, now=end)
    end = _play(dan, first, end, [False] * 7)
    second = _challenge(dan, end)
    end = _play(dan, second, end, [True] * 7)
    services.match_accept(user=ada, match=second, now=end)
    _play(ada, second, end, [False] * 7)

    # before: ada 1520, dan 1480, one game each: K = 16 + 240/11; dan (the winner) expected
    # 1 / (1 + 10^((1520 - 1480)/400)) = 0.4425
    k = 16 + 240 / 11
    expected_dan = 1 / (1 + 10 ** (40 / 400))
    dan_rating = MatchRating.objects.get(user=dan, scope_key=DECK)
    ada_rating = MatchRating.objects.get(user=ada, scope_key=DECK)
    assert dan_rating.rating == pytest.approx(1480 + k * (1 - expected_dan))
    assert ada_rating.rating == pytest.approx(1520 + k * (0 - (1 - expected_dan)))
    assert dan_rating.games == ada_rating.games == 2


def test_equal_points_are_a_tie_and_leave_two_new_players_where_they_were(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [True, False] * 3 + [True])
    services.match_accept(user=dan, match=match, now=end)
    _play(dan, match, end, [True, False] * 3 + [True])
    runs = MatchRun.objects.filter(match=match)
    assert {r.score for r in runs} == {4 * 138}
    assert all(r.rating_after == pytest.approx(1500.0) for r in runs)


def test_an_answer_after_the_time_limit_is_stored_but_counts_as_wrong(ada, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    question = services.match_question_next(user=ada, match=match, now=t0)
    assert question is not None
    late = services.match_answer(
        user=ada, match=match, position=1, choice=question.answer_index, now=t0 + timedelta(seconds=20.5)
    )
    assert late.answer.late and not late.answer.correct and late.answer.points == 0
    on_time = services.match_question_next(user=ada, match=match, now=t0 + timedelta(seconds=21))
    assert on_time is not None and on_time.position == 2
    right = services.match_answer(
        user=ada, match=match, position=2, choice=on_time.answer_index, now=t0 + timedelta(seconds=41)
    )
    assert right.answer.correct and right.answer.points == 100  # right at the limit: no speed bonus


def test_sending_an_answer_again_never_counts_twice(ada, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    question = services.match_question_next(user=ada, match=match, now=t0)
    assert question is not None
    first = services.match_answer(user=ada, match=match, position=1, choice=question.answer_index, now=t0)
    again = services.match_answer(
        user=ada,
        match=match,
        position=1,
        choice=(question.answer_index + 1) % 4,
        now=t0 + timedelta(seconds=1),
    )
    assert again.replay and again.answer.pk == first.answer.pk and again.answer.correct
    run = MatchRun.objects.get(match=match, user=ada)
    assert (run.score, run.right) == (150, 1)


def test_a_question_is_answered_only_once_shown_and_in_order(ada, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    with pytest.raises(services.MatchError, match="Ask for the question"):
        services.match_answer(user=ada, match=match, position=1, choice=0, now=t0)
    services.match_question_next(user=ada, match=match, now=t0)
    with pytest.raises(services.MatchError, match="Ask for the question"):
        services.match_answer(user=ada, match=match, position=2, choice=0, now=t0)
    with pytest.raises(services.MatchError, match="Choose one of the options"):
        services.match_answer(user=ada, match=match, position=1, choice=9, now=t0)
    again = services.match_question_next(user=ada, match=match, now=t0 + timedelta(seconds=3))
    assert again is not None and again.position == 1  # the same question, its clock still running
    assert MatchAnswer.objects.get(run__user=ada, position=1).shown_at == t0


def test_a_finished_run_cannot_be_played_again(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [False] * 7)
    assert services.match_question_next(user=ada, match=match, now=end) is None
    replay = services.match_answer(user=ada, match=match, position=7, choice=0, now=end)
    assert replay.replay and MatchRun.objects.get(match=match, user=ada).score == 0


def test_nobody_accepts_their_own_challenge_or_a_taken_one(ada, dan, cora, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    with pytest.raises(services.MatchError, match="cannot accept your own challenge"):
        services.match_accept(user=ada, match=match, now=t0)
    services.match_accept(user=dan, match=match, now=t0)
    with pytest.raises(services.MatchError, match="Someone else accepted this challenge first"):
        services.match_accept(user=cora, match=match, now=t0)
    assert MatchRun.objects.filter(match=match).count() == 2


def test_a_challenge_nobody_accepted_expires_after_seven_days_and_changes_no_rating(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    _play(ada, match, t0, [True] * 7)
    services.match_settle(match=match, now=t0 + timedelta(days=7) - timedelta(seconds=1))
    assert match.status == Match.Status.OPEN
    services.match_settle(match=match, now=t0 + timedelta(days=7))
    assert match.status == Match.Status.EXPIRED
    with pytest.raises(services.MatchError, match="expired"):
        services.match_accept(user=dan, match=match, now=t0 + timedelta(days=8))
    assert not MatchRating.objects.exists() and not RatingChange.objects.exists()


def test_a_player_who_stops_answering_loses_the_questions_left_when_the_time_runs_out(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [True] * 7)
    services.match_accept(user=dan, match=match, now=end)
    stopped = _play(dan, match, end, [True, True])
    services.match_question_next(user=dan, match=match, now=stopped)  # shown, never answered
    services.match_settle(match=match, now=end + timedelta(seconds=139))
    assert match.status == Match.Status.ACCEPTED  # 7 × 20 s since dan's first question not yet over
    services.match_settle(match=match, now=end + timedelta(seconds=140))
    assert match.status == Match.Status.FINISHED
    dan_run = MatchRun.objects.get(match=match, user=dan)
    assert (dan_run.right, dan_run.score) == (2, 2 * 138)
    assert MatchAnswer.objects.get(run=dan_run, position=3).late
    assert dan_run.rating_after == pytest.approx(1480.0)


def test_a_player_who_accepted_and_never_played_forfeits_when_the_challenge_runs_out(ada, dan, t0) -> None:  # type: ignore[no-untyped-def]
    match = _challenge(ada, t0)
    end = _play(ada, match, t0, [False] * 6 + [True])
    services.match_accept(user=dan, match=match, now=end)
    services.match_settle(match=match, now=t0 + timedelta(days=7))
    assert match.status == Match.Status.FINISHED
    assert MatchRun.objects.get(match=match, user=dan).score == 0
    assert MatchRating.objects.get(user=ada).rating == pytest.approx(1520.0)


def test_alone_a_learner_plays_a_recorded_run_and_only_their_rating_changes(ada, dan, cora, t0) -> None:  # type: ignore[no-untyped-def]
    played = _challenge(ada, t0)
    end = _play(ada, played, t0, [True] * 3 + [False] * 4)
    services.match_accept(user=dan, match=played, now=end)
    end = _play(dan, played, end, [False] * 7)
    ada_after = MatchRating.objects.get(user=ada).rating

    ghost = services.match_ghost(user=cora, scope="deck", key=DECK, now=end)
    assert ghost.ghost_run is not None and ghost.ghost_run.user_id in (ada.pk, dan.pk)
    assert [q.prompt for q in ghost.questions.all()] == [q.prompt for q in played.questions.all()]
    _play(cora, ghost, end, [True] * 7)
    ghost.refresh_from_db()
    assert ghost.status == Match.Status.FINISHED
    assert MatchRating.objects.get(user=cora).games == 1
    assert MatchRating.objects.get(user=ada).rating == ada_after  # the recorded player's rating stays
    with pytest.raises(services.MatchError, match="No recent game on .* has questions new to you"):
        services.match_ghost(user=cora, scope="deck", key="deep-learning:deck-foundations", now=end)
    with pytest.raises(
        services.MatchError, match="No recent game on .* has questions new to you"
    ):  # cora has seen those questions
        services.match_ghost(user=cora, scope="deck", key=DECK, now=end)


def test_the_leaderboard_shows_the_top_ten_by_display_name_and_a_player_their_own_rank(
    ada, django_user_model, t0
) -> None:  # type: ignore[no-untyped-def]
    deep = Bank.objects.get(bank_id="deep-learning")
    for n in range(12):
        user = django_user_model.objects.create_user(f"learner{n}", f"learner{n}@example.org", "x")
        Player.objects.create(user=user, display_name=f"Learner number {n}", on_leaderboards=n != 11)
        MatchRating.objects.create(
            user=user, bank=deep, scope="deck", scope_key=DECK, rating=1600 - n, games=n + 1, updated_at=t0
        )
    Player.objects.create(user=ada, display_name="Ada L")
    MatchRating.objects.create(
        user=ada, bank=deep, scope="deck", scope_key=DECK, rating=1200, games=6, updated_at=t0
    )

    board = selectors.leaderboard(user=ada, bank=deep, scope="deck", key=DECK, title="CNN deck")
    assert [row.display_name for row in board.top] == [f"Learner number {n}" for n in range(10)]
    assert [row.rank for row in board.top] == list(range(1, 11))
    assert board.top[0].provisional and not board.top[5].provisional  # fewer than 5 games: provisional
    assert all("learner" not in row.display_name for row in board.top)  # never the username
    assert board.me is not None and (board.me.rank, board.me.display_name, board.me.rating) == (
        12,
        "Ada L",
        1200,
    )
    empty = selectors.leaderboard(
        user=ada, bank=deep, scope="deck", key="deep-learning:deck-foundations", title=""
    )
    assert (
        empty.empty
        and selectors.EMPTY_LEADERBOARD == "No ratings yet — play a challenge match to create ratings"
    )


def test_a_display_name_is_never_the_username_and_is_unique(ada, dan) -> None:  # type: ignore[no-untyped-def]
    player = services.player_get(user=ada)
    assert player.display_name.startswith("Player ") and ada.username not in player.display_name
    with pytest.raises(services.MatchError, match="other than your username"):
        services.player_update(user=ada, display_name=ada.username.upper(), on_leaderboards=True)
    services.player_update(user=ada, display_name="  Grace   H ", on_leaderboards=False)
    assert Player.objects.get(user=ada).display_name == "Grace H"
    with pytest.raises(services.MatchError, match="Another player has that display name"):
        services.player_update(user=dan, display_name="grace h", on_leaderboards=True)


def test_making_matches_is_throttled(ada, settings, t0) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_MATCH_THROTTLE = (2, 3600)
    _challenge(ada, t0)
    _challenge(ada, t0)
    with pytest.raises(services.MatchThrottled, match="Try again in"):
        _challenge(ada, t0)


def test_a_domain_match_asks_practice_items_and_cards_never_a_secure_item(ada, t0) -> None:  # type: ignore[no-untyped-def]
    kinds = set()
    for _ in range(6):
        match = _challenge(ada, t0, scope="domain", key="deep-learning:cnn")
        for question in match.questions.select_related("item_version"):
            if question.item_version is not None:
                assert question.item_version.use == Use.PRACTICE and question.item_version.domain == "cnn"
                kinds.add("item")
            else:
                kinds.add("card")
            assert len(question.options) >= 2 and 0 <= question.answer_index < len(question.options)
    assert kinds == {"item", "card"}


def test_a_match_on_an_unknown_deck_or_domain_is_refused(ada, t0) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.MatchError, match="no such deck"):
        _challenge(ada, t0, key="deep-learning:no-such-deck")
    with pytest.raises(services.MatchError, match="no such domain"):
        _challenge(ada, t0, scope="domain", key="deep-learning:astrology")


def test_the_sweep_settles_matches_nobody_came_back_to(ada, dan, cora, t0) -> None:  # type: ignore[no-untyped-def]
    forgotten = _challenge(ada, t0)
    _play(ada, forgotten, t0, [True] * 7)
    played = _challenge(cora, t0)
    end = _play(cora, played, t0, [True] * 7)
    services.match_accept(user=dan, match=played, now=end)
    services.match_question_next(user=dan, match=played, now=end)  # dan starts, then leaves
    assert services.matches_settle_due(now=end + timedelta(seconds=139)) == 0
    assert services.matches_settle_due(now=end + timedelta(seconds=140)) == 1
    assert Match.objects.get(pk=played.pk).status == Match.Status.FINISHED
    assert MatchRating.objects.get(user=cora).rating == pytest.approx(1520.0)
    assert services.matches_settle_due(now=t0 + timedelta(days=7)) == 1
    assert Match.objects.get(pk=forgotten.pk).status == Match.Status.EXPIRED
    assert services.matches_settle_due(now=t0 + timedelta(days=8)) == 0
