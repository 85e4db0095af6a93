"""Several text entries of numbers, scored as the share of entries right: a matrix when the entries
fill the rows of one table, else a numeric_tuple whose field labels are the text beside each entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adaptest.bank.interop.qti_base import Element, children, local, to_markdown
from adaptest.bank.interop.qti_read_numbers import CLOSE, tolerance_field, tolerance_of
from adaptest.bank.interop.qti_read_rules import Refusal, Test, at, field_tests, whole_answers
from adaptest.bank.schema import Tolerance, is_identifier

if TYPE_CHECKING:
    from adaptest.bank.interop.qti_read_kinds import ItemSource

ENTRY = "qti-text-entry-interaction"
NO_MISCONCEPTION_FEEDBACK = "No feedback came with this answer."


def grid_data(source: ItemSource) -> dict[str, Any]:
    """numeric_tuple or matrix fields for an item whose interactions are all text entries of numbers."""
    interactions = source.interactions
    if any(local(i) != ENTRY for i in interactions):
        names = ", ".join(f"{local(i)} ({at(i)})" for i in interactions)
        raise Refusal(
            f"it has {len(interactions)} interactions ({names}); a bank item asks one thing, or several "
            "numbers scored as the share right"
        )
    responses = []
    for interaction in interactions:
        response, declaration = source.response(interaction)
        if declaration.get("base-type") not in ("float", "integer"):
            raise Refusal(f"it has {len(interactions)} interactions, and {response} is not a number")
        responses.append(response)
    tests = field_tests(source.root, responses)
    shares = {round(t.score, 9) for t in tests.values()}
    if len(shares) != 1 or abs(next(iter(shares)) - 1 / len(responses)) > CLOSE:
        raise Refusal("its entries weigh differently; Adaptest scores the share of entries right")
    if any(t.open_bounds for t in tests.values()):
        source.losses.append("tolerances without their end points: here the end points count as right")
    table = _common_table(interactions)
    if table is not None:
        return _matrix(source, table, responses, tests)
    return _tuple(source, interactions, responses, tests)


def _common_table(interactions: list[Element]) -> Element | None:
    tables = {next((a for a in i.iterancestors() if local(a) == "table"), None) for i in interactions}
    return tables.pop() if len(tables) == 1 else None


# -- tuple -------------------------------------------------------------------------------------------
def _tuple(
    source: ItemSource, interactions: list[Element], responses: list[str], tests: dict[str, Test]
) -> dict[str, Any]:
    names = _field_names(responses)
    fields = []
    for n, (interaction, response) in enumerate(zip(interactions, responses, strict=True), 1):
        test = tests[response]
        field: dict[str, Any] = {
            "name": names[response],
            "label": _label(source, interaction, n),
            "answer": test.value,
        }
        if tolerance_field(tolerance_of(test)):
            field["tolerance"] = tolerance_field(tolerance_of(test))
        feedback = source.take_feedback(test.feedback_id, any_case=False) if test.feedback_id else None
        if feedback:
            field["feedback"] = feedback
        fields.append(field)
    misconceptions = [
        {"values": {names[r]: t.value for r, t in found.items()}, "feedback": feedback}
        for found, feedback in _misconceptions(source, responses)
    ]
    data: dict[str, Any] = {"kind": "numeric_tuple", "fields": fields}
    return {**data, "misconceptions": misconceptions} if misconceptions else data


def _field_names(responses: list[str]) -> dict[str, str]:
    names = {r: r.removeprefix("RESPONSE_") for r in responses}
    if all(is_identifier(n) for n in names.values()) and len(set(names.values())) == len(names):
        return names
    return {r: f"field_{n}" for n, r in enumerate(responses, 1)}


def _label(source: ItemSource, interaction: Element, n: int) -> str:
    """The text beside the entry when it is alone in its paragraph (which leaves the stem)."""
    parent = interaction.getparent()
    if parent is not None and len([e for e in parent.iter() if local(e) == ENTRY]) == 1:
        label = to_markdown(parent, leave_out=lambda e: local(e) == ENTRY)
        if label:
            source.stem_drops.append(parent)
            return label
    return interaction.get("label") or f"Answer {n}"


def _misconceptions(source: ItemSource, responses: list[str]) -> list[tuple[dict[str, Test], str]]:
    found = []
    for tests, identifier in whole_answers(source.root, responses):
        feedback = source.take_feedback(identifier, any_case=False)
        if feedback is None:
            source.losses.append(
                f"no feedback on the whole answer tested at line {min(t.line for t in tests.values())}"
            )
        found.append((tests, feedback or NO_MISCONCEPTION_FEEDBACK))
    return found


# -- matrix ------------------------------------------------------------------------------------------
def _matrix(
    source: ItemSource, table: Element, responses: list[str], tests: dict[str, Test]
) -> dict[str, Any]:
    rows = [r for r in table.iter() if local(r) == "tr"]
    entry_rows = [[e.get("response-identifier") or "" for e in r.iter() if local(e) == ENTRY] for r in rows]
    layout = [row for row in entry_rows if row]
    if len({len(row) for row in layout}) != 1:
        raise Refusal("its table of entries is not a grid: rows hold different numbers of entries")
    tolerance = _one_tolerance(tests)
    data: dict[str, Any] = {"kind": "matrix", "answer": [[tests[r].value for r in row] for row in layout]}
    if tolerance_field(tolerance):
        data["tolerance"] = tolerance_field(tolerance)
    data.update(_grid_labels(rows, entry_rows, len(layout[0])))
    misconceptions = [
        {"answer": [[found[r].value for r in row] for row in layout], "feedback": feedback}
        for found, feedback in _misconceptions(source, responses)
    ]
    if misconceptions:
        data["misconceptions"] = misconceptions
    if any(test.feedback_id for test in tests.values()):
        source.losses.append("feedback on single cells")
    source.stem_drops.append(table)
    return data


def _one_tolerance(tests: dict[str, Test]) -> Tolerance:
    """The one tolerance (absolute, relative or both) that gives every cell the bound it is tested with;
    our writer tests each cell with the bound our tolerance gives at its key."""
    cells = list(tests.values())
    absolute = {0.0} | {t.amount for t in cells if t.mode == "absolute"}
    relative = {0.0} | {t.amount / 100 for t in cells if t.mode == "relative"}
    relative |= {t.amount / abs(t.value) for t in cells if t.mode == "absolute" and t.value}
    for a in sorted(absolute):
        for r in sorted(relative):
            candidate = Tolerance(absolute=a, relative=r)
            if all(_same(candidate.bound(t.value), tolerance_of(t).bound(t.value)) for t in cells):
                return candidate
    raise Refusal("its cells are tested with tolerances no single tolerance gives; a matrix has one")


def _same(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-12 * max(abs(x), abs(y))


def _grid_labels(rows: list[Element], entry_rows: list[list[str]], columns: int) -> dict[str, list[str]]:
    """Row labels from the cell before each row's entries, column labels from a row without entries."""
    labels: dict[str, list[str]] = {}
    row_labels = [_first_cell_text(row) for row, entries in zip(rows, entry_rows, strict=True) if entries]
    if all(row_labels):
        labels["row_labels"] = row_labels
    header = next((row for row, entries in zip(rows, entry_rows, strict=True) if not entries), None)
    if header is not None:
        cells = [to_markdown(c) for c in children(header) if local(c) in ("th", "td")]
        if len(cells) == columns + 1 and all(cells[1:]):
            labels["column_labels"] = cells[1:]
    return labels


def _first_cell_text(row: Element) -> str:
    cells = [c for c in children(row) if local(c) in ("th", "td")]
    if not cells or any(local(e) == ENTRY for e in cells[0].iter()):
        return ""
    return to_markdown(cells[0])
