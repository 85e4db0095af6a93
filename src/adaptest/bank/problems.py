"""Problems found in a bank, collected with their file and line, never stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from adaptest.bank.yamlsrc import SourceDocument, YamlSyntaxError, read_yaml

NO_ID = "-"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a bank, printed as ``FILE:LINE: ITEM-ID: message``."""

    file: str
    line: int
    item_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.item_id}: {self.message}"


class BankInvalid(Exception):
    """Raised instead of returning a half-loaded bank; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the bank")
        self.problems = sorted(problems)


class Collector:
    """Accumulates problems while the loader keeps going."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        """Hints for authors that do not make the bank invalid (e.g. likely undeclared enemy pairs)."""

    def add(self, path: Path, line: int, item_id: str, message: str) -> None:
        self.problems.append(Problem(display(path), line, item_id, message))

    def warn(self, path: Path, line: int, item_id: str, message: str) -> None:
        self.warnings.append(Problem(display(path), line, item_id, f"warning: {message}"))

    def add_validation(self, doc: SourceDocument, item_id: str, error: ValidationError) -> None:
        for detail in error.errors():
            loc = tuple(detail["loc"])
            where = ".".join(str(part) for part in loc)
            message = _FRIENDLY.get(detail["type"], detail["msg"].removeprefix("Value error, "))
            self.add(doc.path, doc.line_of(loc), item_id, f"{where}: {message}" if where else message)


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (is it misspelt?)",
    "string_too_short": "must not be empty",
}


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_ID_LINE = re.compile(r"^id:\s*['\"]?([a-z0-9][a-z0-9-]*)", re.MULTILINE)


def read_mapping(path: Path, out: Collector) -> SourceDocument | None:
    try:
        doc = read_yaml(path)
    except YamlSyntaxError as error:
        found = _ID_LINE.search(path.read_text(encoding="utf-8", errors="replace"))
        out.add(path, error.line, found.group(1) if found else NO_ID, error.message)
        return None
    if not isinstance(doc.data, dict):
        out.add(path, 1, NO_ID, "expected a mapping of fields at the top level")
        return None
    return doc


def yaml_files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


ModelT = TypeVar("ModelT", bound=BaseModel)


def validated_files(
    folder: Path, model: type[ModelT], out: Collector, label: str | None = None
) -> Iterator[tuple[SourceDocument, ModelT]]:
    """Each YAML file of ``folder`` that parses and fits ``model``; the others are reported to ``out``.

    Problems are attributed to the file's ``id`` field, or to ``label`` for files without one.
    """
    for path in yaml_files(folder) if folder.is_dir() else []:
        doc = read_mapping(path, out)
        if doc is None:
            continue
        try:
            yield doc, model.model_validate(doc.data)
        except ValidationError as error:
            out.add_validation(doc, label or str(doc.data.get("id", NO_ID)), error)


__all__ = [
    "NO_ID",
    "BankInvalid",
    "Collector",
    "Problem",
    "display",
    "read_mapping",
    "validated_files",
    "yaml_files",
]
