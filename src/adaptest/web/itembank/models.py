"""Item content copied from bank files, one immutable row per item version (by content hash)."""

from __future__ import annotations

from django.db import models

from adaptest.bank import GradableItem, parse_item


class Bank(models.Model):
    bank_id = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    meta = models.JSONField(help_text="bank.yaml as loaded: domains, level descriptors, skills")
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

    def domain_titles(self) -> dict[str, str]:
        return {d["id"]: d["title"] for d in self.meta["domains"]}


class Item(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=80)
    current_version = models.ForeignKey(
        "ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True, help_text="False once the item's file is removed")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "item_id"], name="unique_item_per_bank")]
        ordering = ["item_id"]

    def __str__(self) -> str:
        return self.item_id


class ItemVersion(models.Model):
    """Exactly what a learner saw: responses point here, so edits never rewrite history."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    content_hash = models.CharField(max_length=16)
    kind = models.CharField(max_length=30)
    domain = models.CharField(max_length=60)
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
    def question_count(self) -> int:
        if self.kind == self.Kind.FIXED:
            return len(next(iter(self.forms.values()), []))
        return sum(self.blueprint.values())
