"""The matches API: challenge, accept, play against the clock, read the result, ratings and leaderboards.

Mounted by ``web/api/api.py`` under ``/api/matches`` and ``/api/leaderboards`` with the API's token auth
and rate limit. The same services and selectors as the pages. A match the user may not see (not theirs,
not an open listed challenge, no link token) is 404, as one that does not exist. The rules' refusals
(``MatchError``) are 409 with the player-facing message, the match throttle 429 with Retry-After; both are
mapped in ``register_error_handlers``.

A question is sent for play with its prompt and options only; whether the answer was right, and the right
option, come back once the answer is given (it is final). Both players' answers and the explanations are
in the result, once the match is finished.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Schema, Status
from ninja.params.functions import Path, Query
from pydantic import Field

from adaptest.web.api import schemas as s
from adaptest.web.api.routing import AdaptestRouter, refuse_unknown_query
from adaptest.web.assessments.kinds import StrictInput
from adaptest.web.core.http import ApiRequest, figure_response
from adaptest.web.core.middleware import MAX_ID
from adaptest.web.core.throttling import retry_after
from adaptest.web.matches import selectors, services
from adaptest.web.matches.models import Match, MatchQuestion, MatchRun

router = AdaptestRouter(tags=["matches"])
leaderboards = AdaptestRouter(tags=["matches"])

MatchState = Literal["open", "accepted", "finished", "expired"]
ScopeName = Literal["deck", "domain"]
Outcome = Literal["won", "lost", "tied", "expired", "waiting", "in play"]

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{22}$"
"""A challenge link's token as services.match_challenge makes it (``secrets.token_urlsafe(16)``): anything
else cannot be one, and is refused as malformed instead of silently ignored."""

MatchId = Annotated[int, Path(ge=1, le=MAX_ID, description="a match's id")]
Position = Annotated[int, Path(ge=1, le=MAX_ID, description="a question's position, from 1")]
LinkToken = Annotated[
    str | None,
    Query(None, pattern=TOKEN_PATTERN, description="the token of the challenge's link, to see a private one"),
]
SubjectScope = Annotated[ScopeName, Path(description="a deck or a domain")]
SubjectKey = Annotated[
    str,
    Path(
        max_length=120,
        description="`<bank>:<deck>` or `<bank>:<domain>`",
        examples=["deep-learning:deck-cnn"],
    ),
]

RUN_OVER = "Your run is over: there are no more questions for you. GET the result once the match is finished."
NOT_FINISHED = "This match is not finished: the result is ready once both players have played."
UNKNOWN_QUERY: dict[int | str, type[Schema]] = {422: s.ValidationErrorOut}
"""Operations without parameters of their own still refuse unknown query parameters."""


# --- what clients send -------------------------------------------------------------------------------------


class MatchChallengeIn(StrictInput):
    scope: ScopeName = Field(examples=["deck"])
    key: str = Field(
        max_length=120,
        description="`<bank>:<deck>` or `<bank>:<domain>`",
        examples=["deep-learning:deck-cnn"],
    )
    listed: bool = Field(True, description="on the open-challenges list; false: only those you send the link")


class MatchGhostIn(StrictInput):
    scope: ScopeName = Field(examples=["deck"])
    key: str = Field(
        max_length=120,
        description="`<bank>:<deck>` or `<bank>:<domain>`",
        examples=["deep-learning:deck-cnn"],
    )


class MatchAcceptIn(StrictInput):
    token: str | None = Field(
        None, pattern=TOKEN_PATTERN, description="the token of the challenge's link (a private challenge)"
    )


class MatchAnswerIn(StrictInput):
    position: int = Field(
        ge=1, le=MAX_ID, description="the question's position, as GET …/question gave it", examples=[1]
    )
    choice: int = Field(
        ge=0,
        le=MAX_ID,
        description="the chosen option's index in the question's options, from 0",
        examples=[0],
    )


class MatchPlayerIn(StrictInput):
    display_name: str = Field(
        max_length=100,
        description="2 to 40 characters, not your username or e-mail address, not taken",
        examples=["Grace H"],
    )
    on_leaderboards: bool = Field(description="whether leaderboards show you")


# --- what clients get --------------------------------------------------------------------------------------


class MatchRunOut(Schema):
    """Your own go at the match's questions."""

    role: Literal["challenger", "opponent"]
    started_at: datetime | None
    finished_at: datetime | None
    over: bool = Field(description="no more questions for you: all answered, or the time ran out")
    score: int = Field(description="your points so far")
    right: int


class MatchOut(Schema):
    id: int
    state: MatchState
    scope: ScopeName
    key: str
    subject: str = Field(description="the deck's or domain's title")
    listed: bool
    ghost: bool = Field(description="a game against a recorded run: only your rating changes")
    challenger: str = Field(description="a display name, never a username")
    opponent: str | None = Field(description="a display name; null until someone accepts")
    questions: int
    seconds_per_question: int
    created_at: datetime
    expires_at: datetime = Field(description="an open challenge nobody accepted expires then")
    finished_at: datetime | None
    share_path: str | None = Field(
        description="the challenge's link, token included, for the challenger only: whoever has it may "
        "see and accept the challenge"
    )
    token: str | None = Field(description="the link's token (for …/accept), for the challenger only")
    you: MatchRunOut | None = Field(description="your run; null when you are not playing in this match")


class MatchHistoryOut(Schema):
    match: MatchOut
    outcome: Outcome
    opponent: str = Field(description="the other player's display name; empty until someone accepts")
    score: int = Field(description="your points")
    opponent_score: int | None = Field(description="the other player's points, once the match is finished")


class MatchConflictOut(s.ErrorOut):
    """The rules refuse the request now; ``run_over`` is true when your run has no more questions."""

    run_over: bool = False
    state: MatchState | None = None


class MatchQuestionOut(Schema):
    """A question as shown for play: the prompt and the options, never the key or an explanation."""

    position: int
    questions: int
    prompt: str = Field(description="Markdown")
    options: list[str] = Field(description="Markdown; answer with the chosen option's index, from 0")
    figure: s.FigureOut | None
    shown_at: datetime = Field(description="when its clock started (server time)")
    seconds_left: float = Field(description="answers after the limit are stored but count as wrong")
    seconds_per_question: int


class MatchAnswerOut(Schema):
    """The graded answer: final, so the right option comes with it."""

    position: int
    choice: int
    correct: bool
    late: bool = Field(description="given after the question's time limit: it counts as wrong")
    points: int
    right_choice: int = Field(description="the right option's index")
    seconds: float = Field(description="from the question being shown to the answer, on the server's clock")
    replay: bool = Field(description="True when this question was already answered: nothing changed")
    run_over: bool
    state: MatchState


class MatchPlayerAnswerOut(Schema):
    choice: str | None = Field(description="the chosen option's text; null when not answered")
    correct: bool
    late: bool
    seconds: float | None
    points: int


class MatchResultRowOut(Schema):
    position: int
    prompt: str
    correct_answer: str
    explanation: str
    you: MatchPlayerAnswerOut
    opponent: MatchPlayerAnswerOut


class MatchSideOut(Schema):
    name: str
    score: int
    right: int


class MatchResultOut(Schema):
    match: MatchOut
    outcome: Outcome
    you: MatchSideOut
    opponent: MatchSideOut
    rating_before: float | None
    rating_after: float | None
    rating_change: float | None = Field(description="your rating's change; null if this match changed none")
    questions: list[MatchResultRowOut]


class MatchRatingPointOut(Schema):
    at: datetime
    rating: float


class MatchRatingOut(Schema):
    scope: ScopeName
    key: str
    title: str
    rating: float
    games: int
    provisional: bool = Field(description="fewer than 5 games: the rating is still settling")
    history: list[MatchRatingPointOut] = Field(description="the rating after each rated match, oldest first")


class LeaderboardRowOut(Schema):
    rank: int
    display_name: str
    rating: int
    games: int
    provisional: bool
    you: bool


class LeaderboardOut(Schema):
    scope: ScopeName
    key: str
    title: str
    top: list[LeaderboardRowOut]
    you: LeaderboardRowOut | None = Field(description="your own row when you are further down")
    message: str | None = Field(description="set when nobody is rated yet")


class MatchPlayerOut(Schema):
    display_name: str
    on_leaderboards: bool


# --- errors: one place -----------------------------------------------------------------------------------


def register_error_handlers(api: NinjaAPI) -> None:
    """The rules' refusals as HTTP: MatchError is 409 with its message, MatchThrottled 429 with
    Retry-After and ``retry_after``, as the API's own rate limit answers."""

    def throttled(request: HttpRequest, exc: services.MatchThrottled) -> HttpResponse:
        wait = retry_after(exc.wait)
        response = api.create_response(request, {"detail": str(exc), "retry_after": int(wait)}, status=429)
        response["Retry-After"] = wait
        return response

    def refused(request: HttpRequest, exc: services.MatchError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=409)

    api.exception_handler(services.MatchThrottled)(throttled)
    api.exception_handler(services.MatchError)(refused)


# --- matches -----------------------------------------------------------------------------------------------


@router.post("", response={201: MatchOut, 409: s.ErrorOut}, url_name="match_challenge")
def match_challenge(request: ApiRequest, payload: MatchChallengeIn) -> Status[MatchOut]:
    """Challenge: 7 questions on a deck or a domain, for you to play now and for whoever accepts.

    Anyone with the link (``share_path``) may accept; a listed challenge is also on the open list."""
    refuse_unknown_query(request)
    match = services.match_challenge(
        user=request.auth, scope=payload.scope, key=payload.key, listed=payload.listed, now=timezone.now()
    )
    return Status(201, _match_out(request.auth, match))


@router.post("/ghost", response={201: MatchOut, 409: s.ErrorOut}, url_name="match_ghost")
def match_ghost(request: ApiRequest, payload: MatchGhostIn) -> Status[MatchOut]:
    """Play at once against the recorded run of a recent player of similar rating (only your rating
    changes)."""
    refuse_unknown_query(request)
    match = services.match_ghost(user=request.auth, scope=payload.scope, key=payload.key, now=timezone.now())
    return Status(201, _match_out(request.auth, match))


@router.get("", response={200: list[MatchHistoryOut], **UNKNOWN_QUERY}, url_name="match_list")
def match_list(request: ApiRequest) -> list[MatchHistoryOut]:
    """Your matches, newest first, with the outcome once finished."""
    refuse_unknown_query(request)
    now = timezone.now()
    services.matches_settle_for(user=request.auth, now=now)
    entries = selectors.match_history(user=request.auth)
    names = _names(entry.match for entry in entries)
    return [
        MatchHistoryOut(
            match=_match_out(request.auth, entry.match, entry.mine, names),
            outcome=entry.outcome,  # type: ignore[arg-type]
            opponent=entry.opponent_name,
            score=entry.mine.score,
            opponent_score=entry.opponent_score,
        )
        for entry in entries
    ]


@router.get("/open", response={200: list[MatchOut], **UNKNOWN_QUERY}, url_name="match_open_list")
def match_open_list(request: ApiRequest) -> list[MatchOut]:
    """Listed challenges of other players that you may accept, newest first."""
    refuse_unknown_query(request)
    matches = list(selectors.open_challenges(user=request.auth, now=timezone.now()))
    names = _names(matches)
    return [_match_out(request.auth, match, None, names) for match in matches]


@router.get("/ratings", response={200: list[MatchRatingOut], **UNKNOWN_QUERY}, url_name="match_ratings")
def match_ratings(request: ApiRequest) -> list[MatchRatingOut]:
    """Your ratings per deck and domain, most recently changed first, each with its history."""
    refuse_unknown_query(request)
    return [
        MatchRatingOut(
            scope=history.scope,  # type: ignore[arg-type]
            key=history.key,
            title=history.title,
            rating=history.rating.rating,
            games=history.rating.games,
            provisional=history.provisional,
            history=[MatchRatingPointOut(at=at, rating=rating) for at, rating in history.points],
        )
        for history in selectors.rating_histories(user=request.auth)
    ]


@router.put("/player", response={200: MatchPlayerOut, 409: s.ErrorOut}, url_name="match_player_update")
def match_player_update(request: ApiRequest, payload: MatchPlayerIn) -> MatchPlayerOut:
    """Your display name (what other players see, never your username) and whether leaderboards show
    you."""
    refuse_unknown_query(request)
    player = services.player_update(
        user=request.auth, display_name=payload.display_name, on_leaderboards=payload.on_leaderboards
    )
    return MatchPlayerOut(display_name=player.display_name, on_leaderboards=player.on_leaderboards)


@router.get("/{match_id}", response={200: MatchOut}, url_name="match_detail")
def match_detail(request: ApiRequest, match_id: MatchId, token: LinkToken = None) -> MatchOut:
    """A match you play in, an open listed challenge, or a challenge whose link ``token`` you have."""
    refuse_unknown_query(request, "token")
    match = _visible(request, match_id, token or "")
    services.match_settle(match=match, now=timezone.now())
    return _match_out(request.auth, match)


@router.post("/{match_id}/accept", response={200: MatchOut, 409: s.ErrorOut}, url_name="match_accept")
def match_accept(request: ApiRequest, match_id: MatchId, payload: MatchAcceptIn | None = None) -> MatchOut:
    """Take the open seat of a challenge (a private one with its link's ``token``); then play it.

    Accepting again returns your seat; of two players accepting at once, one gets it."""
    refuse_unknown_query(request)
    match = _visible(request, match_id, (payload.token if payload else None) or "")
    services.match_accept(user=request.auth, match=match, now=timezone.now())
    return _match_out(request.auth, match)


@router.get(
    "/{match_id}/question", response={200: MatchQuestionOut, 409: MatchConflictOut}, url_name="match_question"
)
def match_question(request: ApiRequest, match_id: MatchId) -> MatchQuestionOut | Status[MatchConflictOut]:
    """The question to answer now: the one shown and not answered yet (its clock running), or the next
    one, shown now. 409 with ``run_over`` once your run is over."""
    refuse_unknown_query(request)
    match = _visible(request, match_id)
    now = timezone.now()
    question = services.match_question_next(user=request.auth, match=match, now=now)
    if question is None:
        return Status(409, MatchConflictOut(detail=RUN_OVER, run_over=True, state=match.status))  # type: ignore[arg-type]
    shown = selectors.answer_shown(user=request.auth, match=match, position=question.position)
    assert shown is not None  # match_question_next has just shown it
    return MatchQuestionOut(
        position=question.position,
        questions=services.QUESTIONS,
        prompt=question.prompt,
        options=list(question.options),
        figure=_figure(match, question),
        shown_at=shown.shown_at,
        seconds_left=round(shown.seconds_left(limit=match.seconds_per_question, now=now), 1),
        seconds_per_question=match.seconds_per_question,
    )


@router.post("/{match_id}/answers", response={200: MatchAnswerOut, 409: s.ErrorOut}, url_name="match_answer")
def match_answer(request: ApiRequest, match_id: MatchId, payload: MatchAnswerIn) -> MatchAnswerOut:
    """Answer the question at ``position`` and get at once whether it was right, with the right option.

    Sending an answer again for the same question changes nothing and returns the first result."""
    refuse_unknown_query(request)
    match = _visible(request, match_id)
    result = services.match_answer(
        user=request.auth, match=match, position=payload.position, choice=payload.choice, now=timezone.now()
    )
    answer = result.answer
    seconds = answer.seconds_taken
    assert seconds is not None and answer.choice is not None  # graded now, or earlier (a replay)
    return MatchAnswerOut(
        position=answer.position,
        choice=answer.choice,
        correct=answer.correct,
        late=answer.late,
        points=answer.points,
        right_choice=result.question.answer_index,
        seconds=seconds,
        replay=result.replay,
        run_over=result.run_over,
        state=match.status,  # type: ignore[arg-type]
    )


@router.get("/{match_id}/figures/{position}", response={200: None}, url_name="match_figure")
def match_figure(request: ApiRequest, match_id: MatchId, position: Position) -> HttpResponse:
    """A question's figure (SVG), once the question has been shown to you."""
    refuse_unknown_query(request)
    match = _visible(request, match_id)
    if selectors.answer_shown(user=request.auth, match=match, position=position) is None:
        raise Http404("Not shown.")
    question = selectors.question_figures(match=match).get(position)
    if question is None or question.item_version is None:
        raise Http404("No figure.")
    return figure_response(question.item_version.figure_svg)


@router.get("/{match_id}/result", response={200: MatchResultOut, 409: s.ErrorOut}, url_name="match_result")
def match_result(request: ApiRequest, match_id: MatchId) -> MatchResultOut:
    """Both players' answers side by side, with the right answers and explanations, and your rating's
    change: once the match is finished (409 before)."""
    refuse_unknown_query(request)
    match = _visible(request, match_id)
    services.match_settle(match=match, now=timezone.now())
    if selectors.run_for(user=request.auth, match=match) is None:
        raise Http404("Not a player.")  # the result is the players' own
    result = selectors.match_result(user=request.auth, match=match)
    if result is None:
        raise services.MatchError(NOT_FINISHED)
    return MatchResultOut(
        match=_match_out(request.auth, match, result.mine),
        outcome=result.outcome,  # type: ignore[arg-type]
        you=MatchSideOut(name=result.my_name, score=result.mine.score, right=result.mine.right),
        opponent=MatchSideOut(name=result.their_name, score=result.theirs.score, right=result.theirs.right),
        rating_before=result.mine.rating_before,
        rating_after=result.mine.rating_after,
        rating_change=result.rating_change,
        questions=[
            MatchResultRowOut(
                position=row.position,
                prompt=row.prompt,
                correct_answer=row.correct_answer,
                explanation=row.explanation,
                you=_player_answer_out(row.mine),
                opponent=_player_answer_out(row.theirs),
            )
            for row in result.rows
        ],
    )


# --- leaderboards ------------------------------------------------------------------------------------------


@leaderboards.get("/{scope}/{key}", response={200: LeaderboardOut}, url_name="match_leaderboard")
def match_leaderboard(request: ApiRequest, scope: SubjectScope, key: SubjectKey) -> LeaderboardOut:
    """The top 10 rated players of a deck or domain by display name (those who opted out left out), and
    your own rank when you are further down."""
    refuse_unknown_query(request)
    try:
        subject = services.subject_get(user=request.auth, scope=scope, key=key)
    except services.MatchError:
        raise Http404("No such deck or domain.") from None
    board = selectors.leaderboard(
        user=request.auth, bank=subject.bank, scope=subject.scope, key=subject.key, title=subject.title
    )
    return LeaderboardOut(
        scope=scope,
        key=board.key,
        title=board.title,
        top=[_leaderboard_row_out(row) for row in board.top],
        you=_leaderboard_row_out(board.me) if board.me is not None else None,
        message=selectors.EMPTY_LEADERBOARD if board.empty else None,
    )


# --- helpers -----------------------------------------------------------------------------------------------


def _visible(request: ApiRequest, match_id: int, token: str = "") -> Match:
    try:
        return selectors.match_for(user=request.auth, match_id=match_id, token=token)
    except Match.DoesNotExist:
        raise Http404("No such match.") from None


def _names(matches: Iterable[Match]) -> dict[int, str]:
    ids: set[int] = set()
    for match in matches:
        ids |= {match.challenger_id} | ({match.opponent_id} if match.opponent_id else set())
    return selectors.display_names(ids)


def _match_out(
    user: User, match: Match, run: MatchRun | None = None, names: dict[int, str] | None = None
) -> MatchOut:
    run = run or selectors.run_for(user=user, match=match)
    names = names if names is not None else _names([match])
    mine = match.challenger_id == user.pk and not match.is_ghost
    share_path = None
    if mine:
        share_path = reverse("match_join", args=[match.token])  # the page that shows and accepts it
    return MatchOut(
        id=match.pk,
        state=match.status,  # type: ignore[arg-type]
        scope=match.scope,  # type: ignore[arg-type]
        key=match.scope_key,
        subject=match.scope_title,
        listed=match.listed,
        ghost=match.is_ghost,
        challenger=names[match.challenger_id],
        opponent=names[match.opponent_id] if match.opponent_id else None,
        questions=services.QUESTIONS,
        seconds_per_question=match.seconds_per_question,
        created_at=match.created_at,
        expires_at=match.expires_at,
        finished_at=match.finished_at,
        share_path=share_path,
        token=match.token if mine else None,
        you=_run_out(run) if run is not None else None,
    )


def _run_out(run: MatchRun) -> MatchRunOut:
    return MatchRunOut(
        role=run.role,  # type: ignore[arg-type]
        started_at=run.started_at,
        finished_at=run.finished_at,
        over=run.finished_at is not None,
        score=run.score,
        right=run.right,
    )


def _figure(match: Match, question: MatchQuestion) -> s.FigureOut | None:
    version = question.item_version
    if version is None or not version.figure_svg:
        return None
    figure = version.parsed.figure
    alt = figure.alt if figure is not None else ""
    return s.FigureOut(url=reverse("api:match_figure", args=[match.pk, question.position]), alt=alt)


def _player_answer_out(answer: selectors.PlayerAnswer) -> MatchPlayerAnswerOut:
    return MatchPlayerAnswerOut(
        choice=answer.choice,
        correct=answer.correct,
        late=answer.late,
        seconds=answer.seconds,
        points=answer.points,
    )


def _leaderboard_row_out(row: selectors.LeaderboardRow) -> LeaderboardRowOut:
    return LeaderboardRowOut(
        rank=row.rank,
        display_name=row.display_name,
        rating=row.rating,
        games=row.games,
        provisional=row.provisional,
        you=row.is_me,
    )
