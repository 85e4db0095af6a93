"""The cards API: decks, a deck's cards, the cards due now, and rating a card (FSRS).

Mounted by ``web/api/api.py`` under ``/api/cards`` with the API's token auth and rate limit. The same
selectors and services as the pages; a personal deck or card of someone else is 404, as one that does
not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import Http404
from django.utils import timezone
from ninja import Schema
from ninja.params.functions import Path
from pydantic import Field

from adaptest.web.api import schemas as s
from adaptest.web.api.routing import AdaptestRouter
from adaptest.web.assessments.kinds import StrictInput
from adaptest.web.core.http import ApiRequest
from adaptest.web.core.middleware import MAX_ID
from adaptest.web.flashcards import selectors, services
from adaptest.web.flashcards.models import Card, CardState, Review
from adaptest.web.flashcards.selectors import DeckNotFound

router = AdaptestRouter(tags=["cards"])

CardId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="a card's id (from a deck's cards or the due list)")
]
DeckKey = Annotated[
    str,
    Path(
        max_length=200,
        description="a deck's key: `<bank>:<deck>`, `<bank>:<deck>:<skill>`, or `my:<id>` for your own deck",
    ),
]
DUE_LIMIT = 100
StateName = Literal["learning", "review", "relearning"]
STATES: dict[int, StateName] = {1: "learning", 2: "review", 3: "relearning"}


class DeckOut(Schema):
    key: str
    title: str
    domain: str = Field(description="the domain's id; empty for a personal deck")
    cards: int
    personal: bool


class CardOut(Schema):
    id: int
    key: str = Field(description="the card's id within its deck")
    front: str = Field(description="Markdown")
    back: str = Field(description="Markdown")
    skills: list[str]
    due: datetime | None = Field(description="when it is next due for you; null until it is in your reviews")


class DueCardOut(Schema):
    id: int
    deck: str = Field(description="the key of the card's deck")
    front: str
    back: str
    due: datetime
    state: StateName
    reviews: int


class ReviewIn(StrictInput):
    # An int from 1 to 4, not Literal[1, 2, 3, 4]: a Literal takes JSON true for 1, even when strict.
    rating: int = Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")
    duration_ms: int | None = Field(None, ge=0, le=services.MAX_DURATION_MS, description="time spent")


class ReviewOut(Schema):
    id: int = Field(description="the card's id")
    rating: int
    reviewed_at: datetime
    due: datetime = Field(description="when FSRS brings the card back")
    state: StateName
    stability: float | None = Field(description="FSRS stability, in days")
    difficulty: float | None = Field(description="FSRS difficulty, 1 to 10")


@router.get("/decks", response=list[DeckOut], url_name="card_deck_list")
def card_deck_list(request: ApiRequest) -> list[DeckOut]:
    """The shipped decks, by domain, then your own decks."""
    index = selectors.deck_index(user=request.auth)
    shipped = [
        DeckOut(key=d.key, title=d.title, domain=d.domain, cards=len(d.cards), personal=False)
        for domain in index.domains
        for d in domain.decks
    ]
    mine = [
        DeckOut(key=d.key, title=d.title, domain="", cards=d.cards.count(), personal=True)
        for d in index.personal
    ]
    return shipped + mine


@router.get(
    "/decks/{key}/cards", response={200: list[CardOut], 422: s.ValidationErrorOut}, url_name="card_deck_cards"
)
def card_deck_cards(request: ApiRequest, key: DeckKey) -> list[CardOut]:
    """A deck's cards, with their ids (to rate them) and when each is due for you."""
    try:
        deck = selectors.deck_get(user=request.auth, key=key)
    except DeckNotFound:
        raise Http404("No such deck.") from None
    identities = services.card_identify(deck=deck)
    due = dict(
        CardState.objects.filter(user=request.auth, card__in=identities.values()).values_list(
            "card_id", "due"
        )
    )
    return [
        CardOut(
            id=identities[c.key].pk,
            key=c.key,
            front=c.front,
            back=c.back,
            skills=list(c.skills),
            due=due.get(identities[c.key].pk),
        )
        for c in deck.cards
    ]


@router.get("/due", response=list[DueCardOut], url_name="card_due_list")
def card_due_list(request: ApiRequest) -> list[DueCardOut]:
    """Your cards due now, the most overdue first: at most 100 (rate them and ask again for more)."""
    due = selectors.due_cards(user=request.auth, now=timezone.now(), limit=DUE_LIMIT)
    return [
        DueCardOut(
            id=d.state.card_id,
            deck=d.deck_key,
            front=d.card.front,
            back=d.card.back,
            due=d.state.due,
            state=STATES[d.state.fsrs["state"]],
            reviews=d.state.reviews,
        )
        for d in due
    ]


@router.post("/{card_id}/review", response=ReviewOut, url_name="card_review")
def card_review(request: ApiRequest, card_id: CardId, payload: ReviewIn) -> ReviewOut:
    """Rate a card: FSRS schedules its next review from the rating and your desired retention."""
    card = Card.objects.filter(pk=card_id).select_related("personal_deck", "bank").first()
    if card is None or (card.personal_deck is not None and card.personal_deck.owner_id != request.auth.pk):
        raise Http404("No such card.")
    if card.bank_id is not None and card.pk not in selectors.card_views(cards=[card]):
        raise Http404("This card is no longer in its deck.")
    now = timezone.now()
    result = services.card_review(
        user=request.auth,
        card=card,
        rating=payload.rating,
        now=now,
        mode=Review.Mode.API,
        duration_ms=payload.duration_ms,
    )
    memory = result.state.fsrs
    return ReviewOut(
        id=card.pk,
        rating=payload.rating,
        reviewed_at=now,
        due=result.state.due,
        state=STATES[memory["state"]],
        stability=memory["stability"],
        difficulty=memory["difficulty"],
    )
