"""Challenge matches: two learners answer the same questions against the clock; Elo ratings per deck and
per domain; the players' public faces (display names, leaderboard opt-out).

A match's questions are frozen when it is created (``MatchQuestion``: the prompt, the options in the
order both players see them, and the key, which stays on the server). Each player's go is a ``MatchRun``
with one ``MatchAnswer`` per question shown; a question's clock starts when it is shown. Nothing here is
read by assessments or practice.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from adaptest.web.flashcards.models import Card
from adaptest.web.itembank.models import Bank, ItemVersion

DEFAULT_RATING = 1500.0


class Player(models.Model):
    """How a learner appears to other players: a display name, never their username or e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="player")
    display_name = models.CharField(max_length=40, unique=True)
    on_leaderboards = models.BooleanField(default=True, help_text="shown on leaderboards")

    def __str__(self) -> str:
        return self.display_name


class Scope(models.TextChoices):
    """What a match (and a rating) is about: one flashcard deck or one domain of a bank."""

    DECK = "deck", "Deck"
    DOMAIN = "domain", "Domain"


class Match(models.Model):
    """A challenge between two learners, or one learner's game against a recorded run (``ghost_run``)."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an opponent"
        ACCEPTED = "accepted", "Both players are in"
        FINISHED = "finished", "Finished"
        EXPIRED = "expired", "Expired unanswered"

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_key = models.CharField(max_length=120, help_text="a deck's key, or a domain's id")
    scope_title = models.CharField(max_length=200)
    challenger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opponent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ghost_run = models.ForeignKey(
        "MatchRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="a game against this recorded run (only the live player's rating changes)",
    )
    listed = models.BooleanField(default=True, help_text="on the open-challenges list (else: by link only)")
    token = models.CharField(max_length=32, unique=True, help_text="the secret in the challenge's link")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    seconds_per_question = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="an open challenge nobody accepted expires then")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "listed", "expires_at"])]

    def __str__(self) -> str:
        return f"match {self.pk} on {self.scope_title} ({self.status})"

    @property
    def is_ghost(self) -> bool:
        return self.ghost_run_id is not None


class MatchQuestion(models.Model):
    """One question of a match, as both players see it. ``answer_index`` never leaves the server before
    the player has answered."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    card = models.ForeignKey(Card, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prompt = models.TextField(help_text="Markdown: a card's front or an item's stem")
    options = models.JSONField(help_text="the option texts (Markdown), in the order shown")
    option_ids = models.JSONField(default=list, help_text="an item's option ids, in the same order")
    answer_index = models.PositiveSmallIntegerField()
    explanation = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "position"], name="unique_match_position"),
            models.CheckConstraint(
                condition=Q(card__isnull=False) ^ Q(item_version__isnull=False),
                name="question_is_card_or_item",
            ),
        ]
        ordering = ["match", "position"]

    def __str__(self) -> str:
        return f"match {self.match_id} #{self.position}"


class MatchRun(models.Model):
    """One player's go at a match's questions; ``finished_at`` is set once, when it is over (every
    question answered, or its time ran out)."""

    class Role(models.TextChoices):
        CHALLENGER = "challenger", "Challenger"
        OPPONENT = "opponent", "Opponent"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_runs")
    role = models.CharField(max_length=10, choices=Role.choices)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveIntegerField(default=0)
    right = models.PositiveIntegerField(default=0)
    rating_before = models.FloatField(null=True, blank=True)
    rating_after = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "role"], name="one_run_per_role"),
            models.UniqueConstraint(fields=["match", "user"], name="nobody_plays_both_sides"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in match {self.match_id}"


class MatchAnswer(models.Model):
    """A question shown to a player (``shown_at`` starts its clock) and, once given, the answer."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveIntegerField()
    shown_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    choice = models.PositiveSmallIntegerField(null=True, blank=True, help_text="the option index chosen")
    late = models.BooleanField(default=False, help_text="answered after the time limit, or never")
    correct = models.BooleanField(default=False)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="one_answer_per_question")]
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return f"run {self.run_id} #{self.position}"

    @property
    def seconds_taken(self) -> float | None:
        """From being shown to being answered, on the server's clock; None while unanswered."""
        return (self.answered_at - self.shown_at).total_seconds() if self.answered_at else None

    def seconds_left(self, *, limit: int, now: datetime) -> float:
        """What is left of the question's ``limit`` at ``now`` (0 once it has run out)."""
        return max(0.0, limit - (now - self.shown_at).total_seconds())


class MatchRating(models.Model):
    """A player's Elo rating on one deck or one domain."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_ratings")
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_key = models.CharField(max_length=120)
    rating = models.FloatField(default=DEFAULT_RATING)
    games = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "bank", "scope", "scope_key"], name="one_rating_per_scope"
            )
        ]
        indexes = [models.Index(fields=["bank", "scope", "scope_key", "-rating"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.scope_key}: {self.rating:.0f}"


class RatingChange(models.Model):
    """One match's effect on one rating: the rating history its chart draws."""

    rating = models.ForeignKey(MatchRating, on_delete=models.CASCADE, related_name="changes")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="rating_changes")
    before = models.FloatField()
    after = models.FloatField()
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "match"], name="one_change_per_match")]
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rating}: {self.before:.0f} → {self.after:.0f}"
