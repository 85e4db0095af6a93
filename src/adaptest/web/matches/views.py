"""Match pages: challenge, accept, play against the clock, both players' answers, leaderboards.

Thin: the services make, accept, play and settle matches; the selectors say what each player may see.
A page shows the other player's answers and score only once the match is finished (the result page).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_http_methods, require_POST

from adaptest.web.core.http import AuthenticatedHttpRequest, figure_response
from adaptest.web.core.throttling import throttled_page
from adaptest.web.matches import selectors, services
from adaptest.web.matches.forms import AnswerForm, ChallengeForm, PlayerForm, SubjectForm
from adaptest.web.matches.models import Match, MatchQuestion, MatchRun, Scope

TOO_MANY_MATCHES = "You have started many matches this hour."
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")


# --- helpers ----------------------------------------------------------------------------------------------


def _token(request: AuthenticatedHttpRequest) -> str:
    """The challenge link's secret, when the request carries one that could be one."""
    token = request.GET.get("token") or request.POST.get("token") or ""
    return token if TOKEN.fullmatch(token) else ""


def _match(request: AuthenticatedHttpRequest, match_id: int) -> Match:
    """The match as this user may see it, brought up to now (expired, overdue runs closed, finished)."""
    try:
        match = selectors.match_for(user=request.user, match_id=match_id, token=_token(request))
    except Match.DoesNotExist:
        raise Http404("No such match.") from None
    return services.match_settle(match=match, now=timezone.now())


def _match_url(match: Match, token: str = "") -> str:
    url = reverse("match", args=[match.pk])
    return f"{url}?token={token}" if token else url


def leaderboard_url(scope: str, key: str) -> str:
    return reverse(
        "matches_leaderboard_deck" if scope == Scope.DECK else "matches_leaderboard_domain", args=[key]
    )


def scope_label(scope: str) -> str:
    return "Deck" if scope == Scope.DECK else "Domain"


def _age(then: datetime, now: datetime) -> str:
    """``just now``, ``5 minutes ago``, ``2 days, 3 hours ago``."""
    if now - then < timedelta(minutes=1):
        return "just now"
    return f"{timesince(then, now)} ago"


def rating_change(before: float | None, after: float | None) -> str:
    """``1500 → 1520 (+20)``, in whole points that add up as shown; empty when nothing changed."""
    if before is None or after is None:
        return ""
    start, end = round(before), round(after)
    return f"{start} → {end} ({end - start:+d})".replace("-", "−")


# --- the hub ----------------------------------------------------------------------------------------------


@login_required
def hub(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _hub(request)


def _hub(
    request: AuthenticatedHttpRequest, *, player_form: PlayerForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    services.matches_settle_for(user=request.user, now=now)
    subjects = selectors.match_subjects()
    player = services.player_get(user=request.user)
    waiting = list(selectors.open_challenges(user=request.user, now=now))
    names = selectors.display_names({match.challenger_id for match in waiting})
    histories = selectors.rating_histories(user=request.user)
    context = {
        "challenge_form": ChallengeForm(subjects=subjects, prefix="challenge"),
        "ghost_form": SubjectForm(subjects=subjects, prefix="ghost"),
        "player_form": player_form
        or PlayerForm(
            initial={"display_name": player.display_name, "on_leaderboards": player.on_leaderboards}
        ),
        "player": player,
        "open_challenges": [
            (match, names[match.challenger_id], scope_label(match.scope), _age(match.created_at, now))
            for match in waiting
        ],
        "history": [
            (entry, scope_label(entry.match.scope)) for entry in selectors.match_history(user=request.user)
        ],
        "ratings": [
            (history, selectors.rating_chart(history=history), leaderboard_url(history.scope, history.key))
            for history in histories
        ],
        "questions": services.QUESTIONS,
        "seconds": services.SECONDS_PER_QUESTION,
    }
    return render(request, "matches/hub.html", context, status=status)


@login_required
@require_POST
def challenge(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChallengeForm(request.POST, subjects=selectors.match_subjects(), prefix="challenge")
    if not form.is_valid():
        messages.error(request, "Choose a deck or a domain to challenge someone on.")
        return redirect("matches")
    scope, key = form.scope_and_key()
    try:
        match = services.match_challenge(
            user=request.user, scope=scope, key=key, listed=form.cleaned_data["listed"], now=timezone.now()
        )
    except services.MatchThrottled as refused:
        return throttled_page(request, wait=refused.wait, what=TOO_MANY_MATCHES)
    except services.MatchError as refused:
        messages.error(request, str(refused))
        return redirect("matches")
    messages.success(request, "Your challenge is ready: play your questions, and send the link to a friend.")
    return redirect("match", match_id=match.pk)


@login_required
@require_POST
def ghost(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Play at once against a recent player's recorded run."""
    form = SubjectForm(request.POST, subjects=selectors.match_subjects(), prefix="ghost")
    if not form.is_valid():
        messages.error(request, "Choose a deck or a domain to play on.")
        return redirect("matches")
    scope, key = form.scope_and_key()
    try:
        match = services.match_ghost(user=request.user, scope=scope, key=key, now=timezone.now())
    except services.MatchThrottled as refused:
        return throttled_page(request, wait=refused.wait, what=TOO_MANY_MATCHES)
    except services.MatchError as refused:
        messages.error(request, str(refused))
        return redirect("matches")
    return redirect("match_play", match_id=match.pk)


@login_required
@require_POST
def player_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlayerForm(request.POST)
    if form.is_valid():
        try:
            services.player_update(
                user=request.user,
                display_name=form.cleaned_data["display_name"],
                on_leaderboards=form.cleaned_data["on_leaderboards"],
            )
        except services.MatchError as refused:
            form.add_error("display_name", str(refused))
    if not form.is_valid():
        return _hub(request, player_form=form, status=422)
    messages.success(request, "Your player settings are saved.")
    return redirect(reverse("matches") + "#settings-heading")


# --- one match --------------------------------------------------------------------------------------------


@login_required
def join(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """A challenge's link: its match page, which anyone signed in with the link may accept."""
    if not TOKEN.fullmatch(token):
        raise Http404("No such challenge.")
    try:
        match = selectors.match_by_token(token=token)
    except Match.DoesNotExist:
        raise Http404("No such challenge.") from None
    return redirect(_match_url(match, token))


def _state(match: Match, run: MatchRun | None) -> str:
    """What the page offers this user now."""
    if match.status == Match.Status.EXPIRED:
        return "expired"
    if run is None:
        return "open" if match.status == Match.Status.OPEN else "taken"
    if run.finished_at is None:
        return "play"
    return "waiting"


@login_required
def match_page(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = _match(request, match_id)
    run = selectors.run_for(user=request.user, match=match)
    if match.status == Match.Status.FINISHED and run is not None:
        return redirect("match_result", match_id=match.pk)
    people = {match.challenger_id} | ({match.opponent_id} if match.opponent_id else set())
    names = selectors.display_names(people)
    is_challenger = match.challenger_id == request.user.pk
    share = ""
    if is_challenger and match.status == Match.Status.OPEN:
        share = request.build_absolute_uri(reverse("match_join", args=[match.token]))
    context = {
        "match": match,
        "run": run,
        "state": _state(match, run),
        "scope": scope_label(match.scope),
        "challenger_name": names[match.challenger_id],
        "opponent_name": names.get(match.opponent_id or 0, ""),
        "is_challenger": is_challenger,
        "share_link": share,
        "token": _token(request),
        "questions": services.QUESTIONS,
    }
    return render(request, "matches/match.html", context)


@login_required
@require_POST
def accept(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = _match(request, match_id)
    try:
        services.match_accept(user=request.user, match=match, now=timezone.now())
    except services.MatchThrottled as refused:
        return throttled_page(request, wait=refused.wait, what=TOO_MANY_MATCHES)
    except services.MatchError as refused:
        messages.error(request, str(refused))
        return redirect(_match_url(match, _token(request)))
    messages.success(request, "You accepted the challenge. Play when you are ready: the clock starts then.")
    return redirect("match", match_id=match.pk)


# --- playing ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def play(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    """GET: the question this player is on (its clock starts when first shown). POST: the answer, then at
    once whether it was right."""
    match = _match(request, match_id)
    if selectors.run_for(user=request.user, match=match) is None:
        return redirect(_match_url(match, _token(request)))
    if request.method == "POST":
        return _answer(request, match)
    return _question_page(request, match)


def _question_page(
    request: AuthenticatedHttpRequest, match: Match, *, error: str = "", status: int = 200
) -> HttpResponse:
    now = timezone.now()
    try:
        question = services.match_question_next(user=request.user, match=match, now=now)
    except services.MatchError as refused:
        messages.error(request, str(refused))
        return redirect("match", match_id=match.pk)
    if question is None:  # the run is over
        return redirect("match", match_id=match.pk)
    shown = selectors.answer_shown(user=request.user, match=match, position=question.position)
    assert shown is not None  # match_question_next has just shown it
    context = {
        "match": match,
        "question": question,
        "options": list(enumerate(question.options)),
        "figure": _figure_alt(question),
        "seconds_left": int(shown.seconds_left(limit=match.seconds_per_question, now=now)),
        "questions": services.QUESTIONS,
        "scope": scope_label(match.scope),
        "error": error,
    }
    return render(request, "matches/play.html", context, status=status)


def _answer(request: AuthenticatedHttpRequest, match: Match) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():  # nothing chosen: nothing stored, the same question again
        return _question_page(request, match, error="Choose one of the options.", status=422)
    try:
        result = services.match_answer(
            user=request.user,
            match=match,
            position=form.cleaned_data["position"],
            choice=form.cleaned_data["choice"],
            now=timezone.now(),
        )
    except services.MatchError as refused:
        messages.error(request, str(refused))
        return redirect("match", match_id=match.pk)
    answer, question = result.answer, result.question  # match_answer settled the match if this ended it
    context = {
        "match": match,
        "question": question,
        "answer": answer,
        "chosen": question.options[answer.choice] if answer.choice is not None else "",
        "right_option": question.options[question.answer_index],
        "seconds": answer.seconds_taken,
        "run_over": result.run_over,
        "finished": match.status == Match.Status.FINISHED,
        "figure": _figure_alt(question),
        "questions": services.QUESTIONS,
        "scope": scope_label(match.scope),
    }
    return render(request, "matches/answered.html", context)


def _figure_alt(question: MatchQuestion) -> str | None:
    """The alternative text of the question's figure, or None when it has none."""
    version = question.item_version
    if version is None or not version.figure_svg:
        return None
    figure = getattr(version.parsed, "figure", None)
    return str(getattr(figure, "alt", "")) or "The question's figure"


@login_required
def figure(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_seen(user=request.user, question_id=question_id)
    if question is None or question.item_version is None or not question.item_version.figure_svg:
        raise Http404("No figure.")
    return figure_response(question.item_version.figure_svg)


# --- after the match --------------------------------------------------------------------------------------


@login_required
def result(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = _match(request, match_id)
    outcome = selectors.match_result(user=request.user, match=match)
    if outcome is None:
        return redirect(_match_url(match, _token(request)))
    figures = selectors.question_figures(match=match)
    context = {
        "result": outcome,
        "match": match,
        "scope": scope_label(match.scope),
        "rows": [(row, figures.get(row.position)) for row in outcome.rows],
        "figure_alts": {question.pk: _figure_alt(question) for question in figures.values()},
        "my_change": rating_change(outcome.mine.rating_before, outcome.mine.rating_after),
        "their_change": ""
        if match.is_ghost
        else rating_change(outcome.theirs.rating_before, outcome.theirs.rating_after),
        "leaderboard_url": leaderboard_url(match.scope, match.scope_key),
        "questions": services.QUESTIONS,
    }
    return render(request, "matches/result.html", context)


@login_required
def leaderboards(request: AuthenticatedHttpRequest) -> HttpResponse:
    subjects = [
        (subject, leaderboard_url(subject.scope, subject.key)) for subject in selectors.match_subjects()
    ]
    context = {
        "decks": [(subject, url) for subject, url in subjects if subject.scope == Scope.DECK],
        "domains": [(subject, url) for subject, url in subjects if subject.scope == Scope.DOMAIN],
    }
    return render(request, "matches/leaderboards.html", context)


@login_required
def leaderboard(request: AuthenticatedHttpRequest, key: str, scope: str) -> HttpResponse:
    try:
        subject = services.subject_get(user=request.user, scope=scope, key=key)
    except services.MatchError:
        raise Http404("No such deck or domain.") from None
    board = selectors.leaderboard(
        user=request.user, bank=subject.bank, scope=subject.scope, key=subject.key, title=subject.title
    )
    context = {
        "board": board,
        "scope": scope_label(subject.scope),
        "empty_text": selectors.EMPTY_LEADERBOARD,
        "player": services.player_get(user=request.user),
    }
    return render(request, "matches/leaderboard.html", context)
