"""Practice: what a learner chose to practise, each question given, each answer, and the Elo ratings.

Nothing here is read by assessments, calibration, exposure control, percentiles or retakes: practice has
its own rows, and ``itembank.selectors.item_responses`` reads only assessment responses.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from adaptest.web.assessments.models import HumanReview
from adaptest.web.itembank.models import Bank, Item, ItemVersion


class PracticeSession(models.Model):
    """One choice of what to practise: a domain, some skills, or a study plan (its skills)."""

    class Choice(models.TextChoices):
        DOMAIN = "domain", "A domain"
        SKILLS = "skills", "Skills"
        STUDY_PLAN = "study_plan", "My study plan"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=20, choices=Choice.choices)
    domain = models.CharField(max_length=60, blank=True, default="", help_text="a domain choice: its id")
    skills = models.JSONField(default=list, blank=True, help_text="skills and study plans: the skill ids")
    title = models.CharField(max_length=200, help_text="what the learner chose, in words")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"


class PracticeQuestion(models.Model):
    """A question given in a session: the row is the token its answer is sent for, so an answer can be
    stored once only. ``shown_at`` starts the clock of the time taken."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="questions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    display_seed = models.PositiveIntegerField(help_text="fixes the order options are shown in")
    predicted = models.FloatField(help_text="the learner's predicted chance of success when it was chosen")
    shown_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="unique_practice_position")
        ]
        ordering = ["session", "position"]

    def __str__(self) -> str:
        return f"practice {self.session_id}#{self.position}: {self.item_version}"

    @property
    def stored_response(self) -> PracticeResponse | None:
        """The answer, or None while unanswered (``select_related("response")`` reads it without a query)."""
        try:
            return self.response
        except PracticeResponse.DoesNotExist:
            return None


class PracticeResponse(HumanReview):
    """The answer to one practice question (one row per question: answering again changes nothing)."""

    question = models.OneToOneField(PracticeQuestion, on_delete=models.CASCADE, related_name="response")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=60)
    answer = models.JSONField(
        null=True, blank=True, help_text="canonical answer; empty for “I don't know yet”"
    )
    dont_know = models.BooleanField(default=False)
    score = models.FloatField()
    correct = models.BooleanField()
    seconds = models.FloatField(help_text="time taken, on the server's clock, from the question being shown")
    rating_after = models.FloatField(help_text="the learner's practice rating in the domain after it")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dont_know=False) | Q(answer__isnull=True), name="practice_dont_know_has_no_answer"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "domain", "created_at"], name="practice_by_user_domain"),
            models.Index(fields=["created_at"], condition=Q(needs_review=True), name="practice_to_review"),
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"practice answer to {self.question}"


class PracticeRating(models.Model):
    """A learner's practice Elo rating in one domain of a bank (θ on the 2PL logit scale)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=60)
    rating = models.FloatField(default=0.0)
    evidence = models.FloatField(default=0.0, help_text="information-weighted answers: sets the step K(n)")
    updates = models.PositiveIntegerField(default=0, help_text="answers so far")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "bank", "domain"], name="one_practice_rating_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.domain}: {self.rating:+.2f}"


class PracticeItemRating(models.Model):
    """An item's practice difficulty and discrimination, from its 2PL parameters and then practice answers.

    A generator family has one row: its variants share it, as they share the family's parameters."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="practice_rating")
    difficulty = models.FloatField()
    discrimination = models.FloatField(default=1.0)
    evidence = models.FloatField(default=0.0)
    updates = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.item}: d={self.difficulty:+.2f} a={self.discrimination:.2f}"
