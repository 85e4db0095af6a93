"""Scored responses in long format: who answered which item, and whether it was right.

A response file holds one scored response per row, in either of two formats chosen by suffix:

``.csv``
    A header row naming the columns ``person``, ``item``, ``correct`` and optionally ``choice`` (any
    order), then one response per row. ``correct`` is ``0``, ``1``, ``true`` or ``false``.
``.jsonl``
    One JSON object per line with the keys ``person``, ``item``, ``correct`` and optionally ``choice``.
    ``person`` and ``item`` are strings or integers; ``correct`` is ``0``, ``1``, ``true`` or
    ``false``; ``choice`` is a string or ``null``.

Blank lines are skipped; anything else that is wrong raises :class:`ResponseFileError` naming the file
and the line. A person who answered the same item twice keeps the **first** response (the later ones
were given after seeing feedback, so they measure something else); the dropped lines are listed in
:attr:`ResponseData.duplicate_lines`, or raise with ``on_duplicate="error"``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

REQUIRED_FIELDS = ("person", "item", "correct")
OPTIONAL_FIELDS = ("choice",)
_TRUE_WORDS = {"1", "true"}
_FALSE_WORDS = {"0", "false"}


class ResponseFileError(ValueError):
    """A response file that cannot be read, printed as ``FILE:LINE: message``."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ResponseData:
    """Scored responses, one entry per observation, with persons and items numbered from zero.

    Attributes
    ----------
    person, item
        Index of the person (into ``person_ids``) and of the item (into ``item_ids``) of each response.
    correct
        1.0 for a correct response, 0.0 for an incorrect one.
    person_ids, item_ids
        External identifiers, in order of first appearance.
    choice
        The option chosen in each response (``None`` when unknown), or ``None`` for the whole data set.
    duplicate_lines
        Lines of the source file dropped because the person had already answered the item.

    A (person, item) pair occurs at most once: the models assume one response per person and item.
    """

    person: NDArray[np.int64]
    item: NDArray[np.int64]
    correct: NDArray[np.float64]
    person_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    choice: tuple[str | None, ...] | None = None
    duplicate_lines: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name, dtype in (("person", np.int64), ("item", np.int64), ("correct", np.float64)):
            array = np.array(getattr(self, name), dtype=dtype)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        self._check_shapes()
        if not np.all((self.correct == 0.0) | (self.correct == 1.0)):
            raise ValueError("correct must hold only 0 and 1")
        if len(set(self.person_ids)) != len(self.person_ids) or len(set(self.item_ids)) != len(self.item_ids):
            raise ValueError("person_ids and item_ids must be distinct")
        _check_indices(self.person, len(self.person_ids), "person")
        _check_indices(self.item, len(self.item_ids), "item")
        pair = np.sort(self.person * max(len(self.item_ids), 1) + self.item)
        if np.any(pair[1:] == pair[:-1]):
            raise ValueError("a (person, item) pair occurs more than once")

    def _check_shapes(self) -> None:
        if self.correct.ndim != 1 or not self.person.shape == self.item.shape == self.correct.shape:
            raise ValueError("person, item and correct must be 1-d arrays of the same length")
        if self.choice is not None and len(self.choice) != self.correct.shape[0]:
            raise ValueError("choice must have one entry per response")

    @property
    def n_persons(self) -> int:
        return len(self.person_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_observations(self) -> int:
        return int(self.correct.shape[0])

    @classmethod
    def from_dense(
        cls,
        matrix: ArrayLike,
        person_ids: Sequence[str] | None = None,
        item_ids: Sequence[str] | None = None,
    ) -> ResponseData:
        """Build from a persons × items matrix of 0, 1 and NaN (not administered).

        Identifiers default to the row and column numbers as strings.
        """
        values = np.asarray(matrix, dtype=np.float64)
        if values.ndim != 2:
            raise ValueError("the response matrix must be 2-d (persons × items)")
        observed = ~np.isnan(values)
        if not np.all((values[observed] == 0.0) | (values[observed] == 1.0)):
            raise ValueError("the response matrix may hold only 0, 1 and NaN")
        person, item = np.nonzero(observed)
        n_persons, n_items = values.shape
        return cls(
            person=person.astype(np.int64),
            item=item.astype(np.int64),
            correct=values[person, item],
            person_ids=_ids(person_ids, n_persons, "person_ids"),
            item_ids=_ids(item_ids, n_items, "item_ids"),
        )

    @classmethod
    def from_indices(
        cls,
        person: ArrayLike,
        item: ArrayLike,
        correct: ArrayLike,
        *,
        n_persons: int | None = None,
        n_items: int | None = None,
    ) -> ResponseData:
        """Build from 0-based person and item indices; ids are the indices as strings.

        The counts default to one more than the largest index seen; give them when some persons or
        items have no response.
        """
        person_ = np.asarray(person, dtype=np.int64)
        item_ = np.asarray(item, dtype=np.int64)
        if n_persons is None:
            n_persons = int(person_.max()) + 1 if person_.size else 0
        if n_items is None:
            n_items = int(item_.max()) + 1 if item_.size else 0
        return cls(
            person=person_,
            item=item_,
            correct=np.asarray(correct, dtype=np.float64),
            person_ids=tuple(map(str, range(n_persons))),
            item_ids=tuple(map(str, range(n_items))),
        )

    @classmethod
    def from_records(
        cls,
        persons: Sequence[str],
        items: Sequence[str],
        correct: ArrayLike,
        choice: Sequence[str | None] | None = None,
    ) -> ResponseData:
        """Build from parallel sequences of person ids, item ids and 0/1 scores (one per response).

        Identifiers are numbered in order of first appearance.
        """
        person_ids, person = _number(persons)
        item_ids, item = _number(items)
        return cls(
            person=person,
            item=item,
            correct=np.asarray(correct, dtype=np.float64),
            person_ids=person_ids,
            item_ids=item_ids,
            choice=None if choice is None else tuple(choice),
        )

    def to_dense(self) -> NDArray[np.float64]:
        """The persons × items matrix with 0/1 scores and NaN where the item was not administered."""
        matrix = np.full((self.n_persons, self.n_items), np.nan)
        matrix[self.person, self.item] = self.correct
        return matrix


@dataclass(frozen=True)
class _Row:
    line: int
    person: str
    item: str
    correct: float
    choice: str | None


def read_responses(path: Path | str, *, on_duplicate: Literal["first", "error"] = "first") -> ResponseData:
    """Read a ``.csv`` or ``.jsonl`` response file (format in the module docstring).

    Parameters
    ----------
    path
        The file; its suffix chooses the format.
    on_duplicate
        ``"first"`` keeps a person's first response to an item and records the lines dropped in
        ``duplicate_lines``; ``"error"`` raises on the first repeated (person, item) pair.

    Raises
    ------
    ResponseFileError
        For an unknown suffix, a bad header, a malformed row, or a file without responses.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".jsonl":
        rows = _jsonl_rows(path)
    else:
        raise ResponseFileError(path, None, f"unknown suffix {path.suffix!r}: use .csv or .jsonl")
    kept, duplicate_lines, has_choice = _first_responses(path, rows, on_duplicate)
    if not kept:
        raise ResponseFileError(path, None, "the file holds no responses")
    person_ids, person = _number([row.person for row in kept])
    item_ids, item = _number([row.item for row in kept])
    return ResponseData(
        person=person,
        item=item,
        correct=np.array([row.correct for row in kept]),
        person_ids=person_ids,
        item_ids=item_ids,
        choice=tuple(row.choice for row in kept) if has_choice else None,
        duplicate_lines=tuple(duplicate_lines),
    )


def _first_responses(
    path: Path, rows: Iterator[_Row], on_duplicate: str
) -> tuple[list[_Row], list[int], bool]:
    first_line: dict[tuple[str, str], int] = {}
    kept: list[_Row] = []
    duplicates: list[int] = []
    has_choice = False
    for row in rows:
        key = (row.person, row.item)
        if key in first_line:
            if on_duplicate == "error":
                message = (
                    f"person {row.person!r} already answered item {row.item!r} on line {first_line[key]}"
                )
                raise ResponseFileError(path, row.line, message)
            duplicates.append(row.line)
            continue
        first_line[key] = row.line
        kept.append(row)
        has_choice = has_choice or row.choice is not None
    return kept, duplicates, has_choice


def _csv_rows(path: Path) -> Iterator[_Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ResponseFileError(path, 1, "the file is empty; expected a header person,item,correct")
        columns = _column_positions(path, [name.strip().lower() for name in header])
        for cells in reader:
            if not cells or all(not cell.strip() for cell in cells):
                continue
            yield _csv_row(path, reader.line_num, cells, columns)


def _column_positions(path: Path, header: list[str]) -> dict[str, int]:
    unknown = [name for name in header if name not in REQUIRED_FIELDS + OPTIONAL_FIELDS]
    if unknown:
        allowed = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
        raise ResponseFileError(path, 1, f"unknown column(s) {', '.join(unknown)}; allowed: {allowed}")
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    if missing:
        raise ResponseFileError(path, 1, f"missing column(s) {', '.join(missing)} in the header")
    if len(set(header)) != len(header):
        raise ResponseFileError(path, 1, "a column is named twice in the header")
    return {name: header.index(name) for name in header}


def _csv_row(path: Path, line: int, cells: list[str], columns: dict[str, int]) -> _Row:
    if len(cells) != len(columns):
        raise ResponseFileError(path, line, f"expected {len(columns)} fields, found {len(cells)}")
    person = cells[columns["person"]].strip()
    item = cells[columns["item"]].strip()
    if not person or not item:
        raise ResponseFileError(path, line, "person and item must not be empty")
    choice = cells[columns["choice"]].strip() if "choice" in columns else ""
    return _Row(line, person, item, _score(path, line, cells[columns["correct"]]), choice or None)


def _jsonl_rows(path: Path) -> Iterator[_Row]:
    with path.open(encoding="utf-8-sig") as handle:
        for line, text in enumerate(handle, start=1):
            if text.strip():
                yield _jsonl_row(path, line, text)


def _jsonl_row(path: Path, line: int, text: str) -> _Row:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ResponseFileError(path, line, f"not valid JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise ResponseFileError(path, line, "expected a JSON object")
    unknown = sorted(set(record) - set(REQUIRED_FIELDS + OPTIONAL_FIELDS))
    if unknown:
        raise ResponseFileError(path, line, f"unknown key(s) {', '.join(unknown)}")
    missing = [name for name in REQUIRED_FIELDS if name not in record]
    if missing:
        raise ResponseFileError(path, line, f"missing key(s) {', '.join(missing)}")
    choice = record.get("choice")
    if choice is not None and not isinstance(choice, str):
        raise ResponseFileError(path, line, "choice must be a string or null")
    person = _identifier(path, line, "person", record["person"])
    item = _identifier(path, line, "item", record["item"])
    return _Row(line, person, item, _score(path, line, record["correct"]), choice or None)


def _identifier(path: Path, line: int, key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseFileError(path, line, f"{key} must be a string or an integer")
    text = str(value).strip()
    if not text:
        raise ResponseFileError(path, line, f"{key} must not be empty")
    return text


def _score(path: Path, line: int, value: Any) -> float:
    """``0``, ``1``, ``true`` or ``false`` (JSON booleans and numbers, or text in any case) as 0.0/1.0."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and value in (0, 1):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return 1.0 if value.strip().lower() in _TRUE_WORDS else 0.0
    raise ResponseFileError(path, line, f"correct must be 0, 1, true or false, not {value!r}")


def _number(labels: Sequence[str]) -> tuple[tuple[str, ...], NDArray[np.int64]]:
    """Distinct labels in order of first appearance, and each label's position among them."""
    numbering: dict[str, int] = {}
    index = np.fromiter((numbering.setdefault(label, len(numbering)) for label in labels), np.int64)
    return tuple(numbering), index


def _ids(ids: Sequence[str] | None, count: int, name: str) -> tuple[str, ...]:
    if ids is None:
        return tuple(str(position) for position in range(count))
    if len(ids) != count:
        raise ValueError(f"{name} has {len(ids)} entries for {count} rows or columns")
    if len(set(ids)) != count:
        raise ValueError(f"{name} must be distinct")
    return tuple(ids)


def _check_indices(index: NDArray[np.int64], count: int, name: str) -> None:
    if index.size and (index.min() < 0 or index.max() >= count):
        raise ValueError(f"{name} indices must lie in [0, {count})")


__all__ = ["OPTIONAL_FIELDS", "REQUIRED_FIELDS", "ResponseData", "ResponseFileError", "read_responses"]
