"""Writes for flashcards: card identities, FSRS reviews, scheduling a deck, settings, imports.

Scheduling is FSRS-6 from the ``fsrs`` package with each learner's desired retention, and with parameters
fitted to their own reviews once they have enough and ask for it (``study_parameters_fit``), else the
defaults. Every function takes the clock as ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fsrs
from django.contrib.auth.models import User
from django.db import transaction

from adaptest.web.flashcards.interop import ParsedCard, tsv_parse
from adaptest.web.flashcards.models import (
    RETENTION_RANGE,
    Card,
    CardState,
    PersonalDeck,
    Review,
    StudySettings,
)
from adaptest.web.flashcards.selectors import DeckView, parameters_fit_available, study_settings

#: A rating's duration longer than this is not a duration (a tab left open overnight): stored as unknown.
MAX_DURATION_MS = 60 * 60 * 1000


class FlashcardError(Exception):
    """A request the rules refuse; the message is shown as it is."""


FIT_AFTER = 512
"""Reviews before FSRS parameters are fitted to a learner: fsrs's optimiser trains in mini-batches of 512
reviews and returns the defaults below one."""


def scheduler_for(*, retention: float, parameters: list[float] | None = None) -> fsrs.Scheduler:
    """FSRS-6 with the learner's fitted parameters (or the defaults), learning steps 1 and 10 minutes,
    relearning 10 minutes, and interval fuzzing (as Anki does), for this desired retention."""
    if parameters:
        return fsrs.Scheduler(parameters=parameters, desired_retention=retention)
    return fsrs.Scheduler(desired_retention=retention)


def study_parameters_fit(*, user: User, now: datetime) -> StudySettings:
    """Fit FSRS-6's parameters to the learner's own reviews with fsrs's optimiser; from then on their
    reviews are scheduled with them. Raises FlashcardError below ``FIT_AFTER`` reviews or when the
    optimiser is not installed on this server."""
    reviews = list(
        Review.objects.filter(user=user)
        .order_by("reviewed_at", "pk")
        .values_list("card_id", "rating", "reviewed_at", "duration_ms")
    )
    if len(reviews) < FIT_AFTER:
        raise FlashcardError(
            f"Your own parameters can be fitted after {FIT_AFTER} reviews; you have {len(reviews)} so far."
        )
    if not parameters_fit_available():
        raise FlashcardError(
            "This server cannot fit parameters: its administrator can install them with "
            "pip install 'adaptest[optimizer]'. Your reviews keep FSRS's default parameters."
        )
    logs = [
        fsrs.ReviewLog(card_id=card, rating=fsrs.Rating(rating), review_datetime=_utc(at), review_duration=ms)
        for card, rating, at, ms in reviews
    ]
    fitted = [float(p) for p in fsrs.Optimizer(logs).compute_optimal_parameters()]
    settings, _ = StudySettings.objects.update_or_create(
        user=user,
        defaults={"parameters": fitted, "parameters_reviews": len(reviews), "parameters_fitted_at": now},
    )
    return settings


def card_identify(*, deck: DeckView) -> dict[str, Card]:
    """Card key → identity row for each card of ``deck``, creating the missing ones (shipped cards get a
    row the first time anyone studies them). Idempotent; safe when two requests race."""
    if deck.personal is not None:
        return {c.card_key: c for c in Card.objects.filter(personal_deck=deck.personal)}
    rows = Card.objects.filter(bank=deck.bank, deck_key=deck.deck_id)
    known = {c.card_key: c for c in rows}
    missing = [k for k in deck.card_keys if k not in known]
    if missing:
        Card.objects.bulk_create(
            [Card(bank=deck.bank, deck_key=deck.deck_id, card_key=k) for k in missing], ignore_conflicts=True
        )
        known = {c.card_key: c for c in rows.all()}
    return {k: known[k] for k in deck.card_keys}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)  # fsrs insists on datetime.timezone.utc itself


@dataclass(frozen=True)
class ReviewResult:
    state: CardState
    review: Review | None
    replay: bool


@transaction.atomic
def card_review(
    *,
    user: User,
    card: Card,
    rating: int,
    now: datetime,
    mode: str,
    shown_at: datetime | None = None,
    duration_ms: int | None = None,
) -> ReviewResult:
    """Rate ``card`` (1 Again, 2 Hard, 3 Good, 4 Easy) at ``now``: FSRS moves its state and due time, and
    a Review row keeps the rating, the time taken (since ``shown_at``, or as ``duration_ms`` says) and
    the state after.

    A replay — a second rating of the card since it was shown at ``shown_at`` (a double click, a
    resent form) — changes nothing and returns the state as it is.
    """
    if rating not in (1, 2, 3, 4):
        raise FlashcardError("A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    CardState.objects.get_or_create(user=user, card=card, defaults=_new_state(card, now))
    state = CardState.objects.select_for_update().get(user=user, card=card)
    replayed = shown_at is not None and state.reviews
    if replayed and Review.objects.filter(user=user, card=card, reviewed_at__gte=shown_at).exists():
        return ReviewResult(state, None, replay=True)
    memory = fsrs.Card.from_dict(state.fsrs)
    settings = study_settings(user=user)
    scheduler = scheduler_for(retention=settings.desired_retention, parameters=settings.parameters)
    duration = duration_ms
    if shown_at is not None:
        duration = int((now - shown_at).total_seconds() * 1000)
    if duration is not None and not 0 <= duration <= MAX_DURATION_MS:
        duration = None
    memory, _ = scheduler.review_card(
        memory, fsrs.Rating(rating), review_datetime=_utc(now), review_duration=duration
    )
    after = memory.to_dict()
    state.fsrs, state.due, state.reviews = after, memory.due, state.reviews + 1
    state.save()
    review = Review.objects.create(
        user=user,
        card=card,
        rating=rating,
        reviewed_at=now,
        duration_ms=duration,
        mode=mode,
        state_after=after,
        due_after=memory.due,
    )
    return ReviewResult(state, review, replay=False)


def _new_state(card: Card, now: datetime) -> dict[str, Any]:
    """A card never reviewed: FSRS's new card (learning, step 0), due now."""
    return {"fsrs": fsrs.Card(card_id=card.pk, due=_utc(now)).to_dict(), "due": now}


def deck_schedule(*, user: User, deck: DeckView, now: datetime) -> int:
    """Put the deck's cards the user has not yet scheduled into their reviews, as new cards due now.
    Returns how many were added."""
    cards = card_identify(deck=deck)
    have = set(CardState.objects.filter(user=user, card__in=cards.values()).values_list("card_id", flat=True))
    new = [
        CardState(user=user, card=card, **_new_state(card, now))
        for card in cards.values()
        if card.pk not in have
    ]
    CardState.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def study_settings_update(*, user: User, desired_retention: float) -> StudySettings:
    low, high = RETENTION_RANGE
    if not low <= desired_retention <= high:
        raise FlashcardError(f"Desired retention must be between {low:.2f} and {high:.2f}.")
    settings, _ = StudySettings.objects.update_or_create(
        user=user, defaults={"desired_retention": desired_retention}
    )
    return settings


@transaction.atomic
def personal_deck_import(*, owner: User, title: str, data: bytes, now: datetime) -> PersonalDeck:
    """A new personal deck from a "term TAB definition" file. Raises interop.ImportRefused, listing every
    bad line, and saves nothing when any line is bad."""
    title = title.strip()
    if not title:
        raise FlashcardError("Give the deck a title.")
    cards: list[ParsedCard] = tsv_parse(data)
    deck = PersonalDeck.objects.create(owner=owner, title=title[:200], created_at=now)
    Card.objects.bulk_create(
        Card(personal_deck=deck, card_key=str(c.line), front=c.front, back=c.back) for c in cards
    )
    return deck


def personal_deck_delete(*, owner: User, deck: PersonalDeck) -> None:
    if deck.owner_id != owner.pk:
        raise FlashcardError("Only its owner can delete a deck.")
    deck.delete()
