"""Reads for practice: the question page, the feedback shown at once, and each domain's progress."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet

from adaptest.bank import DONT_KNOW, GradableItem, Outcome, grade
from adaptest.web.assessments.kinds import Fields, widget_context
from adaptest.web.assessments.selectors import AnswerFeedback
from adaptest.web.itembank.models import Bank
from adaptest.web.practice.models import PracticeQuestion, PracticeRating, PracticeResponse, PracticeSession
from adaptest.web.practice.services import PracticeAnswer


def practice_bank(*, bank_id: str | None) -> Bank:
    """The bank to practise: the one named, or the first when none is; Bank.DoesNotExist otherwise."""
    banks = Bank.objects.order_by("pk")
    bank = banks.filter(bank_id=bank_id).first() if bank_id else banks.first()
    if bank is None:
        raise Bank.DoesNotExist(bank_id)
    return bank


def practice_session_get(*, user: User, session_id: int) -> PracticeSession:
    """The user's own session; anyone else's raises PracticeSession.DoesNotExist (a 404, not a 403)."""
    return PracticeSession.objects.select_related("bank").get(pk=session_id, user=user)


def practice_question_get(*, user: User, question_id: int) -> PracticeQuestion:
    """The user's own practice question; anyone else's raises PracticeQuestion.DoesNotExist."""
    return PracticeQuestion.objects.select_related("item_version", "session", "session__bank").get(
        pk=question_id, user=user
    )


@dataclass(frozen=True)
class PracticePage:
    """A practice question as the learner sees it: the public presentation only."""

    question: PracticeQuestion
    item: GradableItem
    widget: dict[str, Any]
    answered: int  # answers given in this session before this question

    @property
    def number(self) -> int:
        return self.question.position


def practice_page(*, question: PracticeQuestion, fields: Fields | None = None) -> PracticePage:
    """The question with the learner's unsaved entries (after an error) in its fields."""
    item = question.item_version.parsed
    presentation = item.presentation(question.display_seed)
    answered = PracticeResponse.objects.filter(question__session_id=question.session_id).count()
    return PracticePage(question, item, widget_context(item, presentation, fields or {}), answered)


@dataclass(frozen=True)
class PracticeFeedback(AnswerFeedback):
    """What the learner sees at once after answering: the review's sections for their own answer,
    through the review's feedback markup (``assessments/feedback.html``)."""

    question: PracticeQuestion
    item: GradableItem
    response: PracticeResponse
    outcome: Outcome

    @property
    def display_seed(self) -> int:
        return self.question.display_seed

    @property
    def answer_text(self) -> str:
        if self.response.dont_know:
            return "I don't know yet"
        return self.item.describe_answer(self.response.answer)


def practice_feedback(*, answer: PracticeAnswer) -> PracticeFeedback:
    """The feedback on an answer just given."""
    question = answer.question
    return PracticeFeedback(question, question.item_version.parsed, answer.response, answer.outcome)


def practice_answered(*, question: PracticeQuestion) -> PracticeFeedback | None:
    """The feedback on the question's stored answer, graded again (grading is pure); None if unanswered."""
    response = PracticeResponse.objects.filter(question=question).first()
    if response is None:
        return None
    item = question.item_version.parsed
    outcome = grade(item, DONT_KNOW if response.dont_know else response.answer)
    return PracticeFeedback(question, item, response, outcome)


@dataclass(frozen=True)
class RatingPoint:
    at: str  # ISO date and time
    answers: int
    rating: float
    percent: float  # position along the chart's track, 0-100


@dataclass
class SkillCount:
    skill_id: str
    title: str
    practised: int = 0
    correct: int = 0


@dataclass
class DomainProgress:
    """One domain's practice: the rating now and over time, and the items practised per skill."""

    domain_id: str
    title: str
    rating: float | None = None
    answers: int = 0
    correct: int = 0
    history: list[RatingPoint] = field(default_factory=list)
    skills: list[SkillCount] = field(default_factory=list)


RATING_TRACK = (-3.0, 3.0)
"""The range of ratings the progress chart spans (θ on the logit scale)."""
HISTORY_POINTS = 12
"""At most this many points of a domain's rating history are shown (evenly spaced, the last one kept)."""


def practice_progress(*, user: User, bank: Bank) -> list[DomainProgress]:
    """Per domain of the bank, in the bank's order: the learner's rating, its history and per-skill counts.

    Two queries, whatever the history's length: the ratings, and the responses' domain, rating, time,
    correctness and skills."""
    titles = bank.domain_titles()
    skill_meta = {s["id"]: s for s in bank.meta.get("skills", [])}
    progress = {domain: DomainProgress(domain, title) for domain, title in titles.items()}
    for rating in PracticeRating.objects.filter(user=user, bank=bank):
        if rating.domain in progress:
            progress[rating.domain].rating = rating.rating
    rows = (
        PracticeResponse.objects.filter(user=user, item_version__item__bank=bank)
        .order_by("created_at", "pk")
        .values_list("domain", "rating_after", "created_at", "correct", "item_version__data__skills")
    )
    history: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    per_skill: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    for domain, rating_after, created_at, correct, skills in rows:
        entry = progress.get(domain)
        if entry is None:
            continue
        entry.answers += 1
        entry.correct += bool(correct)
        history[domain].append((created_at, rating_after))
        for skill in skills or ():
            per_skill[domain][skill] += 1
            right[domain][skill] += bool(correct)
    low, high = RATING_TRACK
    for domain, entry in progress.items():
        points = history[domain]
        shown = _evenly(list(enumerate(points, start=1)), HISTORY_POINTS)
        entry.history = [
            RatingPoint(
                at.isoformat(timespec="minutes"),
                n,
                rating,
                round(100 * (min(high, max(low, rating)) - low) / (high - low), 1),
            )
            for n, (at, rating) in shown
        ]
        entry.skills = [
            SkillCount(skill, skill_meta.get(skill, {"title": skill})["title"], count, right[domain][skill])
            for skill, count in sorted(per_skill[domain].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return list(progress.values())


def _evenly(points: list[Any], most: int) -> list[Any]:
    if len(points) <= most:
        return points
    step = (len(points) - 1) / (most - 1)
    return [points[round(i * step)] for i in range(most)]


def practice_sessions_recent(*, user: User, limit: int = 5) -> QuerySet[PracticeSession]:
    return PracticeSession.objects.filter(user=user).select_related("bank")[:limit]


def practice_skill_choices(*, bank: Bank) -> list[tuple[str, list[dict[str, Any]]]]:
    """The bank's skills grouped by domain title, in the bank's order, for the practice form."""
    titles = bank.domain_titles()
    grouped: dict[str, list[dict[str, Any]]] = {domain: [] for domain in titles}
    for skill in bank.meta.get("skills", []):
        grouped.setdefault(skill["domain"], []).append(skill)
    return [(titles.get(domain, domain), skills) for domain, skills in grouped.items() if skills]


__all__ = [
    "DomainProgress",
    "PracticeFeedback",
    "PracticePage",
    "practice_answered",
    "practice_feedback",
    "practice_page",
    "practice_progress",
    "practice_question_get",
    "practice_session_get",
    "practice_sessions_recent",
    "practice_skill_choices",
]
