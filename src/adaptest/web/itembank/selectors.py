"""Reads for the item bank."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Count, F, QuerySet

from adaptest.psychometrics.classical import classical_statistics
from adaptest.psychometrics.responses import ResponseData
from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from adaptest.web.itembank.models import (
    Assessment,
    Bank,
    Item,
    ItemParameters,
    ItemRating,
    ItemVersion,
    Use,
)


@dataclass(frozen=True)
class PracticeCard:
    """A flashcard: a prompt to answer in one's head, then the answer to check it against."""

    front: str
    back: str


@dataclass(frozen=True)
class SkillStudy:
    """What a skill page offers: the skill's note and resource, its practice questions (stems only: the
    practice pool, never a secure item) and flashcards to practise it with.

    Neither practice items nor flashcards are ever given in an assessment, so nothing here gives away a
    live question. When no
    card names the skill, ``cards`` holds its domain's deck and ``cards_are_for_the_domain`` says so.
    """

    skill: dict[str, Any]
    domain_title: str
    cards: tuple[PracticeCard, ...]
    cards_are_for_the_domain: bool
    practice_stems: tuple[str, ...] = ()
    practice_item_ids: tuple[str, ...] = ()  # the same questions' item ids, for "Practise it"

    @property
    def practice_items(self) -> list[tuple[str, str]]:
        """(item id, stem) of each practice question."""
        return list(zip(self.practice_item_ids, self.practice_stems, strict=True))


def skill_study(*, bank: Bank, skill_id: str) -> SkillStudy:
    """The study material of a skill of ``bank``; an unknown skill raises KeyError."""
    skill = next((s for s in bank.meta.get("skills", []) if s["id"] == skill_id), None)
    if skill is None:
        raise KeyError(skill_id)
    decks = bank.decks
    own = [c for deck in decks for c in deck["cards"] if skill_id in c["skills"]]
    domain = [c for deck in decks if deck["domain"] == skill["domain"] for c in deck["cards"]]
    chosen = own or domain
    practice = [v for v in practice_versions(bank=bank).select_related("item") if skill_id in v.parsed.skills]
    return SkillStudy(
        skill=skill,
        domain_title=bank.domain_titles().get(skill["domain"], skill["domain"]),
        cards=tuple(PracticeCard(c["front"], c["back"]) for c in chosen),
        cards_are_for_the_domain=not own and bool(domain),
        practice_stems=tuple(v.parsed.stem for v in practice),
        practice_item_ids=tuple(v.item.item_id for v in practice),
    )


def practice_versions(*, bank: Bank) -> QuerySet[ItemVersion]:
    """The current versions of the bank's active hand-written practice items, by item id."""
    return ItemVersion.objects.filter(
        item__bank=bank, item__is_active=True, item__current_version=F("pk"), use=Use.PRACTICE
    ).order_by("item__item_id")


def assessment_list_active() -> QuerySet[Assessment]:
    """Assessments a learner can take now, the adaptive skills assessment first."""
    return Assessment.objects.filter(is_active=True).select_related("bank").order_by("-kind", "title")


@dataclass(frozen=True)
class ItemResponses:
    """Every stored response to a bank's items, scored 1/0, as the calibration engine reads it.

    Persons are attempts and items are ``Item`` rows (all versions together); ``item_pks[j]`` is the
    primary key of the item in column ``j`` of ``data``.
    """

    data: ResponseData
    item_pks: tuple[int, ...]


def item_responses(*, bank: Bank | None = None) -> ItemResponses:
    """All responses to the items of ``bank`` (every bank when None): correct → 1, else 0.

    "I don't know yet" and partly correct answers score 0. Should an attempt hold the same item
    twice, its first response (lowest position) is kept, as a response file keeps the first line.
    Answers in a fixed-form attempt still in progress can change, so they wait for its end; adaptive
    answers are final when given. A free-text answer waiting for a person (``needs_review``) waits for
    their score too.
    """
    responses = Response.objects.exclude(
        slot__attempt__status=Attempt.Status.IN_PROGRESS,
        slot__attempt__assessment__kind=Assessment.Kind.FIXED,
    ).exclude(needs_review=True)
    if bank is not None:
        responses = responses.filter(slot__item_version__item__bank=bank)
    rows = responses.order_by("slot__attempt_id", "slot__position").values_list(
        "slot__attempt_id", "slot__item_version__item_id", "correct", "dont_know"
    )
    persons: dict[int, int] = {}
    items: dict[int, int] = {}
    seen: set[tuple[int, int]] = set()
    person, item, correct = [], [], []
    for attempt_id, item_pk, is_correct, dont_know in rows:
        p, j = persons.setdefault(attempt_id, len(persons)), items.setdefault(item_pk, len(items))
        if (p, j) not in seen:
            seen.add((p, j))
            person.append(p)
            item.append(j)
            correct.append(1.0 if is_correct and not dont_know else 0.0)
    data = ResponseData.from_indices(person, item, correct, n_persons=len(persons), n_items=len(items))
    return ItemResponses(data=data, item_pks=tuple(items))


#: Flag thresholds for the item statistics page (docs/calibration.md).
FLAG_MIN_RESPONSES = 30
FACILITY_RANGE = (0.1, 0.95)
MIN_DISCRIMINATION = 0.1
MIN_CALIBRATED_A = 0.3
LOW_RATING = 2.5
MIN_RATINGS = 3


@dataclass(frozen=True)
class ItemComment:
    stars: int
    comment: str
    version: str
    created_at: datetime


@dataclass(frozen=True)
class ItemStats:
    """One row of the item statistics page."""

    item_id: str
    domain: str
    kind: str
    a: float
    b: float
    source: str
    pretest: bool
    n: int
    facility: float | None
    discrimination: float | None
    exposure: float | None
    mean_rating: float | None
    ratings: int
    comments: tuple[ItemComment, ...]
    flags: tuple[str, ...] = field(default=())


ITEM_STATS_SORTS = (
    "item",
    "domain",
    "kind",
    "a",
    "b",
    "n",
    "facility",
    "discrimination",
    "exposure",
    "rating",
    "flags",
)
_SORT_FIELD = {"item": "item_id", "rating": "mean_rating"}


def item_stats_sort(sort: str) -> str:
    """``sort`` if it names a column of ``ITEM_STATS_SORTS`` (with an optional leading ``-``), else "item"."""
    return sort if sort.lstrip("-") in ITEM_STATS_SORTS else "item"


def item_statistics(
    *, bank: Bank | None = None, sort: str = "item", flagged_only: bool = False
) -> list[ItemStats]:
    """Per active item: parameters, classical statistics, exposure, ratings, comments and flags.

    ``sort`` is one of ``ITEM_STATS_SORTS``, with a leading ``-`` for descending; anything else sorts
    by item id. Missing values (no responses, no ratings) sort last either way.
    """
    items = Item.objects.filter(is_active=True, parameters__isnull=False).select_related(
        "current_version", "parameters"
    )
    if bank is not None:
        items = items.filter(bank=bank)
    classical = _classical_by_item(bank)
    exposure = _exposure_by_item(bank)
    ratings = _ratings_by_item(bank)
    rows = [_item_stats(item, classical, exposure, ratings) for item in items]
    if flagged_only:
        rows = [row for row in rows if row.flags]
    return _sorted(rows, sort)


def _item_stats(
    item: Item,
    classical: dict[int, tuple[int, float | None, float | None]],
    exposure: dict[int, float],
    ratings: dict[int, tuple[float | None, int, tuple[ItemComment, ...]]],
) -> ItemStats:
    parameters, version = item.parameters, item.current_version
    n, facility, discrimination = classical.get(item.pk, (0, None, None))
    mean_rating, count, comments = ratings.get(item.pk, (None, 0, ()))
    row = ItemStats(
        item_id=item.item_id,
        domain=version.domain if version else "",
        kind=version.kind if version else "",
        a=parameters.a,
        b=parameters.b,
        source=parameters.source,
        pretest=parameters.pretest,
        n=n,
        facility=facility,
        discrimination=discrimination,
        exposure=exposure.get(item.pk),
        mean_rating=mean_rating,
        ratings=count,
        comments=comments,
    )
    return replace(row, flags=item_flags(row))


def item_flags(row: ItemStats) -> tuple[str, ...]:
    """Why an item needs a look, in words; empty when nothing stands out."""
    flags = []
    enough = row.n >= FLAG_MIN_RESPONSES
    low, high = FACILITY_RANGE
    if enough and row.facility is not None and not low <= row.facility <= high:
        flags.append(f"facility {row.facility:.2f} outside {low}–{high}")
    if enough and row.discrimination is not None and row.discrimination < MIN_DISCRIMINATION:
        flags.append(f"discrimination {row.discrimination:.2f} below {MIN_DISCRIMINATION}")
    if row.source == ItemParameters.Source.CALIBRATION and row.a < MIN_CALIBRATED_A:
        flags.append(f"calibrated a {row.a:.2f} below {MIN_CALIBRATED_A}")
    if row.mean_rating is not None and row.ratings >= MIN_RATINGS and row.mean_rating <= LOW_RATING:
        flags.append(f"mean rating {row.mean_rating:.1f} from {row.ratings} ratings")
    if row.comments:
        flags.append(f"{len(row.comments)} comment(s)")
    return tuple(flags)


def _classical_by_item(bank: Bank | None) -> dict[int, tuple[int, float | None, float | None]]:
    """Item pk → (responses, facility, corrected item-rest point-biserial); NaN becomes None."""
    responses = item_responses(bank=bank)
    if responses.data.n_observations == 0:
        return {}
    stats = classical_statistics(responses.data)
    return {
        pk: (int(stats.n[j]), _finite(stats.facility[j]), _finite(stats.discrimination[j]))
        for j, pk in enumerate(responses.item_pks)
    }


def _exposure_by_item(bank: Bank | None) -> dict[int, float]:
    """Item pk → share of adaptive attempts that showed the item, as exposure control counts it.

    The denominator is the attempts at adaptive assessments whose blueprint covers the item's domain:
    those are the attempts that could have drawn it. Fixed forms are left out — there every taker of a
    form sees all of its items, by design.
    """
    adaptive = Assessment.objects.filter(kind=Assessment.Kind.ADAPTIVE)
    if bank is not None:
        adaptive = adaptive.filter(bank=bank)
    attempts = dict(
        Attempt.objects.filter(assessment__in=adaptive)
        .values_list("assessment_id")
        .annotate(n=Count("id"))
        .values_list("assessment_id", "n")
    )
    domains = {a.pk: set(a.blueprint) for a in adaptive if attempts.get(a.pk)}
    shown = (
        AttemptItem.objects.filter(attempt__assessment_id__in=domains)
        .values("item_version__item_id", "item_version__domain")
        .annotate(n=Count("attempt_id", distinct=True))
    )
    counts: dict[int, int] = defaultdict(int)
    item_domain: dict[int, str] = {}
    for row in shown:
        pk = row["item_version__item_id"]
        counts[pk] += row["n"]
        item_domain[pk] = row["item_version__domain"]
    exposure = {}
    for pk, n in counts.items():
        could_draw = sum(attempts[a] for a, covered in domains.items() if item_domain[pk] in covered)
        if could_draw:  # zero once a blueprint dropped the item's domain: no current rate to report
            exposure[pk] = n / could_draw
    return exposure


def _ratings_by_item(bank: Bank | None) -> dict[int, tuple[float | None, int, tuple[ItemComment, ...]]]:
    """Item pk → (mean stars, number of ratings, comments newest first), over all versions."""
    ratings = ItemRating.objects.select_related("item_version").order_by("-created_at")
    if bank is not None:
        ratings = ratings.filter(item_version__item__bank=bank)
    stars: dict[int, list[int]] = defaultdict(list)
    comments: dict[int, list[ItemComment]] = defaultdict(list)
    for rating in ratings:
        pk = rating.item_version.item_id
        stars[pk].append(rating.stars)
        if rating.comment.strip():
            version = rating.item_version.content_hash
            comments[pk].append(ItemComment(rating.stars, rating.comment, version, rating.created_at))
    return {pk: (sum(s) / len(s), len(s), tuple(comments[pk])) for pk, s in stars.items()}


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _sorted(rows: list[ItemStats], sort: str) -> list[ItemStats]:
    sort = item_stats_sort(sort)
    descending, key = sort.startswith("-"), sort.lstrip("-")
    attribute = _SORT_FIELD.get(key, key)

    def value(row: ItemStats) -> Any:
        found = getattr(row, attribute)
        return len(found) if key == "flags" else found

    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    present.sort(key=lambda row: (value(row), row.item_id), reverse=descending)
    return present + sorted(missing, key=lambda row: row.item_id)


def all_domain_titles() -> dict[str, str]:
    """Every loaded bank's domains, id → title, in the banks' order (an organisation's role profile may
    require any of them)."""
    titles: dict[str, str] = {}
    for bank in Bank.objects.order_by("pk"):
        titles |= bank.domain_titles()
    return titles
