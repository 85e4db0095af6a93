"""The practice API: start practising, get the next question (no key), answer it and get the feedback at
once, and read your progress per domain.

Mounted by ``web/api/api.py`` under ``/api/practice`` with the API's token auth and rate limit. The same
services and selectors as the pages; someone else's session or question is 404, as one that does not
exist. A malformed answer is 422 (the API's AnswerError handler), a refused choice 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Schema, Status
from ninja.errors import HttpError
from ninja.params.functions import Path
from pydantic import Field

from adaptest.bank import DONT_KNOW, AnswerError, GradableItem
from adaptest.web.api import schemas as s
from adaptest.web.api.routing import AdaptestRouter, refuse_unknown_query
from adaptest.web.assessments.kinds import StrictInput, adapter
from adaptest.web.core.http import ApiRequest, figure_response
from adaptest.web.core.middleware import MAX_ID
from adaptest.web.itembank.models import Bank
from adaptest.web.practice import selectors, services
from adaptest.web.practice.models import PracticeQuestion, PracticeSession

router = AdaptestRouter(tags=["practice"])

SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="a practice session's id")]
QuestionId = Annotated[int, Path(ge=1, le=MAX_ID, description="a practice question's id")]
NOTHING_SENT = 'The answer is empty: send one, or {"dont_know": true} to move on.'


class PracticeStartIn(StrictInput):
    """Exactly one of: a domain, some skills, your study plan, or one practice item (then its skills)."""

    bank: str | None = Field(None, max_length=50, description="the bank's id; the first bank if left out")
    domain: str | None = Field(None, max_length=60, examples=["cnn"])
    skills: list[str] | None = Field(None, max_length=100, examples=[["cnn-pooling"]])
    study_plan: bool = Field(False, description="the skills of your latest assessment's study plan")
    item: str | None = Field(None, max_length=80, description="a practice item's id, as on a skill page")


class PracticeSessionOut(Schema):
    id: int
    choice: Literal["domain", "skills", "study_plan"]
    title: str
    domain: str
    skills: list[str]
    created_at: datetime


class PracticeItemOut(Schema):
    """A practice question as a learner may see it: never a key, a feedback or an explanation."""

    question_id: int = Field(description="answer it at /api/practice/questions/{question_id}/answer")
    session_id: int
    item: s.ItemOut


class PracticeAnswerIn(StrictInput):
    answer: s.AnyAnswer = Field(description="one shape per item kind (see docs/api.md)")


class PracticeAnswerOut(Schema):
    """The answer is graded at once: right or not, and the explanation of this very answer."""

    question_id: int
    status: Literal["correct", "partial", "incorrect", "dont_know", "unanswered"] = Field(
        description="never unanswered here: the same values as a review entry's status"
    )
    correct: bool
    score: float
    answer_text: str
    seconds: float = Field(description="time taken, from the question being given, on the server's clock")
    rating: float = Field(description="your practice rating in the item's domain after this answer")
    replay: bool = Field(description="True when the question was already answered: nothing changed")
    human_check: Literal["pending", "checked"] | None = Field(
        None, description="free_text: a person will check (pending) or has checked this answer"
    )
    feedback: list[s.FeedbackPartOut]


class RatingPointOut(Schema):
    answers: int
    rating: float
    at: str


class SkillPracticeOut(Schema):
    id: str
    title: str
    practised: int
    correct: int


class DomainPracticeOut(Schema):
    id: str
    title: str
    rating: float | None
    answers: int
    correct: int
    history: list[RatingPointOut]
    skills: list[SkillPracticeOut]


def _bank(key: str | None) -> Bank:
    try:
        return selectors.practice_bank(bank_id=key)
    except Bank.DoesNotExist:
        raise Http404("No bank.") from None


@router.post(
    "/sessions",
    response={201: PracticeSessionOut, 404: s.ErrorOut, 409: s.ErrorOut},
    url_name="practice_start",
)  # 404: an unknown bank
def practice_start(request: ApiRequest, payload: PracticeStartIn) -> Status[PracticeSessionOut]:
    """Start practising; then GET the session's item for each question."""
    given = [
        payload.domain is not None,
        payload.skills is not None,
        payload.study_plan,
        payload.item is not None,
    ]
    if sum(given) != 1:
        raise HttpError(422, "Send exactly one of domain, skills, study_plan or item.")
    try:
        session = services.practice_start(
            user=request.auth,
            bank=_bank(payload.bank),
            now=timezone.now(),
            domain=payload.domain or "",
            skills=payload.skills or (),
            study_plan=payload.study_plan,
            item_id=payload.item or "",
        )
    except services.PracticeError as refused:
        raise HttpError(409, str(refused)) from None
    return Status(201, _session_out(session))


@router.get(
    "/sessions/{session_id}/item",
    response={200: PracticeItemOut, 404: s.ErrorOut, 409: s.ErrorOut},
    url_name="practice_item",
)
def practice_item(request: ApiRequest, session_id: SessionId) -> PracticeItemOut:
    """The question to answer now: the one waiting for an answer, or the next one chosen for you."""
    try:
        session = selectors.practice_session_get(user=request.auth, session_id=session_id)
        question = services.practice_question_next(session=session, now=timezone.now())
    except PracticeSession.DoesNotExist:
        raise Http404("No such practice.") from None
    except services.PracticeError as refused:
        raise HttpError(409, str(refused)) from None
    return _item_out(question)


@router.post(
    "/questions/{question_id}/answer",
    response={200: PracticeAnswerOut, 404: s.ErrorOut, 422: s.ValidationErrorOut},
    url_name="practice_answer",
)
def practice_answer(
    request: ApiRequest, question_id: QuestionId, payload: PracticeAnswerIn
) -> PracticeAnswerOut:
    """Answer a practice question and get at once whether it is right, with the explanation.

    Sending an answer again for the same question changes nothing and returns the first result."""

    def read(item: GradableItem, presentation: dict[str, Any]) -> object:
        if isinstance(payload.answer, s.DontKnowAnswer):
            return DONT_KNOW
        kind = adapter(item)
        if not isinstance(payload.answer, kind.Answer):
            field = next(iter(kind.Answer.model_fields))
            raise AnswerError(f'This {item.kind} question takes {{"{field}": …}} (see docs/api.md).')
        raw = kind.read(item, presentation, kind.api_fields(payload.answer, item, presentation))
        if raw is None:
            raise AnswerError(NOTHING_SENT)
        return raw

    try:
        answer = services.practice_answer_submit(
            user=request.auth, question_id=question_id, answer=read, now=timezone.now()
        )
    except PracticeQuestion.DoesNotExist:
        raise Http404("No such question.") from None
    entry = selectors.practice_feedback(answer=answer)
    response = answer.response
    return PracticeAnswerOut(
        question_id=answer.question.pk,
        status=entry.status,
        correct=response.correct,
        score=response.score,
        answer_text=entry.answer_text,
        seconds=response.seconds,
        rating=response.rating_after,
        replay=answer.replay,
        human_check=entry.human_check,
        feedback=s.feedback_out(answer.outcome.parts),
    )


@router.get(
    "/questions/{question_id}/figure", response={200: None, 404: s.ErrorOut}, url_name="practice_figure"
)
def practice_figure(request: ApiRequest, question_id: QuestionId) -> HttpResponse:
    """A practice question's figure (SVG)."""
    try:
        question = selectors.practice_question_get(user=request.auth, question_id=question_id)
    except PracticeQuestion.DoesNotExist:
        raise Http404("No such question.") from None
    if not question.item_version.figure_svg:
        raise Http404("No figure.")
    return figure_response(question.item_version.figure_svg)


@router.get(
    "/stats", response={200: list[DomainPracticeOut], 404: s.ErrorOut}, url_name="practice_stats"
)  # 404: an unknown bank
def practice_stats(request: ApiRequest, bank: str | None = None) -> list[DomainPracticeOut]:
    """Per domain: your practice rating now and over time, and the questions practised per skill."""
    refuse_unknown_query(request, "bank")
    progress = selectors.practice_progress(user=request.auth, bank=_bank(bank))
    return [
        DomainPracticeOut(
            id=d.domain_id,
            title=d.title,
            rating=d.rating,
            answers=d.answers,
            correct=d.correct,
            history=[RatingPointOut(answers=p.answers, rating=p.rating, at=p.at) for p in d.history],
            skills=[
                SkillPracticeOut(id=k.skill_id, title=k.title, practised=k.practised, correct=k.correct)
                for k in d.skills
            ],
        )
        for d in progress
    ]


def _session_out(session: PracticeSession) -> PracticeSessionOut:
    return PracticeSessionOut(
        id=session.pk,
        choice=session.choice,  # type: ignore[arg-type]
        title=session.title,
        domain=session.domain,
        skills=list(session.skills),
        created_at=session.created_at,
    )


def _item_out(question: PracticeQuestion) -> PracticeItemOut:
    """Built only from the widget (the public presentation), like the question page itself."""
    page = selectors.practice_page(question=question)
    item, widget = page.item, page.widget
    figure = None
    if item.figure is not None:
        url = reverse("api:practice_figure", args=[question.pk])
        figure = s.FigureOut(url=url, alt=item.figure.alt)
    out = s.ItemOut.model_validate(
        {
            "position": question.position,
            "kind": item.kind,
            "stem": item.stem,
            "figure": figure,
            "state": None,
            "saved_answer": None,
            **adapter(item).item_out(widget),
        }
    )
    return PracticeItemOut(question_id=question.pk, session_id=question.session_id, item=out)
