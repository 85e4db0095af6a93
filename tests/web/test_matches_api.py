"""The matches API: two players through a whole match, the clock, replays, privacy, errors as HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from adaptest.web.matches.models import Match, MatchAnswer, MatchQuestion, MatchRun
from adaptest.web.matches.selectors import EMPTY_LEADERBOARD
from tests.web.test_api import Api
from tests.web.test_no_key_leak import _secrets

pytestmark = pytest.mark.django_db

DECK = "deep-learning:deck-cnn"
QUESTION_FIELDS = {
    "position", "questions", "prompt", "options", "figure", "shown_at", "seconds_left",
    "seconds_per_question",
}  # fmt: skip
"""What a question shown for play carries, written out so that a new field is a deliberate change."""


class Player(Api):
    """A script playing matches with its own token."""

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(f"/api{path}", body, content_type="application/json", headers=self._headers())

    def challenge(self, key: str = DECK, scope: str = "deck", listed: bool = True) -> dict[str, Any]:
        response = self.post("/matches", {"scope": scope, "key": key, "listed": listed})
        assert response.status_code == 201, response.content
        return response.json()  # type: ignore[no-any-return]

    def question(self, match_id: int) -> Any:
        return self.get(f"/matches/{match_id}/question")

    def answer(self, match_id: int, position: int, choice: int) -> Any:
        return self.post(f"/matches/{match_id}/answers", {"position": position, "choice": choice})

    def play(self, match_id: int, rights: list[bool], clock: Any, seconds: float = 5.0) -> None:
        """Answer every question, right or wrong as ``rights`` says, ``seconds`` after it is shown; the
        stored key is used only as the oracle."""
        for right in rights:
            shown = self.question(match_id)
            assert shown.status_code == 200, shown.content
            position = shown.json()["position"]
            clock.shift(timedelta(seconds=seconds))
            response = self.answer(match_id, position, _choice(match_id, position, right))
            assert response.status_code == 200, response.content
            clock.shift(timedelta(seconds=1))


def _choice(match_id: int, position: int, right: bool) -> int:
    question = MatchQuestion.objects.get(match_id=match_id, position=position)
    return question.answer_index if right else (question.answer_index + 1) % len(question.options)


@contextmanager
def frozen(start: datetime | None = None) -> Iterator[Any]:
    """The server's clock, stopped: moved on only by ``shift``. It starts an hour back, so that requests
    after it (on the real clock) come after the rate limits' counters it moved on."""
    start = start or timezone.now().replace(microsecond=0) - timedelta(hours=1)
    with time_machine.travel(start, tick=False) as clock:
        yield clock


@pytest.fixture
def ada_plays(ada, shipped_bank) -> Player:  # type: ignore[no-untyped-def]
    return Player(ada)


@pytest.fixture
def dan_plays(dan, shipped_bank) -> Player:  # type: ignore[no-untyped-def]
    return Player(dan)


# --- a whole match ----------------------------------------------------------------------------------------


def test_two_players_play_a_whole_match_and_the_ratings_move_by_the_elo_formula(ada_plays, dan_plays) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        made = ada_plays.challenge(listed=False)
        assert made["state"] == "open" and made["questions"] == 7 and made["seconds_per_question"] == 20
        assert made["share_path"] == f"/matches/join/{made['token']}/" and made["you"]["role"] == "challenger"
        assert dan_plays.get(f"/matches/{made['id']}").status_code == 404  # private: by its link only
        assert dan_plays.get("/matches/open").json() == []
        ada_plays.play(made["id"], [True] * 7, clock)

        seen = dan_plays.get(f"/matches/{made['id']}", token=made["token"]).json()
        assert seen["share_path"] is seen["token"] is seen["you"] is None  # the link is the challenger's
        assert seen["challenger"] == ada_plays.get(f"/matches/{made['id']}").json()["challenger"]
        accepted = dan_plays.post(f"/matches/{made['id']}/accept", {"token": made["token"]})
        assert accepted.status_code == 200, accepted.content
        assert accepted.json()["state"] == "accepted" and accepted.json()["you"]["role"] == "opponent"
        dan_plays.play(made["id"], [True, False, True, False, False, False, False], clock)

        ada_result = ada_plays.get(f"/matches/{made['id']}/result").json()
        dan_result = dan_plays.get(f"/matches/{made['id']}/result").json()
    # a right answer 5 s after it was shown: 100 + round(50 × 15/20) = 138 points
    assert (ada_result["you"]["score"], dan_result["you"]["score"]) == (7 * 138, 2 * 138)
    assert ada_result["opponent"] == dan_result["you"] and ada_result["match"]["state"] == "finished"
    assert (ada_result["outcome"], dan_result["outcome"]) == ("won", "lost")
    # both new at 1500: expected 0.5, K = 40, so ±20
    assert ada_result["rating_before"] == dan_result["rating_before"] == 1500.0
    assert ada_result["rating_after"] == pytest.approx(1520.0) and ada_result[
        "rating_change"
    ] == pytest.approx(20)
    assert dan_result["rating_after"] == pytest.approx(1480.0)
    rows = dan_result["questions"]
    assert [row["position"] for row in rows] == list(range(1, 8)) and all(row["explanation"] for row in rows)
    assert rows[0]["you"]["correct"] and rows[0]["opponent"]["correct"] and not rows[1]["you"]["correct"]

    [rating] = ada_plays.get("/matches/ratings").json()
    assert (rating["scope"], rating["key"], rating["games"], rating["provisional"]) == ("deck", DECK, 1, True)
    assert rating["rating"] == pytest.approx(1520.0) and [p["rating"] for p in rating["history"]] == [
        pytest.approx(1520.0)
    ]
    [entry] = dan_plays.get("/matches").json()
    assert (entry["outcome"], entry["score"], entry["opponent_score"]) == ("lost", 2 * 138, 7 * 138)
    assert entry["opponent"] == ada_result["you"]["name"]
    board = dan_plays.get(f"/leaderboards/deck/{DECK}").json()
    assert [row["rating"] for row in board["top"]] == [1520, 1480] and board["message"] is None
    assert [row["you"] for row in board["top"]] == [False, True] and board["you"] is None


def test_a_game_against_a_recorded_run_changes_only_the_live_players_rating(ada_plays, dan, cora) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        made = ada_plays.challenge()
        ada_plays.play(made["id"], [True] * 3 + [False] * 4, clock)
        cora_plays = Player(cora)
        ghost = cora_plays.post("/matches/ghost", {"scope": "deck", "key": DECK})
        assert ghost.status_code == 201, ghost.content
        game = ghost.json()
        assert game["ghost"] and game["state"] == "accepted" and game["share_path"] is None
        assert game["opponent"] == made["challenger"]
        cora_plays.play(game["id"], [True] * 7, clock)
        result = cora_plays.get(f"/matches/{game['id']}/result").json()
    assert result["outcome"] == "won" and result["rating_after"] == pytest.approx(1520.0)
    assert ada_plays.get("/matches/ratings").json() == []  # the recorded player's rating stays
    refused = Player(dan).post("/matches/ghost", {"scope": "deck", "key": "deep-learning:deck-foundations"})
    assert refused.status_code == 409 and "challenge someone instead" in refused.json()["detail"]


# --- no key before the answer is final ---------------------------------------------------------------------


def test_no_question_carries_the_key_or_the_explanation_before_it_is_answered(ada_plays) -> None:  # type: ignore[no-untyped-def]
    kinds = set()
    with frozen() as clock:
        # A domain match draws 7 of the CNN cards and practice items (35 and 7): one match in four has no
        # item, so three matches met only cards 1.5% of the time. Play until both kinds were seen.
        for _ in range(12):
            if kinds == {"item", "card"}:
                break
            made = ada_plays.challenge(scope="domain", key="deep-learning:cnn")
            for _position in range(7):
                body = ada_plays.question(made["id"]).json()
                assert set(body) == QUESTION_FIELDS
                question = MatchQuestion.objects.select_related("item_version").get(
                    match_id=made["id"], position=body["position"]
                )
                text = json.dumps(body, ensure_ascii=False)
                assert question.explanation not in text  # a card's: its front and back together
                if question.item_version is not None:
                    for secret in _secrets(question.item_version.parsed):
                        assert secret.strip()[:60] not in text, secret
                    kinds.add("item")
                else:
                    kinds.add("card")
                assert body["options"] == question.options and body["prompt"] == question.prompt
                answered = ada_plays.answer(made["id"], body["position"], 0).json()
                assert answered["right_choice"] == question.answer_index  # final now, so it may be told
                clock.shift(timedelta(seconds=1))
    assert kinds == {"item", "card"}


# --- the clock, replays, the end of a run ----------------------------------------------------------------


def test_an_answer_after_the_time_limit_is_stored_but_counts_as_wrong(ada_plays) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        made = ada_plays.challenge()
        shown = ada_plays.question(made["id"]).json()
        assert shown["seconds_left"] == 20
        clock.shift(timedelta(seconds=12))
        assert ada_plays.question(made["id"]).json()["seconds_left"] == 8  # the same question, still running
        clock.shift(timedelta(seconds=8.5))
        late = ada_plays.answer(made["id"], 1, _choice(made["id"], 1, right=True)).json()
    assert late["late"] and not late["correct"] and late["points"] == 0
    assert late["choice"] == late["right_choice"]  # the right option, too late
    assert MatchAnswer.objects.get(position=1).late


def test_a_resent_answer_counts_once_and_returns_the_first_result(ada_plays) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        made = ada_plays.challenge()
        ada_plays.question(made["id"])
        right = _choice(made["id"], 1, right=True)
        first = ada_plays.answer(made["id"], 1, right).json()
        clock.shift(timedelta(seconds=3))
        again = ada_plays.answer(made["id"], 1, _choice(made["id"], 1, right=False)).json()
        you = ada_plays.get(f"/matches/{made['id']}").json()["you"]
    assert (first["correct"], first["points"], first["replay"]) == (True, 150, False)
    assert again == {**first, "replay": True}
    assert (you["score"], you["right"], you["over"]) == (150, 1, False)


def test_a_finished_run_has_no_next_question(ada_plays) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        made = ada_plays.challenge()
        ada_plays.play(made["id"], [False] * 7, clock)
        over = ada_plays.question(made["id"])
    assert over.status_code == 409
    assert over.json() == {
        "detail": "Your run is over: there are no more questions for you. GET the result once the match is "
        "finished.",
        "run_over": True,
        "state": "open",
    }
    assert ada_plays.get(f"/matches/{made['id']}").json()["you"]["over"] is True


def test_the_result_waits_until_the_match_is_finished(ada_plays, dan_plays) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        made = ada_plays.challenge()
        ada_plays.play(made["id"], [True] * 7, clock)
        refused = ada_plays.get(f"/matches/{made['id']}/result")
        assert refused.status_code == 409 and "not finished" in refused.json()["detail"]
        dan_plays.post(f"/matches/{made['id']}/accept")
        assert dan_plays.get(f"/matches/{made['id']}/result").status_code == 409
        dan_plays.question(made["id"])  # dan starts and stops: his run is over once its time runs out
        clock.shift(timedelta(seconds=7 * 20 - 1))
        assert dan_plays.get(f"/matches/{made['id']}/result").status_code == 409
        clock.shift(timedelta(seconds=1))
        assert dan_plays.get(f"/matches/{made['id']}/result").json()["outcome"] == "lost"


# --- who may do what ---------------------------------------------------------------------------------------


def test_nobody_accepts_their_own_challenge(ada_plays) -> None:  # type: ignore[no-untyped-def]
    made = ada_plays.challenge()
    refused = ada_plays.post(f"/matches/{made['id']}/accept")
    assert refused.status_code == 409 and refused.json() == {
        "detail": "You cannot accept your own challenge."
    }
    assert MatchRun.objects.count() == 1


def test_a_listed_challenge_is_open_to_others_and_a_private_one_only_by_its_link(
    ada_plays, dan_plays, cora
) -> None:  # type: ignore[no-untyped-def]
    listed = ada_plays.challenge(listed=True)
    private = ada_plays.challenge(listed=False)
    assert [m["id"] for m in dan_plays.get("/matches/open").json()] == [listed["id"]]
    assert ada_plays.get("/matches/open").json() == []  # never one's own
    assert dan_plays.get(f"/matches/{listed['id']}").status_code == 200
    for path in ("", "/question", "/result", "/figures/1"):
        response = dan_plays.get(f"/matches/{private['id']}{path}")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, path
    assert dan_plays.post(f"/matches/{private['id']}/accept").status_code == 404
    assert dan_plays.answer(private["id"], 1, 0).status_code == 404
    assert (
        dan_plays.get(f"/matches/{private['id']}", token=listed["token"]).status_code == 404
    )  # not its link
    assert dan_plays.get(f"/matches/{private['id']}", token="short").status_code == 422
    assert dan_plays.get(f"/matches/{private['id']}", token=private["token"]).json()["id"] == private["id"]
    # the question of a challenge one has not accepted is not theirs to see
    refused = dan_plays.question(listed["id"])
    assert refused.status_code == 409 and "not playing" in refused.json()["detail"]
    assert dan_plays.post(f"/matches/{private['id']}/accept", {"token": private["token"]}).status_code == 200
    taken = Player(cora).post(f"/matches/{private['id']}/accept", {"token": private["token"]})
    assert taken.status_code == 409 and "Someone else accepted" in taken.json()["detail"]
    assert dan_plays.get(f"/matches/{private['id']}/question").status_code == 200  # now it is dan's
    cora_plays = Player(cora)
    bare = cora_plays.client.post(
        f"/api/matches/{listed['id']}/accept", headers=cora_plays._headers(), content_type=""
    )
    assert bare.status_code == 200 and bare.json()["you"]["role"] == "opponent"  # a listed one needs no body


def test_requests_without_a_token_are_unauthorised(client, ada_plays) -> None:  # type: ignore[no-untyped-def]
    made = ada_plays.challenge()
    for path in (
        "/api/matches",
        "/api/matches/open",
        "/api/matches/ratings",
        f"/api/matches/{made['id']}",
        f"/api/matches/{made['id']}/question",
        f"/api/matches/{made['id']}/result",
        f"/api/leaderboards/deck/{DECK}",
    ):
        assert client.get(path).status_code == 401, path
    for path, body in (
        ("/api/matches", {"scope": "deck", "key": DECK}),
        ("/api/matches/ghost", {"scope": "deck", "key": DECK}),
        (f"/api/matches/{made['id']}/accept", {}),
        (f"/api/matches/{made['id']}/answers", {"position": 1, "choice": 0}),
    ):
        assert client.post(path, body, content_type="application/json").status_code == 401, path
    assert Client().put("/api/matches/player", {}, content_type="application/json").status_code == 401
    assert Match.objects.count() == 1 and not MatchAnswer.objects.exists()


def test_making_matches_is_throttled_with_a_429_that_says_when(ada_plays, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADAPTEST_MATCH_THROTTLE = (2, 3600)
    with frozen():
        ada_plays.challenge()
        ada_plays.challenge()
        refused = ada_plays.post("/matches", {"scope": "deck", "key": DECK, "listed": True})
    assert refused.status_code == 429 and refused["Retry-After"] == "1800"  # the next place frees in 30 min
    assert refused.json() == {
        "detail": "You have started many matches this hour. Try again in about 30 minutes.",
        "retry_after": 1800,
    }
    assert Match.objects.count() == 2


# --- refusals, leaderboards, players -----------------------------------------------------------------------


def test_a_match_on_an_unknown_deck_is_refused_and_a_strange_body_is_malformed(ada_plays) -> None:  # type: ignore[no-untyped-def]
    refused = ada_plays.post("/matches", {"scope": "deck", "key": "deep-learning:no-such-deck"})
    assert refused.status_code == 409 and refused.json() == {"detail": "There is no such deck."}
    for body in (
        {"scope": "galaxy", "key": DECK},
        {"scope": "deck"},
        {"scope": "deck", "key": DECK, "listed": 1},
        {"scope": "deck", "key": DECK, "extra": True},
    ):
        assert ada_plays.post("/matches", body).status_code == 422, body
    made = ada_plays.challenge()
    ada_plays.question(made["id"])
    for body in (
        {"position": 1, "choice": True},
        {"position": "1", "choice": 0},
        {"position": 0, "choice": 0},
    ):
        assert ada_plays.post(f"/matches/{made['id']}/answers", body).status_code == 422, body
    assert ada_plays.answer(made["id"], 1, 9).json() == {"detail": "Choose one of the options."}
    assert ada_plays.answer(made["id"], 2, 0).json() == {
        "detail": "Ask for the question before answering it."
    }
    assert not MatchAnswer.objects.filter(answered_at__isnull=False).exists()


def test_unknown_query_parameters_are_refused(ada_plays) -> None:  # type: ignore[no-untyped-def]
    made = ada_plays.challenge()
    for path in (
        "/matches",
        "/matches/open",
        "/matches/ratings",
        f"/matches/{made['id']}",
        f"/leaderboards/deck/{DECK}",
    ):
        response = ada_plays.get(path, tokne=made["token"])
        assert response.status_code == 422 and "tokne" in response.json()["detail"], path


def test_an_empty_leaderboard_says_so_and_an_unknown_one_is_not_found(ada_plays) -> None:  # type: ignore[no-untyped-def]
    board = ada_plays.get("/leaderboards/domain/deep-learning:cnn").json()
    assert board == {
        "scope": "domain",
        "key": "deep-learning:cnn",
        "title": board["title"],
        "top": [],
        "you": None,
        "message": EMPTY_LEADERBOARD,
    }
    assert board["title"]
    assert ada_plays.get("/leaderboards/deck/deep-learning:no-such-deck").status_code == 404
    assert ada_plays.get(f"/leaderboards/galaxy/{DECK}").status_code == 422


def test_a_player_chooses_a_display_name_and_whether_leaderboards_show_them(
    ada, ada_plays, dan_plays
) -> None:  # type: ignore[no-untyped-def]
    changed = ada_plays.put("/matches/player", {"display_name": "  Grace   H ", "on_leaderboards": False})
    assert changed.status_code == 200 and changed.json() == {
        "display_name": "Grace H",
        "on_leaderboards": False,
    }
    taken = dan_plays.put("/matches/player", {"display_name": "grace h", "on_leaderboards": True})
    assert taken.status_code == 409 and taken.json() == {"detail": "Another player has that display name."}
    username = ada_plays.put("/matches/player", {"display_name": ada.username, "on_leaderboards": True})
    assert username.status_code == 409 and "other than your username" in username.json()["detail"]
    assert ada_plays.put("/matches/player", {"display_name": "Grace H"}).status_code == 422
    assert ada_plays.challenge()["challenger"] == "Grace H"


def test_a_player_who_has_played_a_challenge_can_still_play_a_recorded_run(
    ada_plays, dan_plays, cora
) -> None:  # type: ignore[no-untyped-def]
    with frozen() as clock:
        recorded = Player(cora).challenge()
        Player(cora).play(recorded["id"], [True] * 7, clock)
        own = ada_plays.challenge(key="deep-learning:deck-foundations")  # any match of ada's, on any deck
        ada_plays.play(own["id"], [True] * 7, clock)
        ghost = ada_plays.post("/matches/ghost", {"scope": "deck", "key": DECK})
    assert ghost.status_code == 201, ghost.json()
