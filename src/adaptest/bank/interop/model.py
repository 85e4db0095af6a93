"""What every format reader and writer returns: converted questions, refusals, skipped items.

A reader (``read(path) -> list[Converted | Refused]``) turns each question of a foreign file into item
data in the bank format, without ``id``, ``domain`` and ``skills`` (the importer gives those), or says
why it cannot. A writer (``write(items) -> Export``) turns bank items into one foreign file or package,
skipping with a reason each item the format cannot express exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lxml import etree
from pydantic import ValidationError

from adaptest.bank.kinds import ITEM_KINDS, GradableItem

NO_EXPLANATION = "No explanation came with this imported question."
NO_OPTION_FEEDBACK = "No feedback came with this option."
NO_ANSWER_FEEDBACK = "No feedback came with this answer."
"""Placeholders for what the bank format requires and a source may lack (each write is also a loss)."""
NO_EXPLANATION_LOSS = "no explanation (general feedback): a placeholder was written"
NEGATIVE_FLOORED = "negative totals floor at 0 here"
"""The loss when a source can score below 0 (our scores stay within [0, 1])."""


def kind_problem(data: dict[str, Any]) -> str | None:
    """Why the item kind rejects this item data, the first problem as ``field: message`` (None when it is
    a valid item); data without an id, domain or skills yet is checked with placeholders for them."""
    full = {"id": "imported", "domain": "imported", "skills": ["imported"], **data}
    try:
        item = ITEM_KINDS[full["kind"]].model_validate(full)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    problems = item.problems()
    if problems:
        where, message = problems[0]
        return f"{'.'.join(str(p) for p in where)}: {message}"
    return None


@dataclass(frozen=True)
class Origin:
    """Where a question came from: its name or identifier in the source, and the line it starts on."""

    name: str
    line: int


@dataclass(frozen=True)
class Converted:
    """A question turned into bank item data (``id``, ``domain`` and ``skills`` still to be given).

    ``losses`` says, in an author's words, what did not carry over exactly; ``files`` holds the figure
    files the data names (``figures/<name>`` → bytes).
    """

    origin: Origin
    data: dict[str, Any]
    losses: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    origin: Origin
    reason: str


class SourceSyntaxError(ValueError):
    """The file is not valid XML / GIFT / a content package: nothing is imported from it."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column
        self.message = message


def parse_xml(data: bytes, where: str = "", *, remove_comments: bool = False) -> etree._Element:
    """Parse a source's XML without ever reading an external entity or the network (no XXE) or building
    a huge tree; a syntax error is a :class:`SourceSyntaxError` at its line and column, prefixed with
    ``where`` (a file inside a package) when given."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=remove_comments
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        message = error.msg or "not well-formed XML"
        raise SourceSyntaxError(line or 1, column or 1, f"{where}: {message}" if where else message) from None


def line_of(element: etree._Element) -> int:
    """The line a parsed element starts on (1 when lxml does not know, as in a tree built in memory)."""
    line = element.sourceline
    return line if isinstance(line, int) else 1


@dataclass(frozen=True)
class ExportItem:
    """A bank item to export, with its figure file's bytes when it has one."""

    item: GradableItem
    figure: bytes | None = None


@dataclass(frozen=True)
class Skipped:
    item_id: str
    reason: str


@dataclass
class Export:
    """A writer's result: the bytes to write, the item ids written, those skipped and why, and the losses
    of those written (item id → what did not carry over exactly)."""

    content: bytes
    written: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    losses: dict[str, list[str]] = field(default_factory=dict)


class Reader(Protocol):
    def __call__(self, path: Path) -> list[Converted | Refused]: ...


class Writer(Protocol):
    def __call__(self, items: list[ExportItem]) -> Export: ...
