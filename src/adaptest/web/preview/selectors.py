"""Reads for the author's preview: each bank folder's list, an item as a learner sees it, and its grading.

Nothing here reads or writes the database. Items come from the folders' files (``folders.py``); a
generator family is shown as the variant its seed draws. Answers take the question pages' own path: the
kind adapters read the form, ``answer_grade`` parses and grades once with the bank's pure ``grade``, and
the feedback is the review's (``AnswerFeedback``), so the preview shows exactly what a learner would see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from adaptest.bank import DONT_KNOW, ITEM_KINDS, GradableItem, Outcome
from adaptest.bank.generators import GeneratorFamily
from adaptest.web.assessments.kinds import Fields, answer_from_fields, widget_context
from adaptest.web.assessments.selectors import AnswerFeedback
from adaptest.web.assessments.services import answer_grade
from adaptest.web.preview.folders import BankFolder, Entry, bank_folders

MAX_SEED = 2**31 - 1
"""The largest seed the preview takes (the question pages draw display seeds below 2**31 too)."""
DONT_KNOW_TEXT = "I don't know yet"


class SeedError(ValueError):
    """The ``seed`` parameter is not a whole number the preview takes; the message says so."""


class VariantError(Exception):
    """A generator family's code failed for the seed asked for; the message is the author's to read."""


def preview_seed(raw: str | None) -> int:
    """The ``seed`` query parameter: absent or empty is 0; otherwise ASCII digits up to ``MAX_SEED``."""
    if raw is None or not raw.strip():
        return 0
    text = raw.strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_SEED)) and int(text) <= MAX_SEED:
        return int(text)
    raise SeedError(f"The seed must be a whole number from 0 to {MAX_SEED}, not {text[:20]!r}.")


# --- the banks' lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankListing:
    """A folder with the entries that pass the filter (all of them when there is none)."""

    folder: BankFolder
    entries: list[Entry]


def preview_kind(raw: str | None) -> str:
    """The kind filter: one of the bank's kinds, or "" (every kind) for anything else."""
    return raw if raw in ITEM_KINDS else ""


def preview_banks(*, query: str = "", kind: str = "") -> list[BankListing]:
    """Every configured folder, its entries filtered by id or stem text (any case) and by kind."""
    needle = query.strip().casefold()

    def wanted(entry: Entry) -> bool:
        if kind and entry.kind != kind:
            return False
        return not needle or needle in entry.id.casefold() or needle in entry.stem.casefold()

    return [BankListing(folder, [e for e in folder.entries if wanted(e)]) for folder in bank_folders()]


# --- one item ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewedItem:
    """An item of a folder as one seed shows it: a family's variant, or a hand-written item whose seed
    only sets the order its options or blocks are shown in (as each attempt's display seed does)."""

    folder: BankFolder
    item_id: str
    """The id in the URL: the item's, or the family's for a variant (whose own id ends in ``~<seed>``)."""
    item: GradableItem
    seed: int
    family: GeneratorFamily | None = None

    @cached_property
    def presentation(self) -> dict[str, Any]:
        return self.item.presentation(self.seed)

    def widget(self, fields: Fields) -> dict[str, Any]:
        """The kind's template context with ``fields`` (what was typed) in its inputs."""
        return widget_context(self.item, self.presentation, fields)


def preview_item(*, folder: BankFolder, item_id: str, seed: int) -> PreviewedItem:
    """The item or family ``item_id`` of a loaded folder: LookupError when it has none by that id."""
    bank = folder.bank
    if bank is None:
        raise LookupError(f"The bank in {folder.path} does not load.")
    if item_id in bank.items:
        return PreviewedItem(folder, item_id, bank.items[item_id], seed)
    family = bank.families.get(item_id)
    if family is None:
        raise LookupError(f"No item or generator family {item_id!r} in {folder.path}.")
    try:
        variant = family.generate(seed)
    except Exception as error:  # noqa: BLE001 - the family's own code: any failure is the author's finding
        raise VariantError(f"Seed {seed} of {item_id}: {type(error).__name__}: {error}") from error
    return PreviewedItem(folder, item_id, variant, seed, family)


def preview_figure(*, previewed: PreviewedItem) -> str:
    """The item's SVG: a generated variant's own markup, or the figure file, which must lie inside the
    bank's figures folder once every symbolic link is followed, as the loader requires too: checked again
    here for a file swapped after the folder was loaded. LookupError when there is none to give."""
    figure = previewed.item.figure
    if figure is None:
        raise LookupError("This item has no figure.")
    if figure.svg is not None:
        return figure.svg
    assert figure.path is not None  # a figure has its markup or a path (schema.Figure)
    figures = (previewed.folder.path / "figures").resolve()
    target = (previewed.folder.path / figure.path).resolve()
    if not target.is_relative_to(figures) or target.suffix != ".svg" or not target.is_file():
        raise LookupError(f"The figure {figure.path} is not a file inside the bank's figures folder.")
    try:
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LookupError(f"The figure {figure.path} cannot be read: {error}") from error


# --- answering it --------------------------------------------------------------------------------------


@dataclass
class PreviewAnswer:
    """An answer graded in the preview: what a stored response would hold, kept in no table (a plain
    dataclass, not frozen, so that it is a ``StoredAnswer`` as the review's responses are)."""

    answer: Any
    dont_know: bool
    score: float
    correct: bool
    needs_review: bool
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class PreviewFeedback(AnswerFeedback):
    """The grading of the answer just given, shown through the review's markup (``feedback.html``)."""

    item: GradableItem
    response: PreviewAnswer
    outcome: Outcome
    seed: int
    answer_text: str

    @property
    def display_seed(self) -> int:
        return self.seed

    @property
    def score_text(self) -> str:
        """The bank's score as a short number: 1, 0.5, 0.667."""
        return f"{round(self.outcome.score, 3):g}"


@dataclass(frozen=True)
class KeyView(AnswerFeedback):
    """The key before any answer: what the review shows of a question left unanswered (each option, true
    or false, for the choice kinds; the key grid for a matrix) and the correct answer with its
    explanation, without an answer line."""

    item: GradableItem
    outcome: Outcome
    seed: int
    response: None = None
    answer_text: str = ""

    @property
    def display_seed(self) -> int:
        return self.seed

    @property
    def states_answer_apart(self) -> bool:
        return False


def preview_key(*, previewed: PreviewedItem) -> KeyView:
    item = previewed.item
    outcome = Outcome(0.0, False, (*item.answer_free_parts(), item.correct_answer_part()))
    return KeyView(item, outcome, previewed.seed)


def preview_grade(*, previewed: PreviewedItem, fields: Fields, dont_know: bool = False) -> PreviewFeedback:
    """Grade what the form holds (or "I don't know yet") as the question pages would, storing nothing.

    Raises AnswerError (NothingEntered when nothing was entered) with the learner-facing message."""

    def read(item: GradableItem, presentation: dict[str, Any]) -> object:
        return DONT_KNOW if dont_know else answer_from_fields(item, presentation, fields)

    item = previewed.item
    answer, gave_up, outcome = answer_grade(item=item, seed=previewed.seed, read=read)
    graded = PreviewAnswer(answer, gave_up, outcome.score, outcome.correct, outcome.needs_review)
    text = DONT_KNOW_TEXT if gave_up else item.describe_answer(answer)
    return PreviewFeedback(item, graded, outcome, previewed.seed, text)


__all__ = [
    "MAX_SEED",
    "BankListing",
    "KeyView",
    "PreviewAnswer",
    "PreviewFeedback",
    "PreviewedItem",
    "SeedError",
    "VariantError",
    "preview_banks",
    "preview_figure",
    "preview_grade",
    "preview_item",
    "preview_key",
    "preview_kind",
    "preview_seed",
]
