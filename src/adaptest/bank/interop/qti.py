"""QTI 3.0 (1EdTech): read an item XML file or a content package, write a content package.

``read`` is in :mod:`~adaptest.bank.interop.qti_read`, ``write`` in
:mod:`~adaptest.bank.interop.qti_write`; docs/interop.md has what maps exactly, what is lost and what is
refused.
"""

from __future__ import annotations

from adaptest.bank.interop.qti_read import read
from adaptest.bank.interop.qti_write import write

__all__ = ["read", "write"]
