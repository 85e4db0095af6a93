"""Import a foreign file into a bank folder: all of it or nothing, with a report of every question.

Questions are converted in memory, checked by the item kinds themselves, written to a temporary folder
beside the bank, and moved into place only when every file is written; the bank is then loaded, and if
it does not load the moved files are taken back out, so a failed import leaves the folder as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from adaptest.bank.interop.markup import slug
from adaptest.bank.interop.model import Converted, Origin, Reader, Refused, kind_problem
from adaptest.bank.loader import load_bank
from adaptest.bank.problems import BankInvalid

IMPORT_FOLDER = "imported"
"""Items go to items/imported/, figures to figures/imported/."""


@dataclass(frozen=True)
class ImportedQuestion:
    origin: Origin
    item_id: str
    path: Path
    losses: tuple[str, ...]


@dataclass
class ImportReport:
    imported: list[ImportedQuestion] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    created_bank: bool = False

    def lines(self, source: str) -> list[str]:
        """The report as printed: counts, then each loss and each refusal with its line and reason."""
        lossy = [q for q in self.imported if q.losses]
        out = [
            f"{len(self.imported)} question(s) imported, {len(lossy)} of them with a loss; "
            f"{len(self.refused)} refused."
        ]
        for question in self.imported:
            out += [
                f"{source}:{question.origin.line}: {question.item_id}: lost {loss}"
                for loss in question.losses
            ]
        out += [f"{source}:{r.origin.line}: {r.origin.name}: refused: {r.reason}" for r in self.refused]
        return out


class CannotImport(ValueError):  # noqa: N818 (it is not a bug report but a refusal)
    """The import cannot start (e.g. an unknown domain): nothing was written."""


def import_file(
    read: Reader, source: Path, into: Path, *, domain: str = IMPORT_FOLDER, skill: str = IMPORT_FOLDER
) -> ImportReport:
    """Read ``source`` with ``read`` and add its questions to the bank at ``into`` (created if absent).

    Raises :class:`~adaptest.bank.interop.model.SourceSyntaxError` for a file that cannot be read at all,
    and :class:`CannotImport` when the bank cannot take the items; nothing is written then.
    """
    taken, created = _bank_ids(into, domain, skill)
    report = ImportReport(created_bank=created)
    staged: list[tuple[str, dict[str, Any], Converted]] = []
    for result in read(source):
        if isinstance(result, Refused):
            report.refused.append(result)
            continue
        item_id = _fresh_id(result.origin.name, taken)
        data = {"id": item_id, "domain": domain, "skills": [skill], **result.data}
        problem = kind_problem(data)
        if problem:
            report.refused.append(Refused(result.origin, problem))
            continue
        taken.add(item_id)
        staged.append((item_id, data, result))
    _write(into, staged, report, created=created)
    return report


def _bank_ids(into: Path, domain: str, skill: str) -> tuple[set[str], bool]:
    """The item ids already in the bank at ``into``, and whether the bank is still to be created."""
    if not (into / "bank.yaml").exists():
        if domain != IMPORT_FOLDER or skill != IMPORT_FOLDER:
            raise CannotImport(
                f"{into} has no bank.yaml: a new bank gets the domain and skill {IMPORT_FOLDER!r}"
            )
        return set(), True
    try:
        bank = load_bank(into)
    except BankInvalid as error:
        raise CannotImport(
            f"the bank at {into} does not load ({len(error.problems)} problem(s)): fix it first"
        ) from None
    skills = {s.id: s.domain for s in bank.meta.skills}
    if domain not in {d.id for d in bank.meta.domains}:
        raise CannotImport(
            f"unknown domain {domain!r}: give --domain one of {', '.join(d.id for d in bank.meta.domains)}"
        )
    if skills.get(skill) != domain:
        known = ", ".join(s for s, d in skills.items() if d == domain) or "(none)"
        raise CannotImport(f"unknown skill {skill!r} in domain {domain!r}: give --skill one of {known}")
    return set(bank.items) | set(bank.families), False


def _fresh_id(name: str, taken: set[str]) -> str:
    base = slug(name)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _write(
    into: Path, staged: list[tuple[str, dict[str, Any], Converted]], report: ImportReport, *, created: bool
) -> None:
    """Write and move the staged items into the bank. Items the loaded bank finds a problem with (say, a
    near-duplicate of an item already there) are refused with that problem, and the rest written again;
    problems the new items do not account for stop the import with nothing kept."""
    while staged:
        try:
            paths = _stage_and_move(into, staged, created=created)
        except BankInvalid as invalid:
            staged = _without_blamed(staged, invalid, report)
            continue
        report.imported += [
            ImportedQuestion(converted.origin, item_id, paths[item_id], converted.losses)
            for item_id, _, converted in staged
        ]
        return


def _without_blamed(
    staged: list[tuple[str, dict[str, Any], Converted]], invalid: BankInvalid, report: ImportReport
) -> list[tuple[str, dict[str, Any], Converted]]:
    new_ids = {item_id for item_id, _, _ in staged}
    if any(problem.item_id not in new_ids for problem in invalid.problems):
        first = "; ".join(str(p) for p in invalid.problems[:3])
        raise CannotImport(f"the bank would not load with these items, so none were kept: {first}")
    blamed = {problem.item_id: problem.message for problem in reversed(invalid.problems)}
    report.refused += [
        Refused(converted.origin, blamed[item_id]) for item_id, _, converted in staged if item_id in blamed
    ]
    return [entry for entry in staged if entry[0] not in blamed]


def _stage_and_move(
    into: Path, staged: list[tuple[str, dict[str, Any], Converted]], *, created: bool
) -> dict[str, Path]:
    """Write every file in a temporary folder beside the bank, move them in and load the bank; on any
    failure take every moved file back out and raise. Returns item id → its file."""
    made = _make_folders(into.parent)
    try:
        return _stage_then_move(into, staged, created=created)
    except BaseException:
        for folder in reversed(made):
            folder.rmdir()
        raise


def _stage_then_move(
    into: Path, staged: list[tuple[str, dict[str, Any], Converted]], *, created: bool
) -> dict[str, Path]:
    with tempfile.TemporaryDirectory(prefix=".import-", dir=into.parent) as temporary:
        stage = Path(temporary)
        written: list[Path] = []  # relative to the bank folder
        if created:
            _dump(stage / "bank.yaml", _new_bank_meta(into))
            written.append(Path("bank.yaml"))
        paths: dict[str, Path] = {}
        for item_id, data, converted in staged:
            relative = Path("items") / IMPORT_FOLDER / f"{item_id}.yaml"
            _dump(stage / relative, _with_figure_paths(data, converted, item_id, stage, written))
            written.append(relative)
            paths[item_id] = into / relative
        _move_into_place(stage, into, written)
        return paths


def _with_figure_paths(
    data: dict[str, Any], converted: Converted, item_id: str, stage: Path, written: list[Path]
) -> dict[str, Any]:
    """Write the question's figure files as figures/imported/<item id>-<name> and point the data at them."""
    renamed: dict[str, str] = {}
    for name, content in converted.files.items():
        relative = Path("figures") / IMPORT_FOLDER / f"{item_id}-{Path(name).name}"
        (stage / relative).parent.mkdir(parents=True, exist_ok=True)
        (stage / relative).write_bytes(content)
        written.append(relative)
        renamed[name] = relative.as_posix()
    figure = data.get("figure")
    if isinstance(figure, dict) and figure.get("path") in renamed:
        data = {**data, "figure": {**figure, "path": renamed[figure["path"]]}}
    return data


def _move_into_place(stage: Path, into: Path, written: list[Path]) -> None:
    """Move the staged files into the bank and load it; on failure, take back every file moved and every
    folder made, and raise."""
    moved: list[Path] = []
    made: list[Path] = []
    try:
        for relative in written:
            target = into / relative
            if target.exists():
                raise CannotImport(f"{target} appeared during the import: nothing was imported")
            made += _make_folders(target.parent)
            shutil.move(stage / relative, target)
            moved.append(target)
        load_bank(into)
    except (BankInvalid, CannotImport, OSError):
        for target in moved:
            target.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones made, outermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()][::-1]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _new_bank_meta(into: Path) -> dict[str, Any]:
    title = into.name.replace("-", " ").replace("_", " ").strip().capitalize() or "Imported questions"
    return {
        "id": slug(into.name),
        "title": title,
        "domains": [
            {
                "id": IMPORT_FOLDER,
                "title": "Imported questions",
                "levels": {
                    "beginning": "Level descriptors have not been written for imported questions yet.",
                    "developing": "Level descriptors have not been written for imported questions yet.",
                    "accomplished": "Level descriptors have not been written for imported questions yet.",
                },
            }
        ],
        "skills": [{"id": IMPORT_FOLDER, "title": "Imported questions", "domain": IMPORT_FOLDER}],
    }


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096  # one line per value: wrapped plain scalars leave trailing spaces
    yaml.allow_unicode = True
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(_literal_blocks(data), handle)


def _literal_blocks(value: Any) -> Any:
    """Multi-line strings as ``|`` blocks, so stems with code read as they will show; whole numbers
    without a decimal point."""
    if isinstance(value, dict):
        return {k: _literal_blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_blocks(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # 8, as an author writes it, not 8.0
    return value
