"""Import and export QTI 3.0, Moodle XML and GIFT (docs/interop.md has the mapping tables).

Each format is a module with ``read(path) -> list[Converted | Refused]`` and
``write(items) -> Export``; :func:`import_file` and :func:`export_items` do the rest the same way for all.
"""

from __future__ import annotations

import importlib

from adaptest.bank.interop.exporter import export_items
from adaptest.bank.interop.importer import CannotImport, ImportReport, import_file
from adaptest.bank.interop.model import (
    Converted,
    Export,
    ExportItem,
    Origin,
    Reader,
    Refused,
    Skipped,
    SourceSyntaxError,
    Writer,
)

FORMATS = ("qti", "moodle", "gift")


def reader(format_name: str) -> Reader:
    """The ``read`` function of a format in :data:`FORMATS`."""
    module = importlib.import_module(f"adaptest.bank.interop.{format_name}")
    read: Reader = module.read
    return read


def writer(format_name: str) -> Writer:
    """The ``write`` function of a format in :data:`FORMATS`."""
    module = importlib.import_module(f"adaptest.bank.interop.{format_name}")
    write: Writer = module.write
    return write


__all__ = [
    "FORMATS",
    "CannotImport",
    "Converted",
    "Export",
    "ExportItem",
    "ImportReport",
    "Origin",
    "Reader",
    "Refused",
    "Skipped",
    "SourceSyntaxError",
    "Writer",
    "export_items",
    "import_file",
    "reader",
    "writer",
]
