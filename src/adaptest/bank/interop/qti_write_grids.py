"""numeric_tuple and matrix items as QTI 3.0: one text entry per field or cell, SCORE the share right.

SCORE starts at 0 and each field adds 1/n when its answer is within the field's tolerance (else its
feedback, if any, joins FEEDBACK); a whole wrong answer we know (a misconception) adds its feedback id,
the first that matches only, as we show it. A tuple's fields are paragraphs "label [entry]"; a matrix
is a table with the column labels in its first row and a row label before each row of entries.
"""

from __future__ import annotations

from lxml import etree

from adaptest.bank.interop.qti_base import SCORE, Element, append_markdown, q, write_number
from adaptest.bank.interop.qti_write_kinds import (
    Case,
    ItemParts,
    add_to_feedback,
    base_value,
    equal,
    operator,
    response_condition,
    response_declaration,
    score_zero,
    set_outcome,
    variable,
)
from adaptest.bank.kinds import MatrixItem, NumericTupleItem
from adaptest.bank.schema import Tolerance

Field = tuple[str, float, Tolerance]
"""A response identifier, its key and its tolerance."""


def tuple_parts(item: NumericTupleItem) -> ItemParts:
    """One paragraph "label [entry]" per field; field feedback shown when that field is wrong."""
    fields = [(f"RESPONSE_{f.name}", f.answer, f.tolerance) for f in item.fields]
    body = []
    modals: list[tuple[str, str, str]] = []
    for f, (response, _, _) in zip(item.fields, fields, strict=True):
        paragraph = etree.Element(q("p"))
        append_markdown(paragraph, f.label, inline=True)
        _entry(paragraph, response, leading_space=True)
        body.append(paragraph)
        if f.feedback:
            modals.append((f"FIELD_{f.name}", f"About {f.label}", f.feedback))
    wrong = [
        (
            [
                (response, m.values[f.name], f.tolerance)
                for f, (response, _, _) in zip(item.fields, fields, strict=True)
            ],
            m.feedback,
        )
        for m in item.misconceptions
    ]
    feedback_ids = [f"FIELD_{f.name}" if f.feedback else None for f in item.fields]
    return _parts(fields, body, feedback_ids, wrong, modals)


def matrix_parts(item: MatrixItem) -> ItemParts:
    """A table: column labels in its head, a row label and the row's entries in each body row."""
    rows, columns = item.shape
    row_labels = item.row_labels or [f"Row {r + 1}" for r in range(rows)]
    column_labels = item.column_labels or [f"Column {c + 1}" for c in range(columns)]
    table = etree.Element(q("table"))
    header = etree.SubElement(etree.SubElement(table, q("thead")), q("tr"))
    etree.SubElement(header, q("th"))
    for label in column_labels:
        append_markdown(etree.SubElement(header, q("th")), label, inline=True)
    body = etree.SubElement(table, q("tbody"))
    fields: list[Field] = []
    for r, label in enumerate(row_labels):
        row = etree.SubElement(body, q("tr"))
        append_markdown(etree.SubElement(row, q("th")), label, inline=True)
        for c in range(columns):
            response = f"CELL_{r + 1}_{c + 1}"
            _entry(etree.SubElement(row, q("td")), response)
            fields.append((response, item.answer[r][c], item.tolerance))
    wrong = [
        (
            [
                (response, value, item.tolerance)
                for (response, _, _), value in zip(fields, _cells(m.answer), strict=True)
            ],
            m.feedback,
        )
        for m in item.misconceptions
    ]
    return _parts(fields, [table], [None] * len(fields), wrong, [])


def _cells(grid: list[list[float]]) -> list[float]:
    return [value for row in grid for value in row]


def _entry(parent: Element, response: str, *, leading_space: bool = False) -> None:
    if leading_space and (len(parent) or parent.text):
        last = parent[-1] if len(parent) else None
        if last is not None:
            last.tail = (last.tail or "") + " "
        else:
            parent.text = (parent.text or "") + " "
    etree.SubElement(parent, q("qti-text-entry-interaction"), {"response-identifier": response})


def _parts(
    fields: list[Field],
    body: list[Element],
    feedback_ids: list[str | None],
    wrong: list[tuple[list[Field], str]],
    modals: list[tuple[str, str, str]],
) -> ItemParts:
    responses = [response_declaration(r, "single", "float", [write_number(v)]) for r, v, _ in fields]
    share = write_number(1 / len(fields))
    rules = [score_zero()]
    rules += [
        _field_rule(field, share, feedback_id)
        for field, feedback_id in zip(fields, feedback_ids, strict=True)
    ]
    if wrong:
        rules.append(_misconception_rule(wrong))
        modals = modals + [
            (f"MISCONCEPTION_{n}", "About your answer", text) for n, (_, text) in enumerate(wrong, 1)
        ]
    return ItemParts(
        responses=responses,
        body=body,
        rules=rules,
        response_ids=[r for r, _, _ in fields],
        feedback_cardinality="multiple" if modals else None,
        modals=modals,
    )


def _field_rule(field: Field, share: str, feedback_id: str | None) -> Element:
    """If the field's answer is right, SCORE += 1/n; else its feedback (if any) joins FEEDBACK."""
    response, value, tolerance = field
    total = operator("qti-sum", variable(SCORE), base_value("float", share))
    right = (equal(value, tolerance, response), [set_outcome(SCORE, total)])
    if feedback_id:
        return response_condition(right, (None, [add_to_feedback(feedback_id)]))
    return response_condition(right)


def _misconception_rule(wrong: list[tuple[list[Field], str]]) -> Element:
    """The first whole wrong answer matched adds its feedback id to FEEDBACK."""
    cases: list[Case] = []
    for n, (fields, _) in enumerate(wrong, 1):
        whole = operator(
            "qti-and", *(equal(value, tolerance, response) for response, value, tolerance in fields)
        )
        cases.append((whole, [add_to_feedback(f"MISCONCEPTION_{n}")]))
    return response_condition(*cases)
