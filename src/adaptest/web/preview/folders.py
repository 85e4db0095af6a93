"""The bank folders of ``ADAPTEST_BANK_DIRS``, loaded from their files, never from the database.

Loading the shipped bank takes 2 to 3 s (measured: parsing ~500 YAML files, importing the generator
modules, drawing each family's validation seeds and the lint), far too long for every page of the preview;
listing its ~560 files with each one's size and modification time takes under 10 ms. So each process
keeps the last load of each folder with a digest of that listing, and loads the folder again as soon as
the digest differs: an author who saves, adds or removes a file sees it on the next page, and a cached
page costs ~10 ms instead of seconds. It caches only files on the server's own disk, which every server
reads for itself (DESIGN §8): nothing in it needs sharing.
"""

from __future__ import annotations

import hashlib
import html
import os
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.utils.html import strip_tags

from adaptest.bank import Bank, BankInvalid, GradableItem, load_bank
from adaptest.bank.generators import VALIDATION_SEEDS
from adaptest.web.core.markdown import render_markdown

SKIPPED_DIRS = {"__pycache__", ".git"}
"""Folders whose changes say nothing about the bank (importing a generator module writes bytecode)."""


@dataclass(frozen=True)
class Entry:
    """One line of a bank's list: a hand-written item, or a generator family shown by its first variant."""

    id: str
    kind: str
    domain: str
    stem: str
    generated: bool
    use: str

    @cached_property  # entries live as long as their folder's cached load: each stem is rendered once
    def first_line(self) -> str:
        """The stem's first non-blank line as plain text (``**dropout**`` reads "dropout" in the list)."""
        line = next((line.strip() for line in self.stem.splitlines() if line.strip()), "")
        return html.unescape(strip_tags(render_markdown(line))).strip()


@dataclass(frozen=True)
class BankFolder:
    """A folder as the preview sees it: its bank, or the problems that keep it from loading."""

    index: int
    path: Path
    bank: Bank | None
    problems: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = field(default=())

    @property
    def title(self) -> str:
        return self.bank.meta.title if self.bank else self.path.name

    @property
    def item_count(self) -> int:
        return len(self.bank.items) if self.bank else 0

    @property
    def family_count(self) -> int:
        return len(self.bank.families) if self.bank else 0


_LOCK = threading.Lock()
_LOADED: dict[Path, tuple[str, BankFolder]] = {}


def folder_signature(path: Path) -> str:
    """A digest of every file's relative path, size and modification time: it changes whenever a file is
    added, removed, renamed or saved."""
    digest = hashlib.sha256()
    for directory, subdirectories, files in os.walk(path):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS)
        for name in sorted(files):
            full = os.path.join(directory, name)
            try:
                status = os.stat(full)
            except OSError:  # removed while we walked: the next request sees the new state
                continue
            digest.update(f"{os.path.relpath(full, path)}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def bank_folders() -> list[BankFolder]:
    """Every configured folder, in the order of ``ADAPTEST_BANK_DIRS``."""
    return [bank_folder(index) for index in range(len(settings.ADAPTEST_BANK_DIRS))]


def bank_folder(index: int) -> BankFolder:
    """The folder at ``index`` of ``ADAPTEST_BANK_DIRS`` (IndexError past its end), loaded or reused."""
    if not 0 <= index < len(settings.ADAPTEST_BANK_DIRS):
        raise IndexError(index)
    path = Path(settings.ADAPTEST_BANK_DIRS[index])
    signature = folder_signature(path) if path.is_dir() else ""
    with _LOCK:
        cached = _LOADED.get(path)
        if cached is None or cached[0] != signature:
            cached = (signature, _load(path))
            _LOADED[path] = cached
    return replace(cached[1], index=index)  # one folder may be listed twice


def forget_loaded_banks() -> None:
    """Drop every cached load (tests that edit a folder within one second use it)."""
    with _LOCK:
        _LOADED.clear()


def _load(path: Path) -> BankFolder:
    try:
        bank = load_bank(path)
    except BankInvalid as invalid:
        return BankFolder(-1, path, None, tuple(str(problem) for problem in invalid.problems))
    entries = [_entry(item, generated=False) for item in bank.items.values()]
    entries += [
        _entry(family.generate(VALIDATION_SEEDS[0]), generated=True, entry_id=family.id)
        for family in bank.families.values()
    ]
    return BankFolder(-1, path, bank, (), tuple(sorted(entries, key=lambda entry: entry.id)))


def _entry(item: GradableItem, *, generated: bool, entry_id: str = "") -> Entry:
    return Entry(entry_id or item.id, item.kind, item.domain, item.stem, generated, item.use)


__all__ = ["BankFolder", "Entry", "bank_folder", "bank_folders", "folder_signature", "forget_loaded_banks"]
