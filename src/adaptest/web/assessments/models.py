"""Attempts at assessments, the item versions they froze, and the learner's responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from adaptest.web.itembank.models import Assessment, Item, ItemVersion


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Time ran out"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    form = models.CharField(max_length=20, blank=True, default="", help_text="which parallel form was given")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(help_text="set by the server at start; answers after it are refused")
    finished_at = models.DateTimeField(null=True, blank=True)
    current_position = models.PositiveIntegerField(default=1, help_text="where the learner resumes")
    score = models.FloatField(null=True, blank=True, help_text="fraction of the maximum, once finished")
    passed = models.BooleanField(null=True, blank=True)
    self_initiated = models.BooleanField(
        default=True,
        help_text="started by the learner (counts towards the retake limit), not by an invitation",
    )
    report = models.JSONField(
        null=True, blank=True, help_text="adaptive attempts: domain and overall estimates, once finished"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assessment"],
                condition=Q(status="in_progress"),
                name="one_open_attempt_per_assessment",
            )
        ]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.assessment} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptItem(models.Model):
    """The item version shown at one position of an attempt, frozen when the attempt starts."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField()
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    display_seed = models.PositiveIntegerField(help_text="fixes the order options are shown in")
    scored = models.BooleanField(default=True, help_text="False for an unscored pretest slot")
    a = models.FloatField(null=True, blank=True, help_text="adaptive: discrimination used when selected")
    b = models.FloatField(null=True, blank=True, help_text="adaptive: difficulty used when selected")
    calibrated = models.BooleanField(
        null=True,
        blank=True,
        help_text="adaptive: a and b came from calibration (False: the author's hint) when given",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position")
        ]
        ordering = ["attempt", "position"]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}: {self.item_version}"

    @property
    def stored_response(self) -> Response | None:
        """The response at this position, or None while it is unanswered (load it with
        ``select_related("response")`` to read it without a query)."""
        try:
            return self.response
        except Response.DoesNotExist:
            return None


class HumanReview(models.Model):
    """What an answer needs when a person checks it (free_text answers the rubric could not place).

    Both the assessments' Response and practice's PracticeResponse have it, so one review service and one
    queue serve both.
    """

    needs_review = models.BooleanField(
        default=False, help_text="free_text: the rubric could not place it; waiting for a person to check it"
    )
    auto_score = models.FloatField(
        null=True, blank=True, help_text="the automatic score, kept once a person's score replaced it"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Response(HumanReview):
    """The learner's answer at one position. One row per position: resubmitting updates, never adds."""

    slot = models.OneToOneField(AttemptItem, on_delete=models.CASCADE, related_name="response")
    answer = models.JSONField(
        null=True, blank=True, help_text="canonical answer; empty for “I don't know yet”"
    )
    dont_know = models.BooleanField(default=False)
    score = models.FloatField()
    correct = models.BooleanField()
    first_saved_at = models.DateTimeField()
    saved_at = models.DateTimeField()
    revisions = models.PositiveIntegerField(default=1, help_text="how many times the answer was changed")

    class Meta:
        indexes = [
            models.Index(fields=["saved_at"], condition=Q(needs_review=True), name="responses_to_review")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dont_know=False) | Q(answer__isnull=True), name="dont_know_has_no_answer"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="score_in_unit_interval"
            ),
        ]

    def __str__(self) -> str:
        return f"response to {self.slot}"


class ExposureCounter(models.Model):
    """How often an adaptive assessment has given an item, kept up to date when a slot is added.

    The row with no item counts the assessment's adaptive attempts (the sessions that exposure rates
    divide by). Counting from history instead would cost more with every attempt anyone takes.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], condition=Q(item__isnull=False), name="one_counter_per_item"
            ),
            models.UniqueConstraint(
                fields=["assessment"], condition=Q(item__isnull=True), name="one_session_counter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.item or 'sessions'} × {self.count}"
