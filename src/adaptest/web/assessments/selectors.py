"""Reads for assessments: what the question, result and review pages show.

The question page's data comes only from an item's public presentation; keys, feedback and
explanations are read only for finished attempts (the review).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Literal, Protocol

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F, QuerySet

from adaptest.bank import GradableItem, Outcome, grade
from adaptest.bank.kinds.rubric import REVIEW_SUBJECT
from adaptest.bank.outcome import DONT_KNOW, FeedbackPart
from adaptest.psychometrics import MeasuredLevel, percentile, role_readiness
from adaptest.psychometrics.readiness import Verdict
from adaptest.web.assessments.engine import CUTS, SCALE
from adaptest.web.assessments.kinds import ADAPTERS, Fields, ReviewLine, fields_from_answer, widget_context
from adaptest.web.assessments.models import Attempt, AttemptItem, Response
from adaptest.web.itembank.models import Assessment, Bank, ItemRating, ItemVersion


def attempt_get_for_user(*, user: User, attempt_id: int) -> Attempt:
    """The user's own attempt; anyone else's raises Attempt.DoesNotExist (a 404, not a 403)."""
    return Attempt.objects.select_related("assessment", "assessment__bank").get(pk=attempt_id, user=user)


def attempt_list_for_user(*, user: User, assessment: Assessment | None = None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(user=user).select_related("assessment")
    return attempts.filter(assessment=assessment) if assessment else attempts


def attempt_slots(*, attempt: Attempt) -> list[AttemptItem]:
    """The attempt's slots in order, with their item versions and responses (one query)."""
    return list(attempt.slots.select_related("item_version", "response").order_by("position"))


def attempt_slot(*, attempt: Attempt, position: int) -> AttemptItem:
    return attempt.slots.select_related("item_version").get(position=position)


@dataclass(frozen=True)
class RetakeStatus:
    """How many self-initiated attempts the window allows, how many were used, and when the next frees up."""

    limit: int
    window_days: int
    used: int
    next_allowed: datetime | None

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def retake_status(*, user: User, assessment: Assessment, now: datetime) -> RetakeStatus:
    """Self-initiated attempts in the last ``ADAPTEST_RETAKE_WINDOW_DAYS`` days against the limit."""
    limit, days = settings.ADAPTEST_RETAKE_LIMIT, settings.ADAPTEST_RETAKE_WINDOW_DAYS
    window = timedelta(days=days)
    starts = list(
        Attempt.objects.filter(
            user=user, assessment=assessment, self_initiated=True, started_at__gt=now - window
        )
        .order_by("started_at")
        .values_list("started_at", flat=True)
    )
    next_allowed = starts[len(starts) - limit] + window if len(starts) >= limit else None
    return RetakeStatus(limit, days, len(starts), next_allowed)


@dataclass(frozen=True)
class QuestionPage:
    slot: AttemptItem
    item: GradableItem
    widget: dict[str, Any]
    count: int
    answered: dict[int, str]  # position -> "answered" | "dont_know"
    remaining_seconds: int
    adaptive: bool = False
    planned: int = 0  # adaptive: about how many questions the test has

    @property
    def position(self) -> int:
        return self.slot.position

    @property
    def answered_count(self) -> int:
        return len(self.answered)

    @property
    def state(self) -> str | None:
        """How the current question stands: "answered", "dont_know" or None."""
        return self.answered.get(self.position)


def question_page(
    *,
    attempt: Attempt,
    position: int,
    now: datetime,
    fields: Fields | None = None,
    slots: Sequence[AttemptItem] | None = None,
) -> QuestionPage:
    """The question at ``position``; ``fields`` are the learner's unsaved entries after an error.

    ``slots`` (with versions and responses, in order) saves the query when the caller has them."""
    if slots is None:
        slots = attempt_slots(attempt=attempt)
    slot = next(s for s in slots if s.position == position)
    item = slot.item_version.parsed
    presentation = item.presentation(slot.display_seed)
    if fields is None:
        response = slot.stored_response
        fields = fields_from_answer(item, presentation, response.answer) if response else {}
    answered = {
        s.position: ("dont_know" if s.response.dont_know else "answered")
        for s in slots
        if s.stored_response is not None
    }
    adaptive = attempt.assessment.is_adaptive
    return QuestionPage(
        slot=slot,
        item=item,
        widget=widget_context(item, presentation, fields),
        count=len(slots),
        answered=answered,
        remaining_seconds=max(0, int((attempt.deadline - now).total_seconds())),
        adaptive=adaptive,
        planned=_planned_length(attempt, slots) if adaptive else len(slots),
    )


def _planned_length(attempt: Attempt, slots: Sequence[AttemptItem]) -> int:
    """Scored questions by the blueprint plus the pretest questions given so far."""
    pretest_given = sum(not s.scored for s in slots)
    return max(attempt.assessment.question_count + pretest_given, len(slots))


@dataclass
class DomainResult:
    domain_id: str
    title: str
    questions: int = 0
    correct: int = 0
    points: float = 0.0

    @property
    def score(self) -> float:
        return self.points / self.questions if self.questions else 0.0


ReviewStatus = Literal["correct", "partial", "incorrect", "dont_know", "unanswered"]
"""How a reviewed question went (the API's ReviewEntryOut.status says the same)."""


@dataclass(frozen=True)
class ReviewSection:
    part: FeedbackPart
    lines: list[ReviewLine]


class StoredAnswer(Protocol):
    """A stored answer of any kind of session: an assessment's Response or a practice response."""

    dont_know: bool
    answer: Any
    score: float
    correct: bool
    needs_review: bool
    reviewed_at: datetime | None


HumanCheck = Literal["pending", "checked"]
"""A free-text answer a person will check (pending) or has checked: their score is the stored one."""


class AnswerFeedback:
    """The feedback on one answer as the review shows it (``assessments/feedback.html``): the outcome's
    parts labelled and ordered the way the question was shown, and what the kind adds beyond remarks.
    Assessment reviews and practice feedback both are one; they say where the display seed comes from."""

    item: GradableItem
    response: StoredAnswer | None
    outcome: Outcome

    @property
    def display_seed(self) -> int:
        raise NotImplementedError

    @cached_property
    def _presentation(self) -> dict[str, Any]:
        """The question as this learner saw it (option order, grid labels)."""
        return self.item.presentation(self.display_seed)

    @cached_property
    def sections(self) -> list[ReviewSection]:
        """The outcome's feedback parts, their remarks labelled and ordered as the question showed them.

        Once a person has checked the answer, the automatic "a person will check this answer" remark
        goes: the page says it was checked instead."""
        kind = ADAPTERS[self.item.kind]
        parts = self.outcome.parts
        if self.human_check == "checked":
            parts = tuple(
                replace(part, remarks=tuple(r for r in part.remarks if r.subject != REVIEW_SUBJECT))
                for part in parts
            )
        return [ReviewSection(part, kind.review_lines(self.item, self._presentation, part)) for part in parts]

    @property
    def human_check(self) -> HumanCheck | None:
        """Whether a person checks (pending) or checked this answer; None when no person is involved."""
        response = self.response
        if response is None or response.dont_know:
            return None
        if response.reviewed_at is not None:
            return "checked"
        return "pending" if response.needs_review else None

    @property
    def score(self) -> float:
        """The answer's score: a person's once they checked it, else the automatic one."""
        if self.response is None:
            return 0.0
        return self.response.score if self.human_check == "checked" else self.outcome.score

    @cached_property
    def extras(self) -> dict[str, Any]:
        """What the kind's review shows beyond remarks, e.g. a grid's labelled cells and key grid."""
        answer = None if self.response is None or self.response.dont_know else self.response.answer
        return ADAPTERS[self.item.kind].review_extras(self.item, self._presentation, answer)

    @property
    def states_answer_apart(self) -> bool:
        """Whether the review says "Your answer: …" on a line of its own: not for choice kinds, whose
        remarks already go through the options, unless there is nothing to go through."""
        return not ADAPTERS[self.item.kind].review_lists_options or self.status in ("unanswered", "dont_know")

    @property
    def status(self) -> ReviewStatus:
        if self.response is None:
            return "unanswered"
        if self.response.dont_know:
            return "dont_know"
        checked = self.human_check == "checked"
        if self.response.correct if checked else self.outcome.correct:
            return "correct"
        return "partial" if self.score > 0 else "incorrect"


@dataclass(frozen=True)
class ReviewEntry(AnswerFeedback):
    slot: AttemptItem
    item: GradableItem
    response: Response | None
    outcome: Outcome
    answer_text: str

    @property
    def display_seed(self) -> int:
        return self.slot.display_seed


@dataclass(frozen=True)
class SkillFeedback:
    """How the learner did on the questions of one skill in this attempt."""

    skill_id: str
    title: str
    domain: str
    note: str
    resource: dict[str, str] | None
    right: int = 0
    missed: int = 0

    @property
    def met(self) -> bool:
        return self.right > 0 and self.missed == 0


@dataclass(frozen=True)
class Calibration:
    """How many of the questions behind an adaptive attempt's levels had calibrated parameters.

    The levels rest mostly on authors' difficulty hints when fewer than half of the scored questions were
    calibrated when given (``AttemptItem.calibrated`` is frozen then; unknown counts as a hint).
    """

    calibrated: int
    scored: int
    min_responses: int
    """Responses an item needs before calibration replaces its hint (ADAPTEST_CALIBRATION_MIN_RESPONSES)."""

    @property
    def share(self) -> float:
        return self.calibrated / self.scored if self.scored else 0.0

    @property
    def provisional(self) -> bool:
        return self.share < 0.5


def attempt_calibration(*, attempt: Attempt, slots: Sequence[AttemptItem]) -> Calibration | None:
    """The calibration behind an adaptive attempt's levels (None for a fixed exam)."""
    if not attempt.assessment.is_adaptive:
        return None
    scored = [slot for slot in slots if slot.scored and slot.stored_response is not None]
    return Calibration(
        sum(slot.calibrated is True for slot in scored),
        len(scored),
        settings.ADAPTEST_CALIBRATION_MIN_RESPONSES,
    )


@dataclass(frozen=True)
class AttemptResult:
    attempt: Attempt
    entries: list[ReviewEntry]
    domains: list[DomainResult] = field(default_factory=list)
    skills: list[SkillFeedback] = field(default_factory=list)
    study_plan: list[SkillFeedback] = field(default_factory=list)
    percentile: float | None = None
    reference_takers: int = 0
    roles: list[RoleResult] = field(default_factory=list)
    calibration: Calibration | None = None

    @property
    def correct_count(self) -> int:
        return sum(e.status == "correct" for e in self.entries)

    @property
    def report(self) -> dict[str, Any] | None:
        return self.attempt.report

    @property
    def chart(self) -> dict[str, Any] | None:
        return score_chart(self.attempt.report) if self.attempt.report else None


def attempt_result(*, attempt: Attempt) -> AttemptResult:
    """Score, levels, per-domain and per-skill feedback, a study plan and a review entry per question."""
    if attempt.is_open:
        raise ValueError("results exist only for finished attempts")
    slots = attempt_slots(attempt=attempt)
    entries = [_review_entry(slot) for slot in slots]
    titles = attempt.assessment.bank.domain_titles()
    domains: dict[str, DomainResult] = {}
    for entry in entries:
        if not entry.slot.scored:
            continue
        result = domains.setdefault(
            entry.item.domain,
            DomainResult(entry.item.domain, titles.get(entry.item.domain, entry.item.domain)),
        )
        result.questions += 1
        result.correct += entry.status == "correct"
        result.points += entry.score
    order = list(titles)
    skills = _skill_feedback(attempt, entries)
    reference = _reference_abilities(attempt)
    enough = len(reference) >= settings.ADAPTEST_PERCENTILE_MIN_TAKERS
    return AttemptResult(
        attempt,
        entries,
        sorted(domains.values(), key=lambda d: order.index(d.domain_id) if d.domain_id in order else 99),
        skills,
        _study_plan(attempt, skills),
        float(percentile(attempt.report["overall"]["theta"], reference))
        if enough and attempt.report
        else None,
        len(reference),
        role_results(
            report=attempt.report,
            profiles=attempt.assessment.bank.meta.get("roles", []),
            titles=titles,
        ),
        attempt_calibration(attempt=attempt, slots=slots),
    )


@dataclass(frozen=True)
class RoleDomain:
    """A domain a role requires, with the learner's level there (None: not measured)."""

    domain_id: str
    title: str
    required: str
    level: str | None = None
    borderline: bool = False
    levels_short: int = 0
    """0 with ``borderline``: the level equals the requirement but is borderline, so it is not met."""


@dataclass(frozen=True)
class RoleResult:
    role_id: str
    title: str
    rationale: str
    verdict: Verdict
    requires: list[RoleDomain]
    shortfalls: list[RoleDomain]
    unmeasured: list[RoleDomain]


def role_results(
    *, report: dict[str, Any] | None, profiles: Sequence[dict[str, Any]], titles: dict[str, str]
) -> list[RoleResult]:
    """Each role's verdict from a finished attempt's domain levels (none without scored answers).

    ``profiles`` are role profiles as bank.yaml gives them (id, title, rationale, levels); an
    organisation's own profiles for a campaign are meant to come through here too.
    """
    if not report or not report["scored_items"]:
        return []
    reported = {d["id"]: MeasuredLevel(d["level"], d["borderline"]) for d in report["domains"]}
    return [_role_result(profile, reported, titles) for profile in profiles]


def _role_result(
    profile: dict[str, Any], reported: dict[str, MeasuredLevel], titles: dict[str, str]
) -> RoleResult:
    # In the bank's domain order: a PostgreSQL jsonb object does not keep the file's key order.
    order = {domain_id: i for i, domain_id in enumerate(titles)}
    required = dict(sorted(profile["levels"].items(), key=lambda level: order.get(level[0], len(order))))
    readiness = role_readiness(required, reported)

    def named(domain_id: str) -> RoleDomain:
        return RoleDomain(domain_id, titles.get(domain_id, domain_id), required[domain_id])

    shortfalls = [
        RoleDomain(
            s.domain, titles.get(s.domain, s.domain), s.required, s.reported, s.borderline, s.levels_short
        )
        for s in readiness.shortfalls
    ]
    return RoleResult(
        profile["id"],
        profile["title"],
        profile["rationale"],
        readiness.verdict,
        [named(d) for d in required],
        shortfalls,
        [named(d) for d in readiness.unmeasured],
    )


@dataclass(frozen=True)
class ChartRow:
    """One domain on the score chart; positions are percentages of the 0–300 scale's width."""

    title: str
    score: int
    band: tuple[int, int]
    level: str
    borderline: bool
    at: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return round(self.high - self.low, 1)


def score_chart(report: dict[str, Any]) -> dict[str, Any]:
    """Positions for the chart of domain scores with 90% bands and the level cuts on the engine's
    reporting scale (0–300), as percentages, so the chart is laid out by the page and reflows on a
    phone with text at its normal size."""
    low, high = SCALE.low, SCALE.high

    def x(score: float) -> float:
        return round(100 * (max(low, min(high, score)) - low) / (high - low), 1)

    rows = [
        ChartRow(
            d["title"],
            d["score"],
            (d["band"][0], d["band"][1]),
            d["level"],
            d["borderline"],
            x(d["score"]),
            x(d["band"][0]),
            x(d["band"][1]),
        )
        for d in report["domains"]
    ]
    cut_scores = [float(score) for score in SCALE.score(CUTS.cuts)]
    return {
        "rows": rows,
        "cuts": [x(score) for score in cut_scores],
        "cut_scores": cut_scores,
        "ticks": [{"x": x(v), "label": v} for v in (0, 100, 200, 300)],
    }


def attempt_skills(*, attempt: Attempt) -> list[SkillFeedback]:
    """Right and missed questions per skill in a finished attempt, without the rest of its result (no
    percentile, whose reference query reads every taker's attempts, nor study plan)."""
    return _skill_feedback(attempt, [_review_entry(slot) for slot in attempt_slots(attempt=attempt)])


def _skill_feedback(attempt: Attempt, entries: list[ReviewEntry]) -> list[SkillFeedback]:
    """Right and missed questions per skill (a partly right answer counts as missed)."""
    known = {s["id"]: s for s in attempt.assessment.bank.meta.get("skills", [])}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        if not entry.slot.scored:
            continue
        for skill in entry.item.skills:
            counts[skill][0 if entry.status == "correct" else 1] += 1
    return [
        _skill(known.get(skill_id), skill_id, right, missed) for skill_id, (right, missed) in counts.items()
    ]


def _skill(meta: dict[str, Any] | None, skill_id: str, right: int = 0, missed: int = 0) -> SkillFeedback:
    meta = meta or {"title": skill_id, "domain": ""}
    return SkillFeedback(
        skill_id, meta["title"], meta["domain"], meta.get("note") or "", meta.get("resource"), right, missed
    )


PLAN_SIZE = (3, 5)
"""A study plan names at least three and at most five skills."""

STRETCH = 0.5
"""How far above a domain ability (θ) a next step's typical item difficulty should lie: hard enough to
teach something, near enough to be within reach."""


def _study_plan(attempt: Attempt, skills: list[SkillFeedback]) -> list[SkillFeedback]:
    """The weakest skills: most questions missed first, then those of the weakest domains.

    When fewer than three skills were missed, untested skills fill the plan as next steps: those whose
    items' mean difficulty lies closest to ``STRETCH`` above the learner's ability in their domain, so
    an accomplished learner is sent to advanced skills and a beginner to the basics.
    """
    ability = {d["id"]: d["theta"] for d in (attempt.report or {}).get("domains", [])}
    weakest_first = sorted(skills, key=lambda s: (-s.missed, s.right, ability.get(s.domain, 0.0)))
    plan = [s for s in weakest_first if s.missed > 0][: PLAN_SIZE[1]]
    if len(plan) < PLAN_SIZE[0]:
        seen = {s.skill_id for s in skills}
        difficulty = _skill_difficulties(attempt.assessment.bank)
        untested = [
            meta
            for meta in attempt.assessment.bank.meta.get("skills", [])
            if meta["id"] not in seen and meta["domain"] in ability and meta["id"] in difficulty
        ]
        untested.sort(key=lambda m: (abs(difficulty[m["id"]] - ability[m["domain"]] - STRETCH), m["id"]))
        plan += [_skill(meta, meta["id"]) for meta in untested[: PLAN_SIZE[0] - len(plan)]]
    return plan


def _skill_difficulties(bank: Bank) -> dict[str, float]:
    """Each skill's mean item difficulty (b on the θ scale) over the bank's active items."""
    rows = ItemVersion.objects.filter(
        item__bank=bank, item__is_active=True, item__current_version=F("pk")
    ).values_list("data__skills", "item__parameters__b")
    difficulties: dict[str, list[float]] = defaultdict(list)
    for skill_ids, b in rows:
        for skill_id in skill_ids if b is not None else ():
            difficulties[skill_id].append(b)
    return {skill_id: sum(values) / len(values) for skill_id, values in difficulties.items()}


def _reference_abilities(attempt: Attempt) -> list[float]:
    """Overall abilities of other people's first finished attempts with answers at this assessment."""
    finished = (
        Attempt.objects.filter(assessment=attempt.assessment, report__isnull=False)
        .exclude(user=attempt.user)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .order_by("started_at")
        .values_list("user_id", "report")
    )
    first: dict[int, float] = {}
    for user_id, report in finished:
        # An attempt ended before any answer measured nothing.
        if report is not None and report.get("scored_items"):
            first.setdefault(user_id, report["overall"]["theta"])
    return list(first.values())


@dataclass(frozen=True)
class ReviewPage:
    attempt: Attempt
    entry: ReviewEntry
    count: int
    rating: ItemRating | None = None


def review_page(*, attempt: Attempt, position: int) -> ReviewPage:
    """One question of a finished attempt with the feedback for the learner's own answer."""
    if attempt.is_open:
        raise ValueError("reviews exist only for finished attempts")
    slot = attempt.slots.select_related("item_version", "response").get(position=position)
    rating = ItemRating.objects.filter(user=attempt.user, item_version=slot.item_version).first()
    return ReviewPage(attempt, _review_entry(slot), attempt.slots.count(), rating)


@dataclass(frozen=True)
class ProgressRow:
    attempt: Attempt
    baseline: bool
    change: int | None  # overall score change against the first attempt


def results_history(*, user: User) -> list[tuple[Assessment, list[ProgressRow]]]:
    """Finished attempts per assessment, oldest first: the first is the baseline, later ones reassessments."""
    finished = (
        Attempt.objects.filter(user=user)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .select_related("assessment")
        .order_by("assessment__title", "started_at")
    )
    groups: dict[int, tuple[Assessment, list[ProgressRow]]] = {}
    for attempt in finished:
        assessment, rows = groups.setdefault(attempt.assessment_id, (attempt.assessment, []))
        first = rows[0].attempt if rows else attempt
        rows.append(ProgressRow(attempt, not rows, _overall_change(first, attempt) if rows else None))
    return list(groups.values())


def _overall_change(first: Attempt, later: Attempt) -> int | None:
    if first.report and later.report:
        if not (first.report["scored_items"] and later.report["scored_items"]):
            return None
        return int(later.report["overall"]["score"] - first.report["overall"]["score"])
    if first.score is not None and later.score is not None:
        return round(100 * (later.score - first.score))
    return None


def _review_entry(slot: AttemptItem) -> ReviewEntry:
    item = slot.item_version.parsed
    response = slot.stored_response
    if response is None:
        return ReviewEntry(slot, item, None, item.unanswered_outcome(), "—")
    if response.dont_know:
        return ReviewEntry(slot, item, response, grade(item, DONT_KNOW), "I don't know yet")
    outcome = grade(item, response.answer)
    return ReviewEntry(slot, item, response, outcome, item.describe_answer(response.answer))
