"""Decks in and out: "term TAB definition" text files in, Anki packages (.apkg, through genanki) and CSV out.

Import is all or nothing: a file with any bad line is refused whole, with every bad line listed by its
number and the reason, so the learner fixes the file and sends it again — nothing is half-imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki

#: Limits of an imported file: what a learner's deck plausibly holds, and what a page can show.
MAX_FILE_BYTES = 1_000_000
MAX_CARDS = 2000
MAX_FRONT = 1000
MAX_BACK = 4000


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedCard:
    line: int
    front: str
    back: str


class ImportRefused(Exception):
    """The file was not imported; ``problems`` lists why, line by line (line 0: the file as a whole)."""

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


def tsv_parse(data: bytes) -> list[ParsedCard]:
    """The cards of a "term TAB definition" file (UTF-8, one card a line; the first tab splits the term
    from the definition). Blank lines and ``#`` lines (Anki's headers, comments) are skipped. Raises
    ImportRefused listing every bad line: no tab, an empty side, a side too long, bytes not UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused([LineProblem(0, f"the file is larger than {MAX_FILE_BYTES // 1000} kB", "")])
    problems: list[LineProblem] = []
    cards: list[ParsedCard] = []
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", errors="replace")[:80]
            problems.append(LineProblem(number, "is not UTF-8 text (save the file as UTF-8)", shown))
            continue
        if not line.strip() or line.startswith("#"):
            continue
        problem = _line_problem(line)
        if problem:
            problems.append(LineProblem(number, problem, line[:80]))
            continue
        front, back = line.split("\t", 1)
        cards.append(ParsedCard(number, front.strip(), back.strip()))
    if not problems and not cards:
        problems.append(
            LineProblem(0, "the file holds no card (one card a line: term, a tab, definition)", "")
        )
    if len(cards) > MAX_CARDS:
        problems.append(
            LineProblem(0, f"the file holds {len(cards)} cards; a deck holds at most {MAX_CARDS}", "")
        )
    if problems:
        raise ImportRefused(problems)
    return cards


def _line_problem(line: str) -> str | None:
    if "\t" not in line:
        return "no tab between the term and the definition"
    front, back = (side.strip() for side in line.split("\t", 1))
    if not front:
        return "the term (before the tab) is empty"
    if not back:
        return "the definition (after the tab) is empty"
    if len(front) > MAX_FRONT:
        return f"the term is {len(front)} characters long; at most {MAX_FRONT}"
    if len(back) > MAX_BACK:
        return f"the definition is {len(back)} characters long; at most {MAX_BACK}"
    return None


@dataclass(frozen=True)
class ExportCard:
    key: str
    front: str
    back: str
    skills: tuple[str, ...]
    front_html: str
    back_html: str


def csv_export(cards: Sequence[ExportCard]) -> str:
    """front,back,skills (Markdown source; skills space-separated), with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["front", "back", "skills"])
    for card in cards:
        writer.writerow([card.front, card.back, " ".join(card.skills)])
    return out.getvalue()


def _stable_id(text: str) -> int:
    """A stable 31-bit-ish positive id from text: Anki matches decks and note types by id on re-import."""
    return 1 << 30 | int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") >> 2


def apkg_export(*, deck_key: str, title: str, cards: Sequence[ExportCard]) -> bytes:
    """An Anki package: a zip holding ``collection.anki2`` (SQLite) with one Basic note per card, its
    fields the rendered HTML, its guid derived from the card's key (re-importing updates, not doubles)."""
    model = genanki.Model(
        _stable_id("adaptest-basic"),
        "Adaptest basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
    )
    deck = genanki.Deck(_stable_id(deck_key), title)
    for card in cards:
        tags = [skill.replace(" ", "_") for skill in card.skills]
        guid = genanki.guid_for("adaptest", deck_key, card.key)
        deck.add_note(
            genanki.Note(model=model, fields=[card.front_html, card.back_html], guid=guid, tags=tags)
        )
    package = genanki.Package(deck)
    # genanki's write_to_file leaves its temporary database behind; this writes the same zip and cleans up.
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            now = time.time()
            package.write_to_db(connection.cursor(), now, itertools.count(int(now * 1000)))
            connection.commit()
        finally:
            connection.close()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")
        return out.getvalue()


__all__ = ["ImportRefused", "LineProblem", "ParsedCard", "apkg_export", "csv_export", "tsv_parse"]
