"""Practice pages: choose what to practise, answer one question at a time, see at once how it went.

Thin: the services choose, grade and store; the selectors say what the pages show.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from adaptest.bank import DONT_KNOW, AnswerError, GradableItem
from adaptest.web.assessments.kinds import answer_from_fields, fields_from_post
from adaptest.web.core.http import AuthenticatedHttpRequest, figure_response
from adaptest.web.itembank.models import Bank
from adaptest.web.practice import selectors, services
from adaptest.web.practice.models import PracticeQuestion, PracticeSession


def _bank(key: str | None) -> Bank:
    try:
        return selectors.practice_bank(bank_id=key)
    except Bank.DoesNotExist:
        raise Http404("No bank.") from None


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    bank = _bank(request.GET.get("bank"))
    context = {
        "bank": bank,
        "domains": list(bank.domain_titles().items()),
        "skill_groups": selectors.practice_skill_choices(bank=bank),
        "progress": selectors.practice_progress(user=request.user, bank=bank),
        "recent": selectors.practice_sessions_recent(user=request.user),
        "target": settings.ADAPTEST_PRACTICE_TARGET,
    }
    return render(request, "practice/home.html", context)


@login_required
@require_POST
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One form, three choices (the pressed button says which), plus the skill page's "Practise it"."""
    bank = _bank(request.POST.get("bank"))
    choice = request.POST.get("choice", "")
    try:
        session = services.practice_start(
            user=request.user,
            bank=bank,
            now=timezone.now(),
            domain=request.POST.get("domain", "") if choice == "domain" else "",
            skills=request.POST.getlist("skills") if choice == "skills" else (),
            study_plan=choice == "study_plan",
            item_id=request.POST.get("item", "") if choice == "item" else "",
        )
    except services.PracticeError as refused:
        messages.error(request, str(refused))
        return redirect("practice")
    return redirect("practice_session", session_id=session.pk)


@login_required
def session(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The session's current question: the one waiting for an answer, or the next one chosen now."""
    try:
        chosen = selectors.practice_session_get(user=request.user, session_id=session_id)
        question = services.practice_question_next(session=chosen, now=timezone.now())
    except PracticeSession.DoesNotExist:
        raise Http404("No such practice.") from None
    except services.PracticeError as refused:
        messages.error(request, str(refused))
        return redirect("practice")
    return redirect("practice_question", question_id=question.pk)


def _question(request: AuthenticatedHttpRequest, question_id: int) -> PracticeQuestion:
    try:
        return selectors.practice_question_get(user=request.user, question_id=question_id)
    except PracticeQuestion.DoesNotExist:
        raise Http404("No such question.") from None


@login_required
@require_http_methods(["GET", "POST"])
def question(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    """GET: the question, or once answered its feedback. POST: the answer (then the feedback, at once)."""
    asked = _question(request, question_id)
    if request.method == "POST":
        return _answer(request, asked)
    answered = selectors.practice_answered(question=asked)
    if answered is None:
        return _question_page(request, asked)
    return _feedback_page(request, answered)


def _answer(request: AuthenticatedHttpRequest, asked: PracticeQuestion) -> HttpResponse:
    action = request.POST.get("action", "submit")
    fields = fields_from_post(request.POST)

    def read(item: GradableItem, presentation: dict[str, Any]) -> object:
        return DONT_KNOW if action == "dont_know" else answer_from_fields(item, presentation, fields)

    try:
        answer = services.practice_answer_submit(
            user=request.user, question_id=asked.pk, answer=read, now=timezone.now()
        )
    except AnswerError as error:  # nothing entered, or an answer the question cannot take: nothing stored
        return _question_page(request, asked, fields=fields, error=str(error), status=422)
    return _feedback_page(request, selectors.practice_feedback(answer=answer))


def _question_page(
    request: AuthenticatedHttpRequest,
    asked: PracticeQuestion,
    *,
    fields: dict[str, list[str]] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    page = selectors.practice_page(question=asked, fields=fields)
    context = {"page": page, "practice": asked.session, "error": error}
    return render(request, "practice/question.html", context, status=status)


def _feedback_page(request: AuthenticatedHttpRequest, entry: selectors.PracticeFeedback) -> HttpResponse:
    context = {"entry": entry, "practice": entry.question.session, "question": entry.question}
    return render(request, "practice/feedback.html", context)


@login_required
def figure(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    asked = _question(request, question_id)
    if not asked.item_version.figure_svg:
        raise Http404("No figure.")
    return figure_response(asked.item_version.figure_svg)
