"""Item content copied from bank files, one immutable row per item version (by content hash)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from adaptest.bank import GradableItem, parse_item


def new_pool_stamp() -> str:
    """A fresh random stamp: unlike a counter, it never repeats, even after a rolled-back transaction."""
    return secrets.token_hex(8)


class Bank(models.Model):
    bank_id = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    meta = models.JSONField(help_text="bank.yaml as loaded: domains, level descriptors, skills")
    decks = models.JSONField(
        default=list, blank=True, help_text="decks/*.yaml as loaded: flashcard decks, cards tied to skills"
    )
    synced_at = models.DateTimeField(auto_now=True)
    pool_stamp = models.CharField(
        max_length=32,
        default=new_pool_stamp,
        help_text=(
            "renewed whenever the bank's items or their parameters change (sync, calibration): servers "
            "rebuild their cached adaptive pools when it differs from the one they built from"
        ),
    )

    def __str__(self) -> str:
        return self.title

    def domain_titles(self) -> dict[str, str]:
        return {d["id"]: d["title"] for d in self.meta["domains"]}


class Item(models.Model):
    """A bank's item: a hand-written item file, or a generator family whose variants share its parameters."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=80)
    current_version = models.ForeignKey(
        "ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True, help_text="False once the item's file is removed")
    variant_versions = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "a generator family: ItemVersion pks of its current variants, one given to each taker "
            "(current_version is the first); empty for a hand-written item"
        ),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "item_id"], name="unique_item_per_bank")]
        ordering = ["item_id"]

    def __str__(self) -> str:
        return self.item_id


class Use(models.TextChoices):
    """Which pool a version serves: the bank's ``use`` for hand-written items; families serve both."""

    SECURE = "secure"
    PRACTICE = "practice"
    BOTH = "both"


ASSESSMENT_USES = (Use.SECURE, Use.BOTH)
PRACTICE_USES = (Use.PRACTICE, Use.BOTH)


class ItemVersion(models.Model):
    """Exactly what a learner saw: responses point here, so edits never rewrite history."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    content_hash = models.CharField(max_length=16)
    kind = models.CharField(max_length=30)
    domain = models.CharField(max_length=60)
    use = models.CharField(
        max_length=10,
        choices=Use.choices,
        default=Use.SECURE,
        help_text="the pool: secure (assessments), practice, or both (generated variants)",
    )
    data = models.JSONField()
    figure_svg = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "content_hash"], name="unique_item_version")]
        ordering = ["item__item_id", "-created_at"]

    def __str__(self) -> str:
        return f"{self.item.item_id}@{self.content_hash}"

    @property
    def parsed(self) -> GradableItem:
        """The item as the bank layer models it; versions are immutable, so parse each hash once."""
        item = _PARSED.get(self.content_hash)
        if item is None:
            item = _PARSED[self.content_hash] = parse_item(self.data)
        return item


# The content hash covers the whole item data, so one hash always parses to the same item.
_PARSED: dict[str, GradableItem] = {}


class Assessment(models.Model):
    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed form"
        ADAPTIVE = "adaptive", "Adaptive"

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="assessments")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    time_limit_seconds = models.PositiveIntegerField()
    pass_mark = models.FloatField(null=True, blank=True, help_text="fraction of the maximum score")
    forms = models.JSONField(
        default=dict, help_text="fixed assessments: parallel forms, name -> item ids in order"
    )
    blueprint = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.title

    @property
    def is_adaptive(self) -> bool:
        return self.kind == self.Kind.ADAPTIVE

    @property
    def question_count(self) -> int:
        if self.kind == self.Kind.FIXED:
            return len(next(iter(self.forms.values()), []))
        return sum(self.blueprint.values())


class ItemParameters(models.Model):
    """The engine's 2PL parameters for an item: the author's hint until responses calibrate it.

    A pretest item is given only in unscored slots until ``adaptest calibrate`` has enough responses
    to estimate it; then it becomes scored.
    """

    class Source(models.TextChoices):
        HINT = "hint", "Author's difficulty hint"
        CALIBRATION = "calibration", "Calibrated from responses"

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="parameters")
    a = models.FloatField(default=1.0, help_text="discrimination")
    b = models.FloatField(default=0.0, help_text="difficulty on the θ scale")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.HINT)
    pretest = models.BooleanField(default=False, help_text="given only in unscored slots until calibrated")
    responses = models.PositiveIntegerField(default=0, help_text="responses behind the last calibration")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.item}: a={self.a:.2f} b={self.b:.2f} ({self.source})"


class ItemRating(models.Model):
    """A learner's rating of one item version, given in the review ("How would you rate this question?")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_ratings")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="ratings")
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, default="", max_length=2000)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "item_version"], name="one_rating_per_user_and_version"),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="stars_from_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.user} rated {self.item_version}: {self.stars}/5"
