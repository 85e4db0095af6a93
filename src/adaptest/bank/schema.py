"""Pydantic schemas shared by every item kind, the bank file and assessment definitions."""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A required, non-blank string (feedback, explanations, titles)."""

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*(~[0-9]+)?$", max_length=80)]
"""Lowercase letters, digits and dashes; ``~<seed>`` is reserved for generated variants."""
DomainId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
SkillId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
EnemySetId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
"""Names a set of items that give each other away (or are one scenario with other numbers)."""
LEVELS = ("beginning", "developing", "accomplished")
DEFAULT_TIME_LIMIT_MINUTES = 30
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a bank file must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Tolerance(Strict):
    absolute: float = Field(default=0.0, ge=0)
    relative: float = Field(default=0.0, ge=0)

    def accepts(self, expected: float, given: float) -> bool:
        """True when ``given`` is within the absolute or the relative bound of ``expected``.

        With neither bound set, values must agree up to floating-point rounding (relative 1e-9).
        """
        if not math.isfinite(given):
            return False
        return abs(given - expected) <= self.bound(expected)

    def bound(self, expected: float) -> float:
        """How far from ``expected`` an answer may be and still count as right."""
        return max(self.absolute, self.relative * abs(expected), 1e-9 * max(1.0, abs(expected)))

    def describe(self, expected: float) -> str | None:
        """The accepted margin in words (``±0.0005``, ``±1%``), or None when the answer must be exact."""
        if self.absolute == 0 and self.relative == 0:
            return None
        if self.relative * abs(expected) > self.absolute:
            return f"±{self.relative * 100:g}%"
        return f"±{self.absolute:g}"


class Figure(Strict):
    """A figure file under figures/, or (for generated items) the SVG markup itself."""

    path: Annotated[str, StringConstraints(pattern=r"^figures/[A-Za-z0-9_./-]+\.svg$")] | None = None
    svg: Annotated[str, StringConstraints(pattern=r"^\s*<svg[\s>]")] | None = None
    alt: Text

    @field_validator("path")
    @classmethod
    def _stays_inside_figures(cls, value: str | None) -> str | None:
        if value is not None and ".." in value.split("/"):
            raise ValueError("figure path must stay inside figures/")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Figure:
        if (self.path is None) == (self.svg is None):
            raise ValueError("give the figure either a path or inline svg, not both")
        return self


Difficulty = Literal["easy", "medium", "hard"] | Annotated[float, Field(ge=-4, le=4)]

Use = Literal["secure", "practice"]
"""Which pool a hand-written item is in: *secure* items are given only in assessments, *practice* items
only in practice, on skill pages and in matches, so no one can rehearse a live question. Generator
families serve both, with fresh variants."""


class ItemBase(Strict):
    """Fields every item kind has. Subclasses add their own and implement grading."""

    id: ItemId
    domain: DomainId
    skills: Annotated[list[SkillId], Field(min_length=1)]
    stem: Text
    explanation: Text
    difficulty: Difficulty | None = None
    figure: Figure | None = None
    dont_know_feedback: Text | None = None
    tags: list[Text] = Field(default_factory=list)
    use: Use = "secure"
    enemy_set: EnemySetId | None = None
    """Items naming the same set are never given together in one attempt, nor listed in one exam form."""
    distinct_from: list[ItemId] = Field(default_factory=list)
    """Items an author compared with this one and found not to give it away: the lint stops warning."""


def is_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name))


class LevelDescriptors(Strict):
    beginning: Text
    developing: Text
    accomplished: Text


class Domain(Strict):
    id: DomainId
    title: Text
    levels: LevelDescriptors


class Resource(Strict):
    """Where to study a skill: a canonical resource by title and chapter (no links that rot)."""

    title: Text
    chapter: Text


class Skill(Strict):
    id: SkillId
    title: Text
    domain: DomainId
    note: Text | None = None
    resource: Resource | None = None


class SkillsFile(Strict):
    """skills/*.yaml: more skills, so that a large bank can keep one file per domain."""

    skills: list[Skill]


class Flashcard(Strict):
    id: ItemId
    front: Text
    back: Text
    skills: Annotated[list[SkillId], Field(min_length=1)]


class Deck(Strict):
    """decks/*.yaml: a flashcard deck, usually one per domain."""

    id: ItemId
    title: Text
    domain: DomainId
    cards: Annotated[list[Flashcard], Field(min_length=1)]


RequiredLevel = Literal["beginning", "developing", "accomplished"]


class RoleProfile(Strict):
    """A role the bank's levels serve: the level each domain needs; domains left out are not required."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    title: Text
    rationale: Text
    levels: Annotated[dict[DomainId, RequiredLevel], Field(min_length=1)]


class BankMeta(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Text
    description: Text | None = None
    domains: Annotated[list[Domain], Field(min_length=1)]
    skills: list[Skill] = Field(default_factory=list)
    roles: list[RoleProfile] = Field(default_factory=list)


class AssessmentDefinition(Strict):
    id: ItemId
    title: Text
    description: Text | None = None
    kind: Literal["fixed", "adaptive"]
    time_limit_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = DEFAULT_TIME_LIMIT_MINUTES
    pass_mark: Annotated[float, Field(gt=0, le=1)] | None = None
    items: list[ItemId] = Field(default_factory=list)
    forms: dict[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")], list[ItemId]] = Field(
        default_factory=dict
    )
    blueprint: dict[DomainId, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)

    def all_forms(self) -> dict[str, list[str]]:
        """Parallel forms of a fixed assessment by name; a single ``items`` list is form "A"."""
        return dict(self.forms) if self.forms else ({"A": list(self.items)} if self.items else {})
