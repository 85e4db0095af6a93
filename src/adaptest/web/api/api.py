"""The JSON API: thin endpoints over the same services and selectors the pages use.

Served under ``/api/``; the OpenAPI document is ``/api/openapi.json`` and its browsable docs ``/api/docs``.
Domain errors become HTTP responses in one place (``_register_error_handlers``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Status, Swagger
from ninja.errors import Throttled
from ninja.operation import Operation

from adaptest.bank import DONT_KNOW, AnswerError, GradableItem
from adaptest.web.api import schemas as s
from adaptest.web.api.auth import PersonalToken
from adaptest.web.api.routing import AdaptestRouter
from adaptest.web.assessments import selectors, services
from adaptest.web.assessments.kinds import adapter
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.assessments.selectors import (
    AttemptResult,
    Calibration,
    QuestionPage,
    ReviewEntry,
    SkillFeedback,
)
from adaptest.web.core.http import ApiRequest, figure_response
from adaptest.web.core.throttling import ApiRateLimit, describe_wait, retry_after
from adaptest.web.credentials.api import router as credentials_router
from adaptest.web.flashcards.api import router as cards_router
from adaptest.web.itembank.models import Assessment
from adaptest.web.itembank.selectors import assessment_list_active
from adaptest.web.matches.api import leaderboards as leaderboards_router
from adaptest.web.matches.api import register_error_handlers as register_match_error_handlers
from adaptest.web.matches.api import router as matches_router
from adaptest.web.organizations.api import campaigns as campaigns_router
from adaptest.web.organizations.api import consents as consents_router
from adaptest.web.organizations.api import organizations as organizations_router
from adaptest.web.organizations.api import register_error_handlers as register_org_error_handlers
from adaptest.web.practice.api import router as practice_router
from adaptest.web.privacy.api import router as me_router

FINISHED = "This attempt is finished: its questions are closed; GET its result instead."
RESULT_NOT_READY = (
    "The result is ready once the attempt is finished (POST …/finish, or wait for the deadline)."
)
NOTHING_SENT = 'The answer is empty: send one, or {"dont_know": true} to move on.'


class AdaptestApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's own name (``answer_save``), not the module path, for readable generated clients.
        return operation.view_func.__name__


api = AdaptestApi(
    title="Adaptest API",
    version="1",
    description="Take Adaptest assessments from a script. Authenticate with `Authorization: Bearer <token>` "
    "(create a token on your account page or with `adaptest token create USERNAME`). See docs/api.md.",
    auth=PersonalToken(),
    throttle=ApiRateLimit(),  # ADAPTEST_API_THROTTLE per user; counters in the shared cache
    urls_namespace="api",
    # Deep links off: with them Swagger UI puts each operation's path, a link, inside the button that
    # opens the operation (axe: nested-interactive, and 19 px links: target-size). The page's language
    # and contrast come from our override of ninja/swagger.html and adaptest/api-docs.css.
    docs=Swagger(settings={"deepLinking": False}),
)

ERRORS: dict[int | str, Any] = {404: s.ErrorOut, 409: s.ConflictOut}
"""An operation that the rules can refuse (409) as well as not find (404)."""
NOT_FOUND: dict[int | str, Any] = {404: s.ErrorOut}
"""An operation that can only not find what it names: it never refuses."""

assessments = AdaptestRouter(tags=["assessments"])
attempts = AdaptestRouter(tags=["attempts"])


# --- errors: one place -------------------------------------------------------------------------------------


def _register_error_handlers(api: NinjaAPI) -> None:
    def error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": message, **extra}, status=status)

    def retake_limit(request: HttpRequest, exc: services.RetakeLimitReached) -> HttpResponse:
        return error(request, 403, str(exc), next_allowed=exc.next_allowed)

    def closed(request: HttpRequest, exc: services.AttemptClosed) -> HttpResponse:
        return error(request, 409, str(exc), attempt_status=exc.attempt.status)

    def refused(request: HttpRequest, exc: services.AssessmentError) -> HttpResponse:
        return error(request, 409, str(exc))

    def malformed(request: HttpRequest, exc: AnswerError) -> HttpResponse:
        return error(request, 422, str(exc))

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = float(exc.wait or 1)  # ninja adds the Retry-After header itself
        count, seconds = settings.ADAPTEST_API_THROTTLE
        message = (
            f"Too many requests: at most {count} every {seconds} seconds. Try again in {describe_wait(wait)}."
        )
        return error(request, 429, message, retry_after=int(retry_after(wait)))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Someone else's attempt is "not found" too, so ids cannot be probed.
        return error(request, 404, "Not found.")

    # Registered through the decorator: add_exception_handler's annotation has a handler take the
    # exception or its class, but ninja only ever passes the raised exception.
    api.exception_handler(services.RetakeLimitReached)(retake_limit)
    api.exception_handler(services.AttemptClosed)(closed)
    api.exception_handler(services.AssessmentError)(refused)
    api.exception_handler(AnswerError)(malformed)
    api.exception_handler(Throttled)(throttled)
    for missing in (Attempt.DoesNotExist, AttemptItem.DoesNotExist):  # only what a caller can name
        api.exception_handler(missing)(not_found)
    api.exception_handler(Http404)(not_found)


_register_error_handlers(api)


# --- assessments -------------------------------------------------------------------------------------------


@assessments.get("", response=list[s.AssessmentOut], url_name="assessment_list")
def assessment_list(request: HttpRequest) -> list[s.AssessmentOut]:
    """Assessments you can take now."""
    return [s.AssessmentOut.model_validate(a) for a in assessment_list_active()]  # by attribute names


@assessments.post(
    "/{slug}/attempts",
    response={200: s.AttemptOut, 201: s.AttemptOut, 403: s.RetakeLimitOut, **ERRORS},
    url_name="attempt_start",
)
def attempt_start(request: ApiRequest, slug: str) -> Status[s.AttemptOut]:
    """Start an attempt (201), or resume the one in progress (200), also when several starts race."""
    assessment = get_object_or_404(Assessment, slug=slug, is_active=True)
    now = timezone.now()
    started = services.attempt_begin(user=request.auth, assessment=assessment, now=now)
    return Status(201 if started.created else 200, _attempt_out(started.attempt, now))


# --- attempts ----------------------------------------------------------------------------------------------


@attempts.get("", response=list[s.AttemptOut], url_name="attempt_list")
def attempt_list(request: ApiRequest) -> list[s.AttemptOut]:
    """Your attempts, newest first."""
    now = timezone.now()
    attempts = list(selectors.attempt_list_for_user(user=request.auth))
    for attempt in attempts:  # one whose time ran out is finished now, as its detail would be
        services.attempt_expire_if_due(attempt=attempt, now=now)
    return [_attempt_out(a, now) for a in attempts]


@attempts.get("/{attempt_id}", response={200: s.AttemptOut, **NOT_FOUND}, url_name="attempt_detail")
def attempt_detail(request: ApiRequest, attempt_id: s.AttemptId) -> s.AttemptOut:
    """Status, deadline, time left, the current position and the planned length."""
    attempt = _own_attempt(request, attempt_id)
    now = timezone.now()
    services.attempt_expire_if_due(attempt=attempt, now=now)
    return _attempt_out(attempt, now)


@attempts.get("/{attempt_id}/item", response={200: s.ItemOut, **ERRORS}, url_name="attempt_item")
def attempt_item(request: ApiRequest, attempt_id: s.AttemptId, position: s.PositionQuery = None) -> s.ItemOut:
    """The current question (or, in a fixed exam, the one at ``position``): no key, no feedback."""
    attempt = _own_attempt(request, attempt_id)
    now = timezone.now()
    _require_open(attempt, now)
    position = _viewable_position(attempt, position)
    services.attempt_visit(attempt=attempt, position=position)
    return _item_out(attempt, selectors.question_page(attempt=attempt, position=position, now=now))


@attempts.get(
    "/{attempt_id}/figures/{position}", response={200: None, **NOT_FOUND}, url_name="attempt_figure"
)
def attempt_figure(request: ApiRequest, attempt_id: s.AttemptId, position: s.PositionPath) -> HttpResponse:
    """A question's figure (SVG)."""
    slot = selectors.attempt_slot(attempt=_own_attempt(request, attempt_id), position=position)
    if not slot.item_version.figure_svg:
        raise Http404("No figure.")
    return figure_response(slot.item_version.figure_svg)


@attempts.post(
    "/{attempt_id}/answers",
    response={200: s.AnswerOut, 422: s.ValidationErrorOut, **ERRORS},
    url_name="answer_save",
)
def answer_save(request: ApiRequest, attempt_id: s.AttemptId, payload: s.AnswerIn) -> s.AnswerOut:
    """Save the answer at ``position`` and get the next question in the same response.

    Sending the same position again never stores a second response."""
    now = timezone.now()

    def read(item: GradableItem, presentation: dict[str, Any]) -> object:
        return _raw_answer(item, presentation, payload.answer)

    saved = services.response_submit(
        user=request.auth, attempt_id=attempt_id, position=payload.position, answer=read, now=now
    )
    attempt = saved.attempt
    following = _following_position(attempt, saved, payload.position)
    return s.AnswerOut(
        position=payload.position,
        state="dont_know" if saved.response.dont_know else "answered",
        changed=saved.changed,
        saved_at=saved.response.saved_at,
        attempt=_attempt_out(attempt, now, saved.slots),
        next_item=None
        if following is None
        else _item_out(
            attempt, selectors.question_page(attempt=attempt, position=following, now=now, slots=saved.slots)
        ),
    )


def _following_position(attempt: Attempt, saved: services.SaveResult, position: int) -> int | None:
    """The question to answer next: the adaptive test's new one, a fixed exam's next position."""
    if not attempt.is_open:
        return None
    if attempt.assessment.is_adaptive:
        return None if saved.next_slot is None else saved.next_slot.position
    return position + 1 if position < len(saved.slots) else None


@attempts.post("/{attempt_id}/finish", response={200: s.AttemptOut, **NOT_FOUND}, url_name="attempt_finish")
def attempt_finish(request: ApiRequest, attempt_id: s.AttemptId) -> s.AttemptOut:
    """Submit the attempt; unanswered questions score 0. Finishing twice is harmless."""
    now = timezone.now()
    attempt = services.attempt_submit(attempt=_own_attempt(request, attempt_id), now=now)
    return _attempt_out(attempt, now)


@attempts.get("/{attempt_id}/result", response={200: s.ResultOut, **ERRORS}, url_name="attempt_result")
def attempt_result(request: ApiRequest, attempt_id: s.AttemptId) -> s.ResultOut:
    """Score, levels, skills, study plan and the review of every question (finished attempts only)."""
    attempt = _own_attempt(request, attempt_id)
    now = timezone.now()
    services.attempt_expire_if_due(attempt=attempt, now=now)
    if attempt.is_open:  # keys and explanations stay on the server until the attempt is over
        raise services.AssessmentError(RESULT_NOT_READY)
    return _result_out(selectors.attempt_result(attempt=attempt), now)


api.add_router("/assessments", assessments)
api.add_router("/attempts", attempts)
api.add_router("/cards", cards_router)
api.add_router("/practice", practice_router)
api.add_router("/matches", matches_router)
api.add_router("/leaderboards", leaderboards_router)
api.add_router("/me", me_router)
api.add_router("/credentials", credentials_router)
api.add_router("/organizations", organizations_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/me/consents", consents_router)
register_match_error_handlers(api)  # MatchError 409, MatchThrottled 429
register_org_error_handlers(api)  # NotAllowed 404 (nothing leaks), OrgError 409


# --- helpers -----------------------------------------------------------------------------------------------


def _own_attempt(request: ApiRequest, attempt_id: int) -> Attempt:
    return selectors.attempt_get_for_user(user=request.auth, attempt_id=attempt_id)


def _require_open(attempt: Attempt, now: datetime) -> None:
    if services.attempt_expire_if_due(attempt=attempt, now=now) or not attempt.is_open:
        raise services.AttemptClosed(attempt, FINISHED)


def _viewable_position(attempt: Attempt, asked: int | None) -> int:
    """The adaptive test shows only its newest question; a fixed exam any of its positions."""
    if asked is None:
        return attempt.current_position
    if attempt.assessment.is_adaptive and asked != attempt.current_position:
        raise services.AssessmentError(services.NO_GOING_BACK)
    if not attempt.slots.filter(position=asked).exists():
        raise Http404("No such question.")
    return asked


def _raw_answer(item: GradableItem, presentation: dict[str, Any], answer: s.AnyAnswer) -> object:
    """The bank's raw answer, through the kind's adapter and the same form conversion the pages use."""
    if isinstance(answer, s.DontKnowAnswer):
        return DONT_KNOW
    kind = adapter(item)
    if not isinstance(answer, kind.Answer):
        field = next(iter(kind.Answer.model_fields))
        raise AnswerError(f'This {item.kind} question takes {{"{field}": …}} (see docs/api.md).')
    raw = kind.read(item, presentation, kind.api_fields(answer, item, presentation))
    if raw is None:
        raise AnswerError(NOTHING_SENT)
    return raw


ATTEMPT_STATUS: dict[str, s.AttemptStatus] = {
    Attempt.Status.IN_PROGRESS: "in_progress",
    Attempt.Status.SUBMITTED: "submitted",
    Attempt.Status.EXPIRED: "expired",
}
"""An attempt's stored status as the API's schema names it."""


def _attempt_out(attempt: Attempt, now: datetime, slots: Sequence[AttemptItem] | None = None) -> s.AttemptOut:
    page = selectors.question_page(attempt=attempt, position=attempt.current_position, now=now, slots=slots)
    return s.AttemptOut(
        id=attempt.pk,
        assessment=attempt.assessment.slug,
        adaptive=page.adaptive,
        status=ATTEMPT_STATUS[attempt.status],
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        finished_at=attempt.finished_at,
        remaining_seconds=page.remaining_seconds if attempt.is_open else 0,
        current_position=attempt.current_position,
        questions=page.count,
        planned=page.planned,
        answered=page.answered_count,
    )


def _item_out(attempt: Attempt, page: QuestionPage) -> s.ItemOut:
    """Built only from the page's widget (the public presentation), like the question page itself."""
    item, widget = page.item, page.widget
    kind = adapter(item)
    figure = None
    if item.figure is not None:
        url = reverse("api:attempt_figure", args=[attempt.pk, page.position])
        figure = s.FigureOut(url=url, alt=item.figure.alt)
    saved = None
    if page.state is not None:  # the learner's own stored answer, read back from the widget's entries
        saved = s.SavedAnswerOut(dont_know=True) if page.state == "dont_know" else kind.saved_answer(widget)
    return s.ItemOut.model_validate(
        {
            "position": page.position,
            "kind": item.kind,
            "stem": item.stem,
            "figure": figure,
            "state": page.state,
            "saved_answer": saved,
            **kind.item_out(widget),
        }
    )


def _result_out(result: AttemptResult, now: datetime) -> s.ResultOut:
    attempt = result.attempt
    return s.ResultOut(
        attempt=_attempt_out(attempt, now),
        score=attempt.score or 0.0,
        passed=attempt.passed,
        correct_count=result.correct_count,
        report=s.ReportOut.model_validate(result.report) if result.report else None,
        domains=[
            s.DomainScoreOut(
                id=d.domain_id, title=d.title, questions=d.questions, correct=d.correct, score=d.score
            )
            for d in result.domains
        ],
        skills=[_skill_out(skill) for skill in result.skills],
        study_plan=[_skill_out(skill) for skill in result.study_plan],
        percentile=result.percentile,
        roles=[s.role_readiness_out(role) for role in result.roles],
        calibration=_calibration_out(result.calibration),
        review=[_review_out(entry) for entry in result.entries],
    )


def _calibration_out(calibration: Calibration | None) -> s.CalibrationOut | None:
    if calibration is None:
        return None
    return s.CalibrationOut(
        calibrated_items=calibration.calibrated,
        scored_items=calibration.scored,
        share=calibration.share,
        provisional=calibration.provisional,
        min_responses=calibration.min_responses,
    )


def _skill_out(skill: SkillFeedback) -> s.SkillOut:
    return s.SkillOut(
        id=skill.skill_id,
        title=skill.title,
        domain=skill.domain,
        note=skill.note,
        resource=skill.resource,
        right=skill.right,
        missed=skill.missed,
    )


def _review_out(entry: ReviewEntry) -> s.ReviewEntryOut:
    return s.ReviewEntryOut(
        position=entry.slot.position,
        kind=entry.item.kind,
        domain=entry.item.domain,
        scored=entry.slot.scored,
        stem=entry.item.stem,
        answer_text=entry.answer_text,
        status=entry.status,
        score=entry.score,
        human_check=entry.human_check,
        feedback=s.feedback_out(entry.outcome.parts),
    )
