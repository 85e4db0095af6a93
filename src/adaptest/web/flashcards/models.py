"""Flashcards: personal decks, card identities, each learner's FSRS schedule and review log.

Shipped decks live in the bank's files (``Bank.decks``); a shipped card gets a ``Card`` row, its
identity, the first time someone studies it, so schedules and reviews can point at it. A personal deck's
cards are rows here, text and all, visible to their owner only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from adaptest.web.itembank.models import Bank

#: The desired retention a learner may choose (FSRS's target probability of recall at the due date).
RETENTION_RANGE = (0.70, 0.97)
DEFAULT_RETENTION = 0.9
#: The first part of a personal deck's key, ``my:<pk>`` (selectors.deck_get).
PERSONAL = "my"


class PersonalDeck(models.Model):
    """A deck a learner imported; only its owner may see or study it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decks")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        return f"{PERSONAL}:{self.pk}"


class Card(models.Model):
    """A flashcard's identity: a shipped card (bank, deck id, card id; its text stays in ``Bank.decks``)
    or a personal card (its deck, with front and back here). Reviews and schedules point here, so a
    shipped card whose wording is edited keeps its history, as an Anki note keeps its id."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    deck_key = models.CharField(max_length=80, blank=True, default="", help_text="a shipped card's deck id")
    personal_deck = models.ForeignKey(
        PersonalDeck, on_delete=models.CASCADE, null=True, blank=True, related_name="cards"
    )
    card_key = models.CharField(
        max_length=80, help_text="a shipped card's id; a personal card's line number in its file"
    )
    front = models.TextField(blank=True, default="", help_text="personal cards only")
    back = models.TextField(blank=True, default="", help_text="personal cards only")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(bank__isnull=False) & Q(personal_deck__isnull=True) & ~Q(deck_key=""))
                | (Q(bank__isnull=True) & Q(personal_deck__isnull=False) & Q(deck_key="")),
                name="card_is_shipped_or_personal",
            ),
            models.UniqueConstraint(
                fields=["bank", "deck_key", "card_key"],
                condition=Q(bank__isnull=False),
                name="one_identity_per_shipped_card",
            ),
            models.UniqueConstraint(
                fields=["personal_deck", "card_key"],
                condition=Q(personal_deck__isnull=False),
                name="unique_card_key_per_personal_deck",
            ),
        ]

    def __str__(self) -> str:
        if self.personal_deck_id is not None:
            return f"personal deck {self.personal_deck_id}, card {self.card_key}"
        return f"{self.deck_key}/{self.card_key}"


class CardState(models.Model):
    """One learner's FSRS memory state for one card: ``fsrs.Card.to_dict()`` as stored, and its due time
    (a column of its own, so "what is due" is one indexed query)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="states")
    fsrs = models.JSONField(
        help_text="fsrs.Card.to_dict(): state, step, stability, difficulty, due, last_review"
    )
    due = models.DateTimeField()
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="one_state_per_user_and_card")]
        indexes = [models.Index(fields=["user", "due"], name="card_state_user_due")]

    def __str__(self) -> str:
        return f"{self.user} · {self.card}: due {self.due:%Y-%m-%d %H:%M}"


class Rating(models.IntegerChoices):
    """FSRS's four grades, with fsrs.Rating's values."""

    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class Review(models.Model):
    """One rating of one card: what FSRS learned from it and the state it left."""

    class Mode(models.TextChoices):
        FLIP = "flip", "Flip"
        REVIEW = "review", "Review due cards"
        API = "api", "API"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_reviews")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True, help_text="time from showing to rating")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    state_after = models.JSONField(help_text="fsrs.Card.to_dict() after the review")
    due_after = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=4), name="rating_from_1_to_4")
        ]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="card_review_user_time")]
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.user} rated {self.card} {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"
        )


class StudySettings(models.Model):
    """A learner's scheduler settings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings"
    )
    desired_retention = models.FloatField(
        default=DEFAULT_RETENTION,
        validators=[MinValueValidator(RETENTION_RANGE[0]), MaxValueValidator(RETENTION_RANGE[1])],
        help_text="the chance of recall on the due date that FSRS schedules for",
    )
    parameters = models.JSONField(
        null=True,
        blank=True,
        help_text="FSRS-6 parameters fitted to this learner's reviews; none: the defaults",
    )
    parameters_reviews = models.PositiveIntegerField(
        null=True, blank=True, help_text="reviews they were fitted to"
    )
    parameters_fitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=RETENTION_RANGE[0])
                & Q(desired_retention__lte=RETENTION_RANGE[1]),
                name="desired_retention_in_range",
            )
        ]
        verbose_name_plural = "study settings"

    def __str__(self) -> str:
        return f"{self.user}: retention {self.desired_retention:.2f}"
