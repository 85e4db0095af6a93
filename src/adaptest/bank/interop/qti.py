"""QTI 3.0 (1EdTech): read an item XML file or a content package, write a content package.

``read`` is :func:`~adaptest.bank.interop.qti_read.read`, ``write`` is
:func:`~adaptest.bank.interop.qti_write.write`; docs/interop.md has the mapping tables (what is exact,
lossy and refused in each direction).

Conventions the reader and the writer share: every exported item declares SCORE (0 to 1) and writes its
response processing out as rules (never a template), so a player shows the feedback we show: FEEDBACK
holds the chosen options, the numeric test matched and the keywords met; MODAL_FEEDBACK holds SOLUTION
(the explanation, shown always) and DONT_KNOW (shown when nothing was answered). The reader also reads
the standard templates (match_correct, map_response) and an EXPLANATION feedback.
"""

from __future__ import annotations

from adaptest.bank.interop.qti_read import read
from adaptest.bank.interop.qti_write import write

__all__ = ["read", "write"]
