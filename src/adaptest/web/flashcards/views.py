"""Flashcard pages: browse, a deck, the four study modes, import, export, settings. Thin: the services
and selectors decide; the multiple-choice and test questions wait in the session, so the right option's
position is never in a page before the answer."""

from __future__ import annotations

import random
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from adaptest.web.core.http import AuthenticatedHttpRequest
from adaptest.web.core.markdown import render_markdown
from adaptest.web.flashcards import selectors, services
from adaptest.web.flashcards.forms import ImportForm, StudySettingsForm
from adaptest.web.flashcards.interop import ExportCard, ImportRefused, LineProblem, apkg_export, csv_export
from adaptest.web.flashcards.models import RETENTION_RANGE, Rating, Review
from adaptest.web.flashcards.selectors import CardView, DeckNotFound, DeckView
from adaptest.web.flashcards.study import answer_verdict, choice_options, quiz_questions

LEARN_KEY = "flashcards.learn"
TEST_KEY = "flashcards.test"
MAX_TEST = 50
RATINGS = [(value, label) for value, label in Rating.choices]


def _deck(request: HttpRequest, key: str) -> DeckView:
    try:
        return selectors.deck_get(user=request.user, key=key)
    except DeckNotFound:
        raise Http404("No such deck.") from None


def _number(raw: str | None, digits: int = 6) -> int | None:
    """A non-negative integer written in at most ``digits`` ASCII digits; None for anything else ("²", "-1",
    "1e9", a 5000-digit number)."""
    return int(raw) if raw is not None and re.fullmatch(rf"[0-9]{{1,{digits}}}", raw) else None


def _position(request: HttpRequest, count: int) -> int:
    """The 1-based card number in ``?n=`` (1 when missing or not a number), at most one past the end."""
    number = _number(request.GET.get("n") or request.POST.get("n"))
    return max(1, min(number or 1, count + 1))


def _shown_stamp(now: datetime) -> str:
    return str(int(now.timestamp() * 1000))


def _shown_at(request: HttpRequest, now: datetime) -> datetime | None:
    """When the card was shown (the page's hidden stamp), if it is a plausible past moment."""
    stamp = _number(request.POST.get("shown"), digits=15)
    if stamp is None:
        return None
    shown = datetime.fromtimestamp(stamp / 1000, tz=UTC)
    return shown if shown <= now else None


def _rating(request: HttpRequest) -> int | None:
    raw = request.POST.get("rating", "")
    return int(raw) if raw in {"1", "2", "3", "4"} else None


# --- browsing --------------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"index": selectors.deck_index(user=request.user)}
    if request.user.is_authenticated:
        context["due_today"] = selectors.due_count(
            user=request.user, until=selectors.end_of_today(timezone.now())
        )
    return render(request, "flashcards/index.html", context)


def deck(request: HttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    scheduled = (
        selectors.scheduled_keys(user=request.user, deck=found) if request.user.is_authenticated else set()
    )
    return render(
        request,
        "flashcards/deck.html",
        {"deck": found, "scheduled": len(scheduled), "unscheduled": len(found.cards) - len(scheduled)},
    )


@login_required
@require_POST
def schedule(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    added = services.deck_schedule(user=request.user, deck=found, now=timezone.now())
    if added:
        messages.success(
            request, f"{added} card{'s' * (added != 1)} added to your reviews: they are due now."
        )
    else:
        messages.info(request, "All of this deck's cards are already in your reviews.")
    return redirect("cards_deck", key=found.key)


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    if found.personal is None:
        raise Http404("Only a personal deck can be deleted.")
    services.personal_deck_delete(owner=request.user, deck=found.personal)
    messages.success(request, f"The deck “{found.title}” and its review history were deleted.")
    return redirect("cards_index")


# --- (a) flip --------------------------------------------------------------------------------------------


@login_required
def flip(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    count = len(found.cards)
    back_first = request.GET.get("side", request.POST.get("side")) == "back"
    position = _position(request, count)
    now = timezone.now()
    if request.method == "POST":
        rating = _rating(request)
        card = found.card(request.POST.get("card", ""))
        if rating is None or card is None:
            messages.error(request, "Choose a rating from 1 (Again) to 4 (Easy) for the card shown.")
            return redirect(_flip_url(found, position, back_first))
        identity = services.card_identify(deck=found)[card.key]
        result = services.card_review(
            user=request.user,
            card=identity,
            rating=rating,
            now=now,
            mode=Review.Mode.FLIP,
            shown_at=_shown_at(request, now),
        )
        _say_when_next(request, result, rating, now)
        return redirect(_flip_url(found, position + 1, back_first))
    card = found.cards[position - 1] if position <= count else None
    context = {
        "deck": found,
        "card": card,
        "position": position,
        "count": count,
        "back_first": back_first,
        "ratings": RATINGS,
        "shown": _shown_stamp(now),
        "previous": _flip_url(found, position - 1, back_first) if position > 1 else None,
        "next": _flip_url(found, position + 1, back_first) if card else None,
        "other_side": _flip_url(found, position, not back_first),
    }
    return render(request, "flashcards/flip.html", context)


def _flip_url(deck: DeckView, position: int, back_first: bool) -> str:
    url = reverse("cards_flip", args=[deck.key]) + f"?n={position}"
    return url + ("&side=back" if back_first else "")


def _say_when_next(request: HttpRequest, result: services.ReviewResult, rating: int, now: datetime) -> None:
    """Tell the learner when the card they just rated comes back (a replayed rating says nothing)."""
    if not result.replay:
        messages.success(
            request, f"Rated {Rating(rating).label}: next review {_when(result.state.due, now)}."
        )


def _when(due: datetime, now: datetime) -> str:
    """A due time in words: "in 10 minutes", "in 3 days"."""
    seconds = max(0, (due - now).total_seconds())
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' * (minutes != 1)}"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' * (hours != 1)}"
    days = round(seconds / 86400)
    return f"in {days} day{'s' * (days != 1)} ({timezone.localtime(due):%-d %b %Y})"


# --- (b) learn -------------------------------------------------------------------------------------------


@login_required
def learn(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    count = len(found.cards)
    position = _position(request, count)
    if position > count:
        return render(request, "flashcards/learn.html", {"deck": found, "done": True, "count": count})
    card = found.cards[position - 1]
    can_choose = count > 1
    form = request.GET.get("form", request.POST.get("form", ""))
    if form not in ("typed", "choice") or not can_choose:
        form = "choice" if can_choose and position % 2 else "typed"
    context: dict[str, Any] = {
        "deck": found,
        "card": card,
        "position": position,
        "count": count,
        "form": form,
        "can_choose": can_choose,
        "next": reverse("cards_learn", args=[found.key]) + f"?n={position + 1}",
        "other_form": reverse("cards_learn", args=[found.key])
        + f"?n={position}&form={'typed' if form == 'choice' else 'choice'}",
    }
    pending = request.session.get(LEARN_KEY)
    if request.method == "POST":
        if form == "typed":
            given = request.POST.get("answer", "")
            context.update(answered=True, given=given, verdict=answer_verdict(given, card.back))
            return render(request, "flashcards/learn.html", context)
        if pending and pending.get("deck") == found.key and pending.get("card") == card.key:
            found_options = [found.card(k) for k in pending["options"]]
            options = [o for o in found_options if o is not None]
            chosen = _number(request.POST.get("choice"), digits=2)
            complete = len(options) == len(found_options)
            if complete and chosen is not None and chosen < len(options):
                picked = options[chosen]
                context.update(
                    answered=True,
                    options=options,
                    chosen=chosen,
                    verdict="exact" if picked.key == card.key else "wrong",
                    picked=picked,
                )
                return render(request, "flashcards/learn.html", context)
            if complete:
                context.update(error="Choose one of the definitions.", options=options)
                return render(request, "flashcards/learn.html", context, status=400)
        context["error"] = "That question had expired: here it is again, with its options drawn afresh."
    if form == "choice":
        keys = choice_options(card.key, found.card_keys, random.Random())
        request.session[LEARN_KEY] = {"deck": found.key, "card": card.key, "options": keys}
        context["options"] = [found.card(k) for k in keys]
    return render(request, "flashcards/learn.html", context)


# --- (c) test --------------------------------------------------------------------------------------------


@login_required
def test(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    count = len(found.cards)
    most = min(MAX_TEST, count)
    context: dict[str, Any] = {"deck": found, "most": most, "default": min(10, most)}
    if request.method == "POST":
        quiz = request.session.get(TEST_KEY)
        if not quiz or quiz.get("token") != request.POST.get("token") or quiz.get("deck") != found.key:
            context["error"] = "That test had expired or was replaced by a newer one: start a new test."
            return render(request, "flashcards/test.html", context, status=400)
        return render(request, "flashcards/test.html", {**context, **_test_result(request, found, quiz)})
    raw = request.GET.get("count")
    if raw is None:
        return render(request, "flashcards/test.html", context)
    wanted = _number(raw, digits=3)
    if wanted is None or not 1 <= wanted <= most:
        context["error"] = f"Choose a number of cards from 1 to {most}."
        context["count_value"] = raw
        return render(request, "flashcards/test.html", context, status=400)
    questions = quiz_questions(found.card_keys, wanted, random.Random())
    token = secrets.token_hex(8)
    request.session[TEST_KEY] = {
        "token": token,
        "deck": found.key,
        "questions": [{"card": q.card, "form": q.form, "options": list(q.options)} for q in questions],
    }
    context.update(token=token, questions=_test_questions(found, request.session[TEST_KEY]["questions"]))
    return render(request, "flashcards/test.html", context)


def _test_questions(deck: DeckView, stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for number, question in enumerate(stored, start=1):
        card = deck.card(question["card"])
        options = [deck.card(k) for k in question["options"]]
        shown.append({"number": number, "card": card, "form": question["form"], "options": options})
    return shown


def _test_result(request: HttpRequest, deck: DeckView, quiz: dict[str, Any]) -> dict[str, Any]:
    review = []
    for question in _test_questions(deck, quiz["questions"]):
        card: CardView | None = question["card"]
        if card is None or not all(question["options"]):  # edited out of the deck meanwhile
            continue
        field = f"q{question['number']}"
        if question["form"] == "typed":
            given = request.POST.get(field, "")
            verdict = answer_verdict(given, card.back)
        else:
            index = _number(request.POST.get(field), digits=2)
            options = question["options"]
            picked = options[index] if index is not None and index < len(options) else None
            given = picked.back if picked else ""
            verdict = "exact" if picked is not None and picked.key == card.key else "wrong"
        review.append({**question, "given": given, "verdict": verdict, "right": verdict != "wrong"})
    right = sum(entry["right"] for entry in review)
    return {"review": review, "right": right, "total": len(review), "finished": True}


# --- (d) review due cards --------------------------------------------------------------------------------


@login_required
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    if request.method == "POST":
        rating = _rating(request)
        card_pk = _number(request.POST.get("card"), digits=9)
        state = selectors.card_state_get(user=request.user, card_id=card_pk)
        if state is None:
            raise Http404("That card is not in your reviews.")
        if rating is None:
            messages.error(request, "Choose a rating from 1 (Again) to 4 (Easy).")
            return redirect("cards_review")
        result = services.card_review(
            user=request.user,
            card=state.card,
            rating=rating,
            now=now,
            mode=Review.Mode.REVIEW,
            shown_at=_shown_at(request, now),
        )
        _say_when_next(request, result, rating, now)
        return redirect("cards_review")
    due = selectors.due_cards(user=request.user, now=now)
    context: dict[str, Any] = {
        "due": due[0] if due else None,
        "remaining": len(due),
        "ratings": RATINGS,
        "shown": _shown_stamp(now),
        "next_due": None if due else selectors.next_due(user=request.user, after=now),
    }
    return render(request, "flashcards/review.html", context)


# --- import, export, settings ----------------------------------------------------------------------------


@login_required
def import_deck(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: tuple[LineProblem, ...] = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            made = services.personal_deck_import(
                owner=request.user,
                title=form.cleaned_data["title"],
                data=upload.read(),
                now=timezone.now(),
            )
        except ImportRefused as refused:
            problems = refused.problems
        except services.FlashcardError as error:
            form.add_error("title", str(error))
        else:
            messages.success(request, f"Imported {made.cards.count()} cards into “{made.title}”.")
            return redirect("cards_deck", key=made.key)
    status = 400 if request.method == "POST" else 200
    return render(request, "flashcards/import.html", {"form": form, "problems": problems}, status=status)


def _export_cards(deck: DeckView) -> list[ExportCard]:
    return [
        ExportCard(c.key, c.front, c.back, c.skills, render_markdown(c.front), render_markdown(c.back))
        for c in deck.cards
    ]


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(deck: DeckView) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in deck.key)


def export_apkg(request: HttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    data = apkg_export(deck_key=found.key, title=found.title, cards=_export_cards(found))
    return _download(data, "application/octet-stream", f"{_filename(found)}.apkg")


def export_csv(request: HttpRequest, key: str) -> HttpResponse:
    found = _deck(request, key)
    return _download(csv_export(_export_cards(found)), "text/csv; charset=utf-8", f"{_filename(found)}.csv")


@login_required
def study_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "fit":
        try:
            services.study_parameters_fit(user=request.user, now=timezone.now())
        except services.FlashcardError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Fitted: your next reviews are scheduled with parameters of your own.")
        return redirect("cards_settings")
    current = selectors.desired_retention(user=request.user)
    form = StudySettingsForm(request.POST or None, initial={"desired_retention": current})
    if request.method == "POST" and form.is_valid():
        services.study_settings_update(
            user=request.user, desired_retention=form.cleaned_data["desired_retention"]
        )
        messages.success(request, "Saved: your next reviews are scheduled for this retention.")
        return redirect("cards_settings")
    context = {
        "form": form,
        "reviews": selectors.review_count(user=request.user),
        "range": RETENTION_RANGE,
        "settings": selectors.study_settings(user=request.user),
        "fit_after": services.FIT_AFTER,
        "fit_available": selectors.parameters_fit_available(),
    }
    return render(request, "flashcards/settings.html", context, status=400 if form.errors else 200)
