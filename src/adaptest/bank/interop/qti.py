"""QTI 3.0 (1EdTech): read an item XML file or a content package, write a content package.

``read`` is :func:`~adaptest.bank.interop.qti_read.read`, ``write`` is
:func:`~adaptest.bank.interop.qti_write.write`. What maps how:

Import (a QTI item → a bank item)

======================================================  ================================================
QTI                                                     Adaptest
======================================================  ================================================
choice, max-choices 1, match_correct                    single_choice (exact)
choice, max-choices 1, map_response                     single_choice with weights: each choice's value
                                                        within the bounds ÷ the best (exact); one choice
                                                        must be the best
choice, several, map_response                           multiple_choice; weights = value ÷ the best total
                                                        (the upper bound, or the sum of positive values
                                                        if lower); none when they are +1/k, −1/m (our
                                                        default rule). Exact with lower-bound 0; no
                                                        lower bound or below 0: lossy ("negative totals
                                                        floor at 0 here"); above 0, or a value beyond the
                                                        item's maximum: refused
choice, several, match_correct                          one correct choice: weights +1/−1 (exact); more:
                                                        refused (all or nothing is not additive)
order, match_correct                                    ordering, scoring all_or_nothing (exact); choices
                                                        outside the correct order become distractors
text entry (string), map_response                       short_text: accepted (the best), graded (the
                                                        others, as shares of the best), case_sensitive
                                                        from the entries (unsaid: case-sensitive; mixed:
                                                        refused); a default value above 0 becomes a
                                                        graded ``*`` (exact)
text entry (string), match_correct                      short_text, one accepted answer, case-sensitive
text entry (float/integer), match_correct               numeric, exact
text entry (float/integer), map_response or a chain     numeric: the first full-mark test is the key,
of qti-equal/qti-match tests setting SCORE              later full-mark tests alternative keys, others
(our writer's form)                                     misconceptions with score; absolute and relative
                                                        tolerances (asymmetric: refused)
several text entries of numbers, SCORE = share right    numeric_tuple (labels: the text beside each
(our writer's form)                                     entry) or matrix (entries in one table)
extended text                                           refused: no rubric our grader can apply
any other interaction, two different interactions,      refused, naming what was found and its line
custom response processing, template variables
======================================================  ================================================

Text: the item body without its interaction (the prompt kept) becomes the stem, HTML → Markdown; the
first ``<img>`` becomes the figure (PNG/JPEG/GIF wrapped in SVG), others are lost. The explanation is the
modal feedback (or feedback block) identified ``SOLUTION`` or ``EXPLANATION``; "I don't know yet"
feedback is the one identified ``DONT_KNOW``; a choice's feedback is the inline feedback inside it or a
feedback identified by the choice; numeric feedback is the one a test sets. Other feedback, rubric
blocks for scorers and per-choice images are reported as lost. Note: QTI compares a text answer as
typed, we collapse runs of spaces first (and case-fold when not case-sensitive).

Export (a bank item → a QTI item): every item declares SCORE (0 to 1); its response processing is
written out as rules, so a player shows the feedback we show: FEEDBACK (the chosen options, the numeric
test matched, keywords met) and MODAL_FEEDBACK (SOLUTION always, DONT_KNOW when nothing was answered).

- single_choice: match_correct rules, or map_response with the weights (bounds 0 and 1); option
  feedback inline in each choice (a modal feedback when it is more than a paragraph); shuffle kept.
- multiple_choice: map_response, bounds 0 and 1, values +1/k and −1/m (or the weights).
- numeric: float text entry, a chain of ``qti-equal`` tests (relative in percent where the relative
  bound decides and the key is positive, else absolute: the bound our tolerance gives there; an exact key
  gets the floating-point rounding we allow): key, alternative keys (with their explanation), then
  misconceptions with their score and feedback; units in ``<span class="units">``.
- numeric_tuple, matrix: one float text entry per field or cell, SCORE 0 then + 1/n per entry right;
  field feedback when a field is wrong; whole wrong answers (misconceptions) as feedback.
- short_text: a string mapping of every accepted answer, graded answer and the texts of finite patterns,
  spaces collapsed, case-sensitive as the item; keyword feedback as ``qti-pattern-match`` rules.
  Skipped: a graded wildcard, or a pattern that stands for too many texts (``*``, ``+``, ``\\w``...).
  Lost: feedback on graded answers.
- ordering: all_or_nothing without distractors or alternative orders → order interaction,
  match_correct; otherwise skipped (no QTI operator computes our partial credit). Lost: block feedback.
- free_text: skipped. Figures: the SVG file in the package, ``<img>`` after the stem, in the manifest.
"""

from __future__ import annotations

from adaptest.bank.interop.qti_read import read
from adaptest.bank.interop.qti_write import write

__all__ = ["read", "write"]
