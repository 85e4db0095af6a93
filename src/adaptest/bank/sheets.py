"""Blind-solve sheets: items exactly as a learner sees them, and answers checked without showing keys.

A solver who never saw the keys answers from :func:`learner_sheet` (stem, options or blocks in one
display order labelled by place, field labels, units, grid labels, figure alt text), writes the answers as
JSON (``{item_id: answer}``: an option label, a list of labels, a number, a dict of field → number, a
grid, a list of block labels, a text), and :func:`check_answers` grades them with
the real grader, saying only whether each earned full credit — so the solver can flag a disagreement
without ever learning the key (docs/content-audit.md).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adaptest.bank.grading import grade
from adaptest.bank.kinds import GradableItem
from adaptest.bank.outcome import AnswerError

SHEET_SEED = 20261206


def sheet_seed(item: GradableItem) -> int:
    """The item's display order on every sheet: the same for every solver, but its own per item (one
    seed for all would give every item with as many options the same order, so keys would share a
    place — authors tend to write the correct options first)."""
    return SHEET_SEED ^ zlib.crc32(item.id.encode())


_HOW_TO_ANSWER = {
    "single_choice": 'one option id, e.g. "b"',
    "multiple_choice": 'a list of every option id you select, e.g. ["a", "c"] (may be empty)',
    "numeric": "a number",
    "numeric_tuple": "an object with one number per field name",
    "matrix": "a list of rows, each a list of numbers",
    "ordering": "a list of the block labels in your order, leaving out any block that does not belong",
    "short_text": "a short text",
    "free_text": "a text",
}


def _labels(prefix: str, shown: list[dict[str, Any]]) -> list[str]:
    """Options and blocks go by their place on the sheet (o1, o2, … / b1, b2, …), as the API's tokens do:
    their ids follow the author's file order, so the correct ones tend to come first and give keys away."""
    return [f"{prefix}{n}" for n in range(1, len(shown) + 1)]


def _to_ids(item: GradableItem, answer: Any) -> Any:
    """A solver's labels as the item's option or block ids (other answers pass through)."""
    shown = item.presentation(sheet_seed(item))
    entries = shown.get("options") or shown.get("blocks")
    if not entries:
        return answer
    ids = dict(
        zip(_labels("o" if "options" in shown else "b", entries), (e["id"] for e in entries), strict=True)
    )
    if isinstance(answer, str):
        return ids.get(answer, answer)
    if isinstance(answer, list):
        return [ids.get(x, x) if isinstance(x, str) else x for x in answer]
    return answer


def learner_sheet(item: GradableItem) -> str:
    """The item as Markdown, with nothing a learner would not see before answering."""
    shown = item.presentation(sheet_seed(item))
    lines = [f"## {item.id} ({item.kind})", "", item.stem.strip(), ""]
    if item.figure is not None:
        lines += [f"*Figure:* {item.figure.alt}", ""]
    for label, option in zip(_labels("o", shown.get("options", [])), shown.get("options", []), strict=True):
        lines.append(f"- `{label}`: {option['text']}")
    for label, block in zip(_labels("b", shown.get("blocks", [])), shown.get("blocks", []), strict=True):
        lines.append(f"- block `{label}`: {block['text']}")
    for field in shown.get("fields", []):
        lines.append(f"- field `{field['name']}`: {field['label']}")
    if shown.get("max_words"):
        lines.append(f"- at most {shown['max_words']} words")
    if shown.get("units"):
        lines.append(f"- units: {shown['units']}")
    if "rows" in shown:
        lines.append(
            f"- grid: {shown['rows']} × {shown['columns']}; rows {shown['row_labels']}, "
            f"columns {shown['column_labels']}"
        )
    lines += ["", f"*Answer with:* {_HOW_TO_ANSWER.get(item.kind, 'the answer')}", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Check:
    item_id: str
    verdict: str  # "agrees", "partly" (some credit), "disagrees", "refused" (malformed), "unknown item"
    detail: str = ""


def check_answers(items: Mapping[str, GradableItem], answers: Mapping[str, Any]) -> list[Check]:
    """Grade each answer with the real grader; report agreement only, never the key."""
    checks = []
    for item_id, answer in answers.items():
        item = items.get(item_id)
        if item is None:
            checks.append(Check(item_id, "unknown item"))
            continue
        try:
            outcome = grade(item, _to_ids(item, answer))
        except AnswerError as error:
            checks.append(Check(item_id, "refused", str(error)))
            continue
        if outcome.correct:
            checks.append(Check(item_id, "agrees"))
        else:
            checks.append(
                Check(item_id, "partly" if outcome.score > 0 else "disagrees", f"score {outcome.score:.2f}")
            )
    return checks


__all__ = ["SHEET_SEED", "Check", "check_answers", "learner_sheet", "sheet_seed"]
