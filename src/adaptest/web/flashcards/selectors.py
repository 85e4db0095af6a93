"""Reads for flashcards: decks by domain and skill, one deck as a learner may see it, due cards.

A deck is named by a key: ``<bank>:<deck>`` for a shipped deck, ``<bank>:<deck>:<skill>`` for the
cards of one skill in it, ``my:<pk>`` for a personal deck (its owner's only: anyone else gets
DeckNotFound, as for a deck that does not exist, so ids cannot be probed).
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from adaptest.web.flashcards.models import (
    DEFAULT_RETENTION,
    PERSONAL,
    Card,
    CardState,
    PersonalDeck,
    Review,
    StudySettings,
)
from adaptest.web.itembank.models import Bank


class DeckNotFound(Exception):
    """No such deck, or one the user may not see."""


@dataclass(frozen=True)
class CardView:
    """A card as the modes show it: ``key`` is its id within its deck (a shipped card's id, a personal
    card's line number)."""

    key: str
    front: str
    back: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeckView:
    key: str
    title: str
    domain: str
    domain_title: str
    cards: tuple[CardView, ...]
    bank: Bank | None = None
    deck_id: str = ""
    skill: dict[str, Any] | None = None
    personal: PersonalDeck | None = None

    @property
    def is_personal(self) -> bool:
        return self.personal is not None

    def card(self, key: str) -> CardView | None:
        return next((c for c in self.cards if c.key == key), None)

    @property
    def card_keys(self) -> list[str]:
        return [c.key for c in self.cards]


@dataclass(frozen=True)
class SkillEntry:
    id: str
    title: str
    cards: int
    deck_key: str


@dataclass(frozen=True)
class DomainEntry:
    id: str
    title: str
    decks: list[DeckView] = field(default_factory=list)
    skills: list[SkillEntry] = field(default_factory=list)


@dataclass(frozen=True)
class DeckIndex:
    domains: list[DomainEntry]
    personal: list[PersonalDeck]


def deck_index(*, user: User | AnonymousUser) -> DeckIndex:
    """Every shipped deck by domain, with the skills its cards practise; the user's own decks."""
    domains: list[DomainEntry] = []
    for bank in Bank.objects.order_by("bank_id"):
        titles = bank.domain_titles()
        skills = {s["id"]: s for s in bank.meta.get("skills", [])}
        by_domain: dict[str, DomainEntry] = {}
        for domain_id, title in titles.items():
            by_domain[domain_id] = DomainEntry(domain_id, title)
        for deck in bank.decks:
            entry = by_domain.setdefault(deck["domain"], DomainEntry(deck["domain"], deck["domain"]))
            view = _shipped_view(bank, deck, None)
            entry.decks.append(view)
            counts: dict[str, int] = defaultdict(int)
            for card in deck["cards"]:
                for skill_id in card["skills"]:
                    counts[skill_id] += 1
            for skill_id, count in counts.items():
                title = skills.get(skill_id, {}).get("title", skill_id)
                entry.skills.append(SkillEntry(skill_id, title, count, f"{view.key}:{skill_id}"))
        domains += [d for d in by_domain.values() if d.decks]
    personal = list(PersonalDeck.objects.filter(owner=user)) if user.is_authenticated else []
    return DeckIndex(domains, personal)


def deck_get(*, user: User | AnonymousUser, key: str) -> DeckView:
    """The deck ``key`` names, as ``user`` may see it; DeckNotFound otherwise."""
    parts = key.split(":")
    if parts[0] == PERSONAL:
        if len(parts) != 2 or not re.fullmatch(r"[0-9]{1,9}", parts[1]) or not user.is_authenticated:
            raise DeckNotFound(key)
        deck = PersonalDeck.objects.filter(pk=int(parts[1]), owner=user).first()
        if deck is None:
            raise DeckNotFound(key)
        return personal_view(deck)
    if len(parts) not in (2, 3):
        raise DeckNotFound(key)
    bank = Bank.objects.filter(bank_id=parts[0]).first()
    shipped = next((d for d in bank.decks if d["id"] == parts[1]), None) if bank else None
    if bank is None or shipped is None:
        raise DeckNotFound(key)
    skill = None
    if len(parts) == 3:
        skill = next((s for s in bank.meta.get("skills", []) if s["id"] == parts[2]), None)
        if skill is None or not any(parts[2] in c["skills"] for c in shipped["cards"]):
            raise DeckNotFound(key)
    return _shipped_view(bank, shipped, skill)


def personal_view(deck: PersonalDeck) -> DeckView:
    cards = tuple(
        CardView(c.card_key, c.front, c.back)
        for c in deck.cards.order_by("pk").only("card_key", "front", "back")
    )
    return DeckView(deck.key, deck.title, "", "Your decks", cards, personal=deck)


def _shipped_view(bank: Bank, deck: dict[str, Any], skill: dict[str, Any] | None) -> DeckView:
    cards = tuple(
        CardView(c["id"], c["front"], c["back"], tuple(c["skills"]))
        for c in deck["cards"]
        if skill is None or skill["id"] in c["skills"]
    )
    key = f"{bank.bank_id}:{deck['id']}" + (f":{skill['id']}" if skill else "")
    title = deck["title"] + (f" — {skill['title']}" if skill else "")
    domain_title = bank.domain_titles().get(deck["domain"], deck["domain"])
    return DeckView(
        key, title, deck["domain"], domain_title, cards, bank=bank, deck_id=deck["id"], skill=skill
    )


def card_views(*, cards: Iterable[Card]) -> dict[int, CardView]:
    """Card pk → its text now; a shipped card no longer in its bank's files is left out."""
    cards = list(cards)
    bank_pks = {c.bank_id for c in cards if c.bank_id is not None}
    shipped: dict[tuple[int, str, str], CardView] = {}
    for bank in Bank.objects.filter(pk__in=bank_pks):
        for deck in bank.decks:
            for c in deck["cards"]:
                shipped[(bank.pk, deck["id"], c["id"])] = CardView(
                    c["id"], c["front"], c["back"], tuple(c["skills"])
                )
    views = {}
    for card in cards:
        if card.bank_id is None:
            views[card.pk] = CardView(card.card_key, card.front, card.back)
        elif (found := shipped.get((card.bank_id, card.deck_key, card.card_key))) is not None:
            views[card.pk] = found
    return views


def card_deck_key(card: Card) -> str:
    """The key of the deck a card belongs to (its whole deck, not a skill's part of it)."""
    if card.personal_deck_id is not None:
        return f"{PERSONAL}:{card.personal_deck_id}"
    return f"{card.bank.bank_id if card.bank else ''}:{card.deck_key}"


@dataclass(frozen=True)
class DueCard:
    state: CardState
    card: CardView
    deck_key: str


def due_cards(*, user: User, now: datetime, limit: int | None = None) -> list[DueCard]:
    """The user's cards due at ``now``, the most overdue first (cards gone from the files left out)."""
    states = list(
        CardState.objects.filter(user=user, due__lte=now)
        .select_related("card", "card__bank")
        .order_by("due", "pk")
    )
    views = card_views(cards=[s.card for s in states])
    due = [DueCard(s, views[s.card_id], card_deck_key(s.card)) for s in states if s.card_id in views]
    return due[:limit] if limit is not None else due


def end_of_today(now: datetime) -> datetime:
    """Midnight at the end of ``now``'s day, in the site's time zone."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def due_count(*, user: User, until: datetime) -> int:
    """How many of the user's cards fall due before ``until`` (cards gone from the files not counted)."""
    states = CardState.objects.filter(user=user, due__lt=until).select_related("card", "card__bank")
    return len(card_views(cards=[s.card for s in states]))


def next_due(*, user: User, after: datetime) -> datetime | None:
    state = CardState.objects.filter(user=user, due__gt=after).order_by("due").first()
    return state.due if state else None


def scheduled_keys(*, user: User, deck: DeckView) -> set[str]:
    """The keys of the deck's cards the user already has in their reviews."""
    if not user.is_authenticated:
        return set()
    states = CardState.objects.filter(user=user)
    if deck.personal is not None:
        states = states.filter(card__personal_deck=deck.personal)
    else:
        states = states.filter(card__bank=deck.bank, card__deck_key=deck.deck_id)
    wanted = set(deck.card_keys)
    return {k for k in states.values_list("card__card_key", flat=True) if k in wanted}


def card_state_get(*, user: User, card_id: int | None) -> CardState | None:
    """A card in the user's reviews (with the card), or None when it is not in them."""
    if card_id is None:
        return None
    return CardState.objects.filter(user=user, card_id=card_id).select_related("card").first()


def desired_retention(*, user: User) -> float:
    found = StudySettings.objects.filter(user=user).values_list("desired_retention", flat=True).first()
    return DEFAULT_RETENTION if found is None else found


def study_settings(*, user: User) -> StudySettings:
    """The learner's scheduler settings (unsaved defaults when they never changed any)."""
    return StudySettings.objects.filter(user=user).first() or StudySettings(user=user)


def parameters_fit_available() -> bool:
    """Whether this server can fit FSRS parameters: fsrs's optimiser needs torch, pandas and tqdm
    (``pip install 'adaptest[optimizer]'``), which a plain install leaves out."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "pandas", "tqdm"))


def review_count(*, user: User) -> int:
    return Review.objects.filter(user=user).count()
