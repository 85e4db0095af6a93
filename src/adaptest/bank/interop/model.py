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

from adaptest.bank.kinds import GradableItem

NO_EXPLANATION = "No explanation came with this imported question."
NO_OPTION_FEEDBACK = "No feedback came with this option."
NO_ANSWER_FEEDBACK = "No feedback came with this answer."
"""Placeholders for what the bank format requires and a source may lack (each write is also a loss)."""
NO_EXPLANATION_LOSS = "no explanation (general feedback): a placeholder was written"
NEGATIVE_FLOORED = "negative totals floor at 0 here"
"""The loss when a source can score below 0 (our scores stay within [0, 1])."""


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
