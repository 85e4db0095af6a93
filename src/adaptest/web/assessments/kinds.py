"""One web adapter per item kind: everything the pages and the API do differently for each kind.

An adapter turns POSTed form fields into the bank's raw answer (``read``) and a stored answer back into
fields (``fields``), gives the kind's question template what it shows (``widget``: the public
presentation plus the learner's entries), declares the API's answer shape (``Answer``) and converts it
to form fields (``api_fields``), says which kind-specific fields an API item carries (``item_out``) and
how a saved answer reads back (``saved_answer``). None of that ever touches a key or a feedback text.

The review part runs only once an answer is final: it says whether the answer is already stated option
by option (``review_lists_options``), labels and orders the bank's remarks the way the learner saw the
question (``review_lines``), and adds what the review shows beyond remarks (``review_extras``: a grid's
labelled cells and its key grid).

Options and blocks appear under their display position (``o1``, ``b3``), never under the ids authors
gave them: an author's id such as ``correct`` or ``wrong`` must not hint at the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.http import QueryDict
from ninja import Schema
from pydantic import ConfigDict, Field

from adaptest.bank import ITEM_KINDS, AnswerError, GradableItem
from adaptest.bank.kinds import MatrixItem, RubricItem
from adaptest.bank.kinds.numbers import format_exact, format_number
from adaptest.bank.outcome import FeedbackPart, Remark, Role

Fields = Mapping[str, list[str]]
Number = str | int | float
"""A number as JSON (``0.125``) or as text (``"1/8"``, ``"1e-3"``), parsed the way the pages parse it.
Strict (see ``StrictInput``): ``true`` is not the number 1."""


class StrictInput(Schema):
    """What API clients send: no unknown fields, and no coercion — a JSON boolean is never a number, a
    string never a position."""

    model_config = ConfigDict(extra="forbid", strict=True)


def fields_from_post(post: QueryDict) -> dict[str, list[str]]:
    """A QueryDict as a plain dict of lists (the shape both directions share)."""
    return {key: post.getlist(key) for key in post}


def _one(fields: Fields, name: str) -> str:
    values = fields.get(name) or [""]
    return values[0].strip()


def _tokens(entries: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    """Display token -> authored id, for the order this attempt shows."""
    return {f"{prefix}{i}": entry["id"] for i, entry in enumerate(entries, start=1)}


def _as_text(value: Number) -> str:
    # repr() round-trips floats exactly, so 1e-05 reaches the bank's parser as written.
    return repr(value) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class ReviewLine:
    """A remark as the review prints it, with short labels such as "You ticked it" or "False"."""

    remark: Remark
    tags: tuple[str, ...] = ()


class KindAdapter:
    """The default behaviour; each kind overrides what differs."""

    kinds: ClassVar[tuple[str, ...]] = ()
    template: str = ""  # the widget template; an adapter serving several kinds may set it per instance
    Answer: ClassVar[type[StrictInput]]
    review_lists_options: ClassVar[bool] = False

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        """The raw answer in ``fields`` for the bank to validate, or None when nothing was entered."""
        raise NotImplementedError

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        """The form fields that show a stored canonical answer again."""
        raise NotImplementedError

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        """The template's context beyond the presentation: the current entries."""
        return {}

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        """The API's answer shape as the form fields the pages would have sent."""
        raise NotImplementedError

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        """The API item's kind-specific fields, read from the widget (the public presentation)."""
        return {}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        """The learner's saved answer in the shape it was sent, read back from the widget's entries."""
        raise NotImplementedError

    def review_lines(
        self, item: GradableItem, presentation: dict[str, Any], part: FeedbackPart
    ) -> list[ReviewLine]:
        """A feedback part's remarks as the review lists them."""
        return [ReviewLine(remark) for remark in part.remarks]

    def review_extras(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, Any]:
        """What the review shows beyond the remarks, given the final canonical answer (None: none given)."""
        return {}


# --- single and multiple choice ------------------------------------------------------------------------


class ChoicesAnswer(StrictInput):
    """single_choice (exactly one token) and multiple_choice (every token you select)."""

    choices: list[str] = Field(examples=[["o2"]], description="option tokens, e.g. o1, o2")


class ChoiceAdapter(KindAdapter):
    kinds = ("single_choice", "multiple_choice")
    template = "choice"
    Answer = ChoicesAnswer
    review_lists_options = True  # the review's remarks go through the options one by one

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        tokens = _tokens(presentation["options"], "o")
        chosen = [value for value in fields.get("choice", []) if value]
        if not chosen:
            return None
        unknown = [token for token in chosen if token not in tokens]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not one of this question's choices.")
        ids = [tokens[token] for token in chosen]
        return ids if item.kind == "multiple_choice" else ids[0]

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        token_of = {block_id: token for token, block_id in _tokens(presentation["options"], "o").items()}
        chosen = [answer] if item.kind == "single_choice" else answer
        return {"choice": [token_of[x] for x in chosen]}

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        chosen = set(fields.get("choice", []))
        tokens = _tokens(presentation["options"], "o")
        return {
            "multiple": item.kind == "multiple_choice",
            "options": [
                {"token": token, "text": option["text"], "checked": token in chosen}
                for token, option in zip(tokens, presentation["options"], strict=True)
            ],
        }

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        if item.kind == "single_choice" and len(answer.choices) != 1:
            raise AnswerError("Choose exactly one option.")
        if len(set(answer.choices)) != len(answer.choices):
            raise AnswerError("Each option can be chosen only once.")
        return {"choice": list(answer.choices)}

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        options = [{"token": o["token"], "text": o["text"]} for o in widget["options"]]
        return {"multiple": widget["multiple"], "options": options}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"choices": [o["token"] for o in widget["options"] if o["checked"]]}

    def review_lines(
        self, item: GradableItem, presentation: dict[str, Any], part: FeedbackPart
    ) -> list[ReviewLine]:
        """Options in the order this learner saw them (option texts are unique: the bank checks it)."""
        if part.role is not Role.OPTIONS:
            return super().review_lines(item, presentation, part)
        shown = [option["text"] for option in presentation["options"]]
        remarks = sorted(part.remarks, key=lambda remark: shown.index(remark.subject))
        tag = self._single_tags if item.kind == "single_choice" else self._select_all_tags
        return [ReviewLine(remark, tag(remark)) for remark in remarks]

    @staticmethod
    def _single_tags(remark: Remark) -> tuple[str, ...]:
        return (("Your answer",) if remark.chosen else ()) + (("Correct answer",) if remark.true else ())

    @staticmethod
    def _select_all_tags(remark: Remark) -> tuple[str, ...]:
        ticked = () if remark.chosen is None else ("You ticked it" if remark.chosen else "You left it",)
        return (*ticked, "True" if remark.true else "False")


# --- one value: numeric and short text ----------------------------------------------------------------


class ValueAnswer(StrictInput):
    """numeric (a number, or a fraction as text) and short_text (the text)."""

    value: Number = Field(examples=["3.5"])


class ValueAdapter(KindAdapter):
    kinds = ("numeric", "short_text")
    Answer = ValueAnswer

    def __init__(self, kind: str) -> None:
        self.template = kind  # numeric has units and a number hint; short text a length limit

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        return _one(fields, "value") or None

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        return {"value": [format_exact(answer) if item.kind == "numeric" else answer]}

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        return {"value": _one(fields, "value")}

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        return {"value": [_as_text(answer.value)]}

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"units": widget.get("units") or None, "max_length": widget.get("max_length")}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"value": widget["value"]}


# --- a tuple of named numbers ---------------------------------------------------------------------------


class FieldValuesAnswer(StrictInput):
    """numeric_tuple: one number per field name given by the question."""

    values: dict[str, Number] = Field(examples=[{"stride": "2", "padding": "1"}])


class TupleAdapter(KindAdapter):
    kinds = ("numeric_tuple",)
    template = "numeric_tuple"
    Answer = FieldValuesAnswer

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        values = {f["name"]: _one(fields, f"field-{f['name']}") for f in presentation["fields"]}
        return values if any(values.values()) else None

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        return {f"field-{name}": [format_exact(value)] for name, value in answer.items()}

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        return {
            "fields": [{**f, "value": _one(fields, f"field-{f['name']}")} for f in presentation["fields"]]
        }

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        names = [f["name"] for f in presentation["fields"]]
        unknown = sorted(set(answer.values) - set(names))
        if unknown:
            raise AnswerError(
                f"Unknown field(s): {', '.join(unknown)}. This question has: {', '.join(names)}."
            )
        return {f"field-{name}": [_as_text(value)] for name, value in answer.values.items()}

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"fields": [{"name": f["name"], "label": f["label"]} for f in widget["fields"]]}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"values": {f["name"]: f["value"] for f in widget["fields"]}}


# --- a grid of numbers ----------------------------------------------------------------------------------


class GridAnswer(StrictInput):
    """matrix: every cell, row by row."""

    cells: list[list[Number]] = Field(examples=[[["1", "0"], ["0", "1"]]])


class GridAdapter(KindAdapter):
    kinds = ("matrix",)
    template = "matrix"
    Answer = GridAnswer

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        grid = [
            [_one(fields, f"cell-{r}-{c}") for c in range(presentation["columns"])]
            for r in range(presentation["rows"])
        ]
        return grid if any(cell for row in grid for cell in row) else None

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        return {f"cell-{r}-{c}": [format_exact(v)] for r, row in enumerate(answer) for c, v in enumerate(row)}

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        return {
            "grid": [
                {
                    "label": presentation["row_labels"][r],
                    "cells": [
                        {
                            "name": f"cell-{r}-{c}",
                            "value": _one(fields, f"cell-{r}-{c}"),
                            "column": presentation["column_labels"][c],
                        }
                        for c in range(presentation["columns"])
                    ],
                }
                for r in range(presentation["rows"])
            ]
        }

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        rows, columns = presentation["rows"], presentation["columns"]
        if len(answer.cells) != rows or any(len(row) != columns for row in answer.cells):
            raise AnswerError(f"Send {rows} rows of {columns} cells each.")
        return {
            f"cell-{r}-{c}": [_as_text(value)]
            for r, row in enumerate(answer.cells)
            for c, value in enumerate(row)
        }

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"grid": {k: widget[k] for k in ("rows", "columns", "row_labels", "column_labels")}}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"cells": [[c["value"] for c in row["cells"]] for row in widget["grid"]]}

    def review_extras(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, Any]:
        """The learner's grid cell by cell (right or not, with the expected value) and the key grid, both
        under the row and column labels the question showed."""
        assert isinstance(item, MatrixItem)
        columns, row_labels = presentation["column_labels"], presentation["row_labels"]

        def labelled(cells: list[list[dict[str, Any]]]) -> dict[str, Any]:
            return {
                "columns": columns,
                "rows": [{"label": row_labels[r], "cells": row} for r, row in enumerate(cells)],
            }

        key = [
            [{"given": format_number(e), "expected": None, "ok": None} for e in row] for row in item.answer
        ]
        extras: dict[str, Any] = {"key_grid": labelled(key)}
        if answer is not None:
            extras["grid"] = labelled(
                [
                    [
                        {
                            "given": format_number(g),
                            "expected": format_number(e),
                            "ok": item.tolerance.accepts(e, g),
                        }
                        for g, e in zip(given_row, key_row, strict=True)
                    ]
                    for given_row, key_row in zip(answer, item.answer, strict=True)
                ]
            )
        return extras


# --- ordering -------------------------------------------------------------------------------------------


class OrderAnswer(StrictInput):
    """ordering: the block tokens in your order; leave out blocks that do not belong."""

    order: list[str] = Field(examples=[["b3", "b1", "b2"]])


class OrderingAdapter(KindAdapter):
    kinds = ("ordering",)
    template = "ordering"
    Answer = OrderAnswer

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        placed: dict[int, str] = {}
        for token, block_id in _tokens(presentation["blocks"], "b").items():
            raw = _one(fields, f"position-{token}")
            if not raw:
                continue
            if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
                raise AnswerError(f"{raw[:20]!r} is not a position.")
            position = int(raw)
            if position in placed:
                raise AnswerError(
                    f"Two blocks are both at position {position}; give each block its own position."
                )
            placed[position] = block_id
        return [placed[p] for p in sorted(placed)] or None

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        token_of = {block_id: token for token, block_id in _tokens(presentation["blocks"], "b").items()}
        return {f"position-{token_of[block_id]}": [str(i)] for i, block_id in enumerate(answer, start=1)}

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        tokens = _tokens(presentation["blocks"], "b")
        return {
            "blocks": [
                {"token": token, "text": block["text"], "position": _one(fields, f"position-{token}")}
                for token, block in zip(tokens, presentation["blocks"], strict=True)
            ],
            "position_choices": [str(p) for p in range(1, presentation["positions"] + 1)],
        }

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        tokens = [f"b{i}" for i in range(1, len(presentation["blocks"]) + 1)]
        unknown = [token for token in answer.order if token not in tokens]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not one of this question's blocks.")
        if len(set(answer.order)) != len(answer.order):
            raise AnswerError("Each block can be used only once.")
        return {f"position-{token}": [str(i)] for i, token in enumerate(answer.order, start=1)}

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"blocks": [{"token": b["token"], "text": b["text"]} for b in widget["blocks"]]}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        placed = sorted((int(b["position"]), b["token"]) for b in widget["blocks"] if b["position"])
        return {"order": [token for _, token in placed]}


# --- free text graded by a rubric --------------------------------------------------------------------


class TextAnswer(StrictInput):
    """free_text: the written answer (within the question's ``max_words``)."""

    text: str = Field(examples=["Bayesian optimisation fits a surrogate model to the runs so far, ..."])


class FreeTextAdapter(KindAdapter):
    """A text area with the word limit said beside it; the server refuses a longer answer with the count.

    The rubric (criteria, concepts, points, feedback) never reaches the page: the presentation holds only
    the word limit. The review lists the criteria one by one, each met or missed."""

    kinds = ("free_text",)
    template = "free_text"
    Answer = TextAnswer

    def read(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
        text = (fields.get("text") or [""])[0]
        return text if text.strip() else None

    def fields(self, item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
        return {"text": [answer]}

    def widget(self, item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
        return {"text": (fields.get("text") or [""])[0]}

    def api_fields(
        self, answer: Any, item: GradableItem, presentation: dict[str, Any]
    ) -> dict[str, list[str]]:
        return {"text": [answer.text]}

    def item_out(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"max_words": widget["max_words"]}

    def saved_answer(self, widget: dict[str, Any]) -> dict[str, Any]:
        return {"text": widget["text"]}

    def review_lines(
        self, item: GradableItem, presentation: dict[str, Any], part: FeedbackPart
    ) -> list[ReviewLine]:
        """Each criterion with its points, met or missed, in rubric order."""
        if part.role is not Role.YOUR_ANSWER or not isinstance(item, RubricItem):
            return super().review_lines(item, presentation, part)
        points = {c.criterion: c.points for c in item.rubric}
        lines = []
        for remark in part.remarks:
            if remark.subject in points:
                n = points[remark.subject]
                tag = "Met" if remark.good else "Missed"
                lines.append(ReviewLine(remark, (f"{tag}: {n} point{'s' if n != 1 else ''}",)))
            else:
                lines.append(ReviewLine(remark))
        return lines


# --- the registry ---------------------------------------------------------------------------------------

ADAPTERS: dict[str, KindAdapter] = {
    "single_choice": ChoiceAdapter(),
    "multiple_choice": ChoiceAdapter(),
    "numeric": ValueAdapter("numeric"),
    "short_text": ValueAdapter("short_text"),
    "numeric_tuple": TupleAdapter(),
    "matrix": GridAdapter(),
    "ordering": OrderingAdapter(),
    "free_text": FreeTextAdapter(),
}
if set(ADAPTERS) != set(ITEM_KINDS):  # pragma: no cover - a new bank kind must get its adapter
    raise RuntimeError(f"web adapters for {sorted(set(ITEM_KINDS) - set(ADAPTERS))} are missing")

KindAnswer = ChoicesAnswer | ValueAnswer | FieldValuesAnswer | GridAnswer | OrderAnswer | TextAnswer
"""Every kind's API answer shape."""


def adapter(item: GradableItem) -> KindAdapter:
    return ADAPTERS[item.kind]


def answer_from_fields(item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
    """The raw answer POSTed for ``item`` (None when nothing was entered)."""
    return adapter(item).read(item, presentation, fields)


def fields_from_answer(item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
    """The form fields that show a stored canonical answer again."""
    return {} if answer is None else adapter(item).fields(item, presentation, answer)


def widget_context(item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """What the kind's template needs: the public presentation plus the current entries."""
    kind = adapter(item)
    return {**presentation, "template": kind.template, **kind.widget(item, presentation, fields)}
