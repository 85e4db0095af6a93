"""Export bank items to a foreign format: the writer's file, written whole or not at all."""

from __future__ import annotations

import fnmatch
import os
import tempfile
from pathlib import Path

from adaptest.bank.interop.model import Export, ExportItem, Writer
from adaptest.bank.loader import Bank


def export_items(write: Writer, bank: Bank, out: Path, *, patterns: list[str] | None = None) -> Export:
    """Write the bank's items whose ids match any of ``patterns`` (all items without) to ``out``.

    Generator families are not exported: their variants are drawn per learner, which no other format can
    do. The file appears at ``out`` only once complete (written beside it, then renamed).
    """
    chosen = [
        ExportItem(item, _figure_bytes(bank, item_id))
        for item_id, item in sorted(bank.items.items())
        if not patterns or any(fnmatch.fnmatchcase(item_id, p) for p in patterns)
    ]
    result = write(chosen)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(result.content)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def _figure_bytes(bank: Bank, item_id: str) -> bytes | None:
    path = bank.figure_path(bank.items[item_id])
    return path.read_bytes() if path is not None else None
