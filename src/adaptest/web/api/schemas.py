"""The API's typed shapes: what clients send (``*In`` / answers) and what they get back (``*Out``).

Input and output are separate schemas on purpose: an output can grow a field without clients being
allowed to send it. Answers use the display tokens a question shows (``o1``, ``b2``), never the ids
authors gave options and blocks, for the same reason the pages do: an authored id can give the key away.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from ninja.params.functions import Path, Query
from pydantic import Field, field_validator

from adaptest.bank.outcome import FeedbackPart
from adaptest.web.assessments.kinds import (  # noqa: F401 - the answer shapes, re-exported
    ADAPTERS,
    ChoicesAnswer,
    FieldValuesAnswer,
    GridAnswer,
    KindAnswer,
    OrderAnswer,
    StrictInput,
    ValueAnswer,
)
from adaptest.web.assessments.selectors import RoleDomain, RoleResult
from adaptest.web.core.middleware import MAX_ID  # the pages' bound too

AttemptId = Annotated[int, Path(ge=1, le=MAX_ID, description="an attempt's id")]
PositionPath = Annotated[int, Path(ge=1, le=MAX_ID, description="a question's position, from 1")]
PositionQuery = Annotated[int | None, Query(None, ge=1, le=MAX_ID, description="a question's position")]

# --- answers (input): each kind's shape lives with its web adapter (assessments/kinds.py) ------------------


class DontKnowAnswer(StrictInput):
    """“I don't know yet”: allowed for every kind, scored as incorrect."""

    dont_know: Literal[True]

    @field_validator("dont_know", mode="before")
    @classmethod
    def _a_json_boolean(cls, value: object) -> object:
        if not isinstance(value, bool):  # a Literal[True] alone would take 1 and 1.0, even when strict
            raise ValueError("must be the JSON boolean true")
        return value


AnyAnswer = KindAnswer | DontKnowAnswer

ANSWER_SHAPE: dict[str, type[StrictInput]] = {kind: adapter.Answer for kind, adapter in ADAPTERS.items()}
"""Which answer shape each item kind takes."""


class AnswerIn(StrictInput):
    position: int = Field(ge=1, le=MAX_ID, description="the question's position, as in the item response")
    answer: AnyAnswer = Field(description="one shape per item kind (see docs/api.md)")


# --- outputs -------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class ThrottledOut(ErrorOut):
    """Too many requests: wait ``retry_after`` seconds (also sent as the Retry-After header)."""

    retry_after: int


class ValidationErrorOut(Schema):
    """A malformed answer: a sentence to show (from the item), or the list of schema errors."""

    detail: str | list[dict[str, Any]]


class RetakeLimitOut(ErrorOut):
    next_allowed: datetime


class ConflictOut(ErrorOut):
    """The rules refuse the request now; ``attempt_status`` is set when the attempt is over."""

    attempt_status: str | None = None


class AssessmentOut(Schema):
    slug: str
    title: str
    description: str
    kind: Literal["fixed", "adaptive"]
    time_limit_seconds: int
    question_count: int = Field(description="fixed: the form's length; adaptive: scored questions")
    pass_mark: float | None


AttemptStatus = Literal["in_progress", "submitted", "expired"]


class AttemptOut(Schema):
    id: int
    assessment: str = Field(description="the assessment's slug")
    adaptive: bool
    status: AttemptStatus
    started_at: datetime
    deadline: datetime
    finished_at: datetime | None
    remaining_seconds: int
    current_position: int = Field(description="the question to answer (adaptive) or to resume at")
    questions: int = Field(description="questions given so far (adaptive) or in the form (fixed)")
    planned: int = Field(description="about how many questions the attempt will have")
    answered: int


class OptionOut(Schema):
    token: str
    text: str = Field(description="Markdown")


class TupleFieldOut(Schema):
    name: str
    label: str


class GridOut(Schema):
    rows: int
    columns: int
    row_labels: list[str]
    column_labels: list[str]


class FigureOut(Schema):
    url: str
    alt: str


class SavedAnswerOut(Schema):
    """The learner's own saved answer, in the shape it was sent (only one field is set)."""

    choices: list[str] | None = None
    value: str | None = None
    values: dict[str, str] | None = None
    cells: list[list[str]] | None = None
    order: list[str] | None = None
    text: str | None = None
    dont_know: bool | None = None


class ItemOut(Schema):
    """One question as a learner may see it: never a key, a feedback or an explanation."""

    position: int
    kind: str
    stem: str = Field(description="Markdown (with $…$ maths)")
    figure: FigureOut | None
    multiple: bool | None = Field(None, description="choice items: may several options be chosen?")
    options: list[OptionOut] | None = None
    units: str | None = None
    max_length: int | None = None
    fields: list[TupleFieldOut] | None = None
    grid: GridOut | None = None
    blocks: list[OptionOut] | None = None
    max_words: int | None = Field(None, description="free_text: the most words an answer may have")
    state: Literal["answered", "dont_know"] | None = None
    saved_answer: SavedAnswerOut | None = None


class AnswerOut(Schema):
    """The answer is stored; whether it is right is told only in the result, once the attempt is over."""

    position: int
    state: Literal["answered", "dont_know"]
    changed: bool = Field(description="False when this repeated an answer already stored")
    saved_at: datetime
    attempt: AttemptOut
    next_item: ItemOut | None = Field(
        description="the question to answer next (adaptive: the one chosen from this answer; fixed: the "
        "next position); null once the attempt is over or after a fixed exam's last question"
    )


class EstimateOut(Schema):
    theta: float
    se: float
    score: int
    band: list[int]
    level: str
    probabilities: dict[str, float]
    borderline: bool


class DomainLevelOut(EstimateOut):
    id: str
    title: str
    items: int


class ReportOut(Schema):
    overall: EstimateOut
    domains: list[DomainLevelOut]
    scored_items: int


class DomainScoreOut(Schema):
    id: str
    title: str
    questions: int
    correct: int
    score: float


class SkillOut(Schema):
    id: str
    title: str
    domain: str
    note: str
    resource: dict[str, str] | None
    right: int
    missed: int


class RemarkOut(Schema):
    subject: str
    text: str
    good: bool | None = Field(description="whether the learner was right about it; null: not judged")
    chosen: bool | None = Field(
        description="choice kinds: whether the learner selected this option; null: no answer or not an option"
    )
    true: bool | None = Field(description="choice kinds: whether this option is correct; null: not an option")


class FeedbackPartOut(Schema):
    role: str
    heading: str
    remarks: list[RemarkOut]


def feedback_out(parts: Iterable[FeedbackPart]) -> list[FeedbackPartOut]:
    """The bank's feedback parts as the API sends them, in a review or after a practice answer."""
    return [
        FeedbackPartOut(
            role=str(part.role),
            heading=part.heading,
            remarks=[
                RemarkOut(subject=r.subject, text=r.text, good=r.good, chosen=r.chosen, true=r.true)
                for r in part.remarks
            ],
        )
        for part in parts
    ]


class ReviewEntryOut(Schema):
    position: int
    kind: str
    domain: str
    scored: bool
    stem: str
    answer_text: str
    status: Literal["correct", "partial", "incorrect", "dont_know", "unanswered"]
    score: float = Field(description="a person's score once they checked the answer (human_check)")
    human_check: Literal["pending", "checked"] | None = Field(
        None, description="free_text: a person will check (pending) or has checked this answer"
    )
    feedback: list[FeedbackPartOut]


class RoleDomainOut(Schema):
    id: str
    title: str
    required: str = Field(description="the level the role needs in this domain")


class RoleShortfallOut(RoleDomainOut):
    level: str = Field(description="the learner's level in this domain")
    borderline: bool
    levels_short: int = Field(
        description="levels between the learner's and the required one; 0 means the level equals the "
        "requirement but is borderline, which does not count as met"
    )


class RoleReadinessOut(Schema):
    """One role's verdict: ready (every required domain met), close (exactly one required domain falls
    short: one level short, or met only borderline), not yet, or not measured (the assessment measured
    none of the role's domains). docs/roles.md has the rule."""

    id: str
    title: str
    rationale: str
    verdict: Literal["ready", "close", "not yet", "not measured"]
    requires: list[RoleDomainOut] = Field(description="the domains the role needs; any other is not required")
    shortfalls: list[RoleShortfallOut]
    unmeasured: list[RoleDomainOut] = Field(
        description="required domains this assessment does not measure; the verdict leaves them out"
    )


def role_readiness_out(role: RoleResult) -> RoleReadinessOut:
    """A role's verdict as the API sends it: in a learner's own result, or an organisation's view of a
    consenting candidate's."""

    def domain(d: RoleDomain) -> RoleDomainOut:
        return RoleDomainOut(id=d.domain_id, title=d.title, required=d.required)

    shortfalls = [
        RoleShortfallOut(
            id=d.domain_id,
            title=d.title,
            required=d.required,
            level=d.level or "",
            borderline=d.borderline,
            levels_short=d.levels_short,
        )
        for d in role.shortfalls
    ]
    return RoleReadinessOut(
        id=role.role_id,
        title=role.title,
        rationale=role.rationale,
        verdict=role.verdict,
        requires=[domain(d) for d in role.requires],
        shortfalls=shortfalls,
        unmeasured=[domain(d) for d in role.unmeasured],
    )


class CalibrationOut(Schema):
    """How much of an adaptive result rests on calibrated questions rather than authors' hints."""

    calibrated_items: int = Field(description="scored questions whose parameters came from calibration")
    scored_items: int
    share: float = Field(description="calibrated_items / scored_items")
    provisional: bool = Field(
        description="true when fewer than half were calibrated: the levels rest mostly on authors' hints"
    )
    min_responses: int = Field(description="answers a question needs before calibration replaces its hint")


class ResultOut(Schema):
    attempt: AttemptOut
    score: float
    passed: bool | None
    correct_count: int
    report: ReportOut | None
    domains: list[DomainScoreOut]
    skills: list[SkillOut]
    study_plan: list[SkillOut]
    percentile: float | None
    roles: list[RoleReadinessOut] = Field(
        description="role readiness from the domain levels (adaptive assessments with scored answers)"
    )
    calibration: CalibrationOut | None = Field(
        description="adaptive assessments: whether the levels are provisional (null for a fixed exam)"
    )
    review: list[ReviewEntryOut]
