"""The shipped bank and its round trip through each format, computed once per test session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from adaptest.bank import load_bank
from adaptest.bank.interop import Converted, Export, ExportItem, reader, writer
from adaptest.bank.kinds import GradableItem
from adaptest.bank.loader import Bank
from adaptest.content import DEEP_LEARNING_BANK

SUFFIX = {"qti": "zip", "moodle": "xml", "gift": "gift"}


@dataclass(frozen=True)
class RoundTrip:
    """The shipped bank written in one format and read back: the writer's result, and item id → what the
    reader gave back for it."""

    format: str
    export: Export
    back: dict[str, Converted]


@pytest.fixture(scope="session")
def shipped() -> Bank:
    return load_bank(DEEP_LEARNING_BANK)


@pytest.fixture(scope="session")
def round_trip_for(shipped: Bank, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], RoundTrip]:
    """format → the shipped bank's round trip through it, made once per session when first asked for."""
    done: dict[str, RoundTrip] = {}

    def round_trip(fmt: str) -> RoundTrip:
        if fmt not in done:
            done[fmt] = _round_trip(fmt, shipped, tmp_path_factory.mktemp(fmt))
        return done[fmt]

    return round_trip


def _round_trip(fmt: str, shipped: Bank, folder: Path) -> RoundTrip:
    items = [ExportItem(item, figure_of(shipped, item)) for _, item in sorted(shipped.items.items())]
    export = writer(fmt)(items)
    path = folder / f"bank.{SUFFIX[fmt]}"
    path.write_bytes(export.content)
    back: dict[str, Converted] = {}
    for result in reader(fmt)(path):
        assert isinstance(result, Converted), f"{fmt}: our own export was refused: {result}"
        back[result.origin.name] = result
    return RoundTrip(fmt, export, back)


def figure_of(bank: Bank, item: GradableItem) -> bytes | None:
    path = bank.figure_path(item)
    return path.read_bytes() if path else None
