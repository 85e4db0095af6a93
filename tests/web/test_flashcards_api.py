"""The cards API: decks, a deck's cards, due cards and rating, with token auth; others' decks are 404."""

from __future__ import annotations

from datetime import timedelta

import fsrs
import pytest
import time_machine
from django.utils import timezone

from adaptest.web.flashcards.models import Review
from tests.web.test_api import Api

pytestmark = pytest.mark.django_db

CNN = "deep-learning:deck-cnn"


@pytest.fixture
def ada_api(ada, shipped_bank) -> Api:  # type: ignore[no-untyped-def]
    return Api(ada)


def test_the_cards_api_needs_a_token(client, shipped_bank) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/cards/decks", "/api/cards/due", f"/api/cards/decks/{CNN}/cards"):
        assert client.get(path).status_code == 401, path
    assert (
        client.post("/api/cards/1/review", {"rating": 3}, content_type="application/json").status_code == 401
    )


def test_a_script_lists_decks_rates_a_card_and_sees_it_due_after_fsrs_interval(ada_api, ada) -> None:
    decks = ada_api.get("/cards/decks").json()
    assert {
        "key": CNN,
        "title": "Convolutional networks",
        "domain": "cnn",
        "personal": False,
    }.items() <= next(d for d in decks if d["key"] == CNN).items()
    cards = ada_api.get(f"/cards/decks/{CNN}/cards").json()
    assert cards[0]["due"] is None and cards[0]["front"]
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        rated = ada_api.post(f"/cards/{cards[0]['id']}/review", {"rating": 3, "duration_ms": 4200})
        assert rated.status_code == 200, rated.content
    body = rated.json()
    expected, _ = fsrs.Scheduler().review_card(
        fsrs.Card(card_id=cards[0]["id"], due=start), fsrs.Rating.Good, start
    )
    assert body["state"] == "learning" and body["due"].replace("Z", "+00:00") == expected.due.isoformat()
    assert Review.objects.get(user=ada).duration_ms == 4200
    with time_machine.travel(expected.due - timedelta(seconds=1), tick=False):
        assert ada_api.get("/cards/due").json() == []
    with time_machine.travel(expected.due, tick=False):
        [due] = ada_api.get("/cards/due").json()
    assert (due["id"], due["deck"], due["reviews"]) == (cards[0]["id"], CNN, 1)


def test_ratings_outside_one_to_four_are_refused_and_store_nothing(ada_api) -> None:
    card = ada_api.get(f"/cards/decks/{CNN}/cards").json()[0]
    for body in (
        {"rating": 5},
        {"rating": 0},
        {"rating": "3"},
        {"rating": True},
        {"rating": 3, "extra": 1},
        {},
    ):
        assert ada_api.post(f"/cards/{card['id']}/review", body).status_code == 422, body
    assert not Review.objects.exists()


def test_another_learners_personal_deck_and_its_cards_are_404(ada_api, ada, dan, client) -> None:  # type: ignore[no-untyped-def]
    import io

    client.force_login(dan)
    client.post("/cards/import/", {"title": "Dan's words", "file": io.BytesIO(b"term\tdefinition\n")})
    dan_api = Api(dan)
    [mine] = [d for d in dan_api.get("/cards/decks").json() if d["personal"]]
    [card] = dan_api.get(f"/cards/decks/{mine['key']}/cards").json()
    assert not [d for d in ada_api.get("/cards/decks").json() if d["personal"]]
    assert ada_api.get(f"/cards/decks/{mine['key']}/cards").status_code == 404
    assert ada_api.post(f"/cards/{card['id']}/review", {"rating": 3}).status_code == 404
    assert ada_api.get("/cards/decks/nothing:here/cards").status_code == 404
    assert dan_api.post(f"/cards/{card['id']}/review", {"rating": 1}).status_code == 200
