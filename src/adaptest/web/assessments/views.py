"""Pages for taking a fixed-form exam and reviewing it. Thin: the services and selectors decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from adaptest.bank import DONT_KNOW, AnswerError, GradableItem
from adaptest.web.assessments import selectors, services
from adaptest.web.assessments.kinds import answer_from_fields, fields_from_post
from adaptest.web.assessments.models import Attempt, AttemptItem
from adaptest.web.core.http import AuthenticatedHttpRequest, figure_response
from adaptest.web.itembank import selectors as itembank_selectors
from adaptest.web.itembank.models import Assessment, Bank

TIME_UP = "Time is up. The attempt was finished with the answers you saved before the deadline."


def _attempt_or_404(request: AuthenticatedHttpRequest, attempt_id: int) -> Attempt:
    try:
        return selectors.attempt_get_for_user(user=request.user, attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt.") from None


def _question_url(attempt: Attempt, position: int) -> str:
    return reverse("question", args=[attempt.pk, position])


@login_required
def assessment_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    assessment = get_object_or_404(Assessment, slug=slug, is_active=True)
    open_attempt = services.attempt_open(user=request.user, assessment=assessment, now=timezone.now())
    past = selectors.attempt_list_for_user(user=request.user, assessment=assessment).exclude(
        status=Attempt.Status.IN_PROGRESS
    )
    retakes = selectors.retake_status(user=request.user, assessment=assessment, now=timezone.now())
    context = {
        "assessment": assessment,
        "open_attempt": open_attempt,
        "past_attempts": past,
        "retakes": retakes,
    }
    return render(request, "assessments/detail.html", context)


@login_required
@require_POST
def attempt_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    assessment = get_object_or_404(Assessment, slug=slug, is_active=True)
    try:
        attempt = services.attempt_start(user=request.user, assessment=assessment, now=timezone.now())
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessment", slug=slug)
    return redirect(_question_url(attempt, attempt.current_position))


@login_required
def attempt_resume(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.is_open:
        return redirect(_question_url(attempt, attempt.current_position))
    return redirect("result", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def question(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    if request.method == "POST":
        return _answer(request, attempt_id, position)
    attempt = _attempt_or_404(request, attempt_id)
    now = timezone.now()
    if services.attempt_expire_if_due(attempt=attempt, now=now):
        messages.warning(request, TIME_UP)
    if not attempt.is_open:
        return redirect("result", attempt_id=attempt.pk)
    count = attempt.slots.count()
    if not 1 <= position <= count:
        raise Http404("No such question.")
    if attempt.assessment.is_adaptive and position != count:
        return redirect(_question_url(attempt, count))  # answers are final: no going back
    services.attempt_visit(attempt=attempt, position=position)
    page = selectors.question_page(attempt=attempt, position=position, now=now)
    return render(request, "assessments/question.html", {"attempt": attempt, "page": page})


def _answer(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """Save what was entered (if anything), then go where the pressed button asked.

    One call to the answer service: it locks, checks the deadline, grades and, in the adaptive
    assessment, chooses the next question, which the redirect then shows.
    """
    action = request.POST.get("action", "next")
    fields = fields_from_post(request.POST)

    def read(item: GradableItem, presentation: dict[str, Any]) -> object:
        return DONT_KNOW if action == "dont_know" else answer_from_fields(item, presentation, fields)

    try:
        saved = services.response_submit(
            user=request.user, attempt_id=attempt_id, position=position, answer=read, now=timezone.now()
        )
    except (Attempt.DoesNotExist, AttemptItem.DoesNotExist):
        raise Http404("No such question.") from None
    except services.AttemptClosed as closed:
        messages.error(request, str(closed))
        return redirect("result", attempt_id=attempt_id)
    except services.NothingEntered as empty:
        attempt = _attempt_or_404(request, attempt_id)
        if not attempt.assessment.is_adaptive:  # a fixed exam moves on without saving anything
            return redirect(_destination(attempt, action, position, attempt.slots.count()))
        return _answer_refused(request, attempt, position, fields, str(empty))
    except services.AssessmentError as refused:
        messages.error(request, str(refused))
        return redirect("attempt", attempt_id=attempt_id)
    except AnswerError as error:
        return _answer_refused(request, _attempt_or_404(request, attempt_id), position, fields, str(error))
    attempt = saved.attempt
    if attempt.assessment.is_adaptive:
        following = saved.next_slot
        if following is None:
            return redirect("result", attempt_id=attempt.pk)
        return redirect(_question_url(attempt, following.position))
    return redirect(_destination(attempt, action, position, len(saved.slots)))


def _answer_refused(
    request: AuthenticatedHttpRequest,
    attempt: Attempt,
    position: int,
    fields: dict[str, list[str]],
    error: str,
) -> HttpResponse:
    """The question again with what the learner entered and why it was not accepted (nothing saved)."""
    page = selectors.question_page(attempt=attempt, position=position, now=timezone.now(), fields=fields)
    context = {"attempt": attempt, "page": page, "error": error}
    return render(request, "assessments/question.html", context, status=422)


def _whole_number(text: str, digits: int = 9) -> int | None:
    """A form's whole number: at most ``digits`` ASCII digits (not ``²``, not ``٣``), else None."""
    if 1 <= len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def _destination(attempt: Attempt, action: str, position: int, count: int) -> str:
    if action == "review":
        return reverse("submit", args=[attempt.pk])
    if action == "previous":
        return _question_url(attempt, max(1, position - 1))
    if action.startswith("goto-"):
        target = _whole_number(action[5:])
        return _question_url(attempt, position if target is None else min(count, max(1, target)))
    if position == count:
        return reverse("submit", args=[attempt.pk])
    return _question_url(attempt, position + 1)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_submit(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    now = timezone.now()
    if request.method == "POST":
        finished = services.attempt_submit(attempt=attempt, now=now)
        if finished.status == Attempt.Status.EXPIRED:
            messages.warning(request, TIME_UP)
        return redirect("result", attempt_id=attempt.pk)
    if services.attempt_expire_if_due(attempt=attempt, now=now):
        messages.warning(request, TIME_UP)
    if not attempt.is_open:
        return redirect("result", attempt_id=attempt.pk)
    page = selectors.question_page(attempt=attempt, position=attempt.current_position, now=now)
    context = {
        "attempt": attempt,
        "page": page,
        "answered": sum(state == "answered" for state in page.answered.values()),
        "dont_know": [p for p, state in sorted(page.answered.items()) if state == "dont_know"],
        "unanswered": [p for p in range(1, page.count + 1) if p not in page.answered],
    }
    return render(request, "assessments/submit.html", context)


@login_required
def result(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    services.attempt_expire_if_due(attempt=attempt, now=timezone.now())
    if attempt.is_open:
        return redirect(_question_url(attempt, attempt.current_position))
    return render(request, "assessments/result.html", {"result": selectors.attempt_result(attempt=attempt)})


@login_required
def review(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    services.attempt_expire_if_due(attempt=attempt, now=timezone.now())
    if attempt.is_open:  # keys and explanations stay hidden until the attempt is finished
        return redirect(_question_url(attempt, attempt.current_position))
    try:
        page = selectors.review_page(attempt=attempt, position=position)
    except AttemptItem.DoesNotExist:
        raise Http404("No such question.") from None
    return render(request, "assessments/review.html", {"page": page, "entry": page.entry})


@login_required
def figure(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    slot = attempt.slots.select_related("item_version").filter(position=position).first()
    if slot is None or not slot.item_version.figure_svg:
        raise Http404("No figure.")
    return figure_response(slot.item_version.figure_svg)


@login_required
@require_POST
def rate(request: AuthenticatedHttpRequest, attempt_id: int, position: int) -> HttpResponse:
    attempt = _attempt_or_404(request, attempt_id)
    stars = _whole_number(request.POST.get("stars", ""), digits=1) or 0  # 0: refused below, with the reason
    try:
        services.item_rate(
            attempt=attempt,
            position=position,
            stars=stars,
            comment=request.POST.get("comment", ""),
            now=timezone.now(),
        )
    except AttemptItem.DoesNotExist:
        raise Http404("No such question.") from None
    except services.AssessmentError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Thank you — your rating helps us improve this question.")
    return redirect("review", attempt_id=attempt.pk, position=position)


@login_required
def my_results(request: AuthenticatedHttpRequest) -> HttpResponse:
    history = selectors.results_history(user=request.user)
    in_progress = selectors.attempt_list_for_user(user=request.user).filter(status=Attempt.Status.IN_PROGRESS)
    now = timezone.now()
    open_attempts = [a for a in in_progress if not services.attempt_expire_if_due(attempt=a, now=now)]
    return render(request, "assessments/my_results.html", {"history": history, "in_progress": open_attempts})


@login_required
def skill(request: AuthenticatedHttpRequest, bank_id: str, skill_id: str) -> HttpResponse:
    bank = get_object_or_404(Bank, bank_id=bank_id)
    try:
        study = itembank_selectors.skill_study(bank=bank, skill_id=skill_id)
    except KeyError:
        raise Http404("No such skill.") from None
    return render(request, "assessments/skill.html", {"bank": bank, "study": study, "skill": study.skill})
