"""Between HTML form fields and the bank's answers, for each item kind.

``answer_from_fields`` turns POSTed fields into a raw answer for the bank to validate (or None when
nothing was entered); ``widget_context`` gives each kind's template what it shows — the public
presentation plus the learner's current entries. Neither ever touches a key or a feedback text.

Options and blocks appear in the form under their display position (``o1``, ``b3``), never under the
ids authors gave them: an author's id such as ``correct`` or ``wrong`` must not hint at the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adaptest.bank import AnswerError, GradableItem
from adaptest.bank.kinds.numbers import format_exact

Fields = Mapping[str, list[str]]


def fields_from_post(post: Any) -> dict[str, list[str]]:
    """A QueryDict as a plain dict of lists (the shape both directions share)."""
    return {key: post.getlist(key) for key in post}


def _one(fields: Fields, name: str) -> str:
    values = fields.get(name) or [""]
    return values[0].strip()


def _tokens(entries: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    """Display token -> authored id, for the order this attempt shows."""
    return {f"{prefix}{i}": entry["id"] for i, entry in enumerate(entries, start=1)}


def answer_from_fields(item: GradableItem, presentation: dict[str, Any], fields: Fields) -> object | None:
    kind = item.kind
    if kind in ("single_choice", "multiple_choice"):
        tokens = _tokens(presentation["options"], "o")
        chosen = [value for value in fields.get("choice", []) if value]
        if not chosen:
            return None
        unknown = [token for token in chosen if token not in tokens]
        if unknown:
            raise AnswerError(f"{unknown[0]!r} is not one of this question's choices.")
        ids = [tokens[token] for token in chosen]
        return ids if kind == "multiple_choice" else ids[0]
    if kind in ("numeric", "short_text"):
        return _one(fields, "value") or None
    if kind == "numeric_tuple":
        values = {f["name"]: _one(fields, f"field-{f['name']}") for f in presentation["fields"]}
        return values if any(values.values()) else None
    if kind == "matrix":
        grid = [
            [_one(fields, f"cell-{r}-{c}") for c in range(presentation["columns"])]
            for r in range(presentation["rows"])
        ]
        return grid if any(cell for row in grid for cell in row) else None
    if kind == "ordering":
        return _order_from_positions(presentation, fields)
    raise AnswerError(f"Unsupported question kind {kind!r}.")


def _order_from_positions(presentation: dict[str, Any], fields: Fields) -> list[str] | None:
    placed: dict[int, str] = {}
    for token, block_id in _tokens(presentation["blocks"], "b").items():
        raw = _one(fields, f"position-{token}")
        if not raw:
            continue
        try:
            position = int(raw)
        except ValueError:
            raise AnswerError(f"{raw!r} is not a position.") from None
        if position in placed:
            raise AnswerError(
                f"Two blocks are both at position {position}; give each block its own position."
            )
        placed[position] = block_id
    return [placed[p] for p in sorted(placed)] or None


def fields_from_answer(item: GradableItem, presentation: dict[str, Any], answer: Any) -> dict[str, list[str]]:
    """The form fields that show a stored canonical answer again."""
    if answer is None:
        return {}
    kind = item.kind
    if kind in ("single_choice", "multiple_choice"):
        token_of = {block_id: token for token, block_id in _tokens(presentation["options"], "o").items()}
        return {"choice": [token_of[answer]] if kind == "single_choice" else [token_of[x] for x in answer]}
    if kind == "numeric":
        return {"value": [format_exact(answer)]}
    if kind == "short_text":
        return {"value": [answer]}
    if kind == "numeric_tuple":
        return {f"field-{name}": [format_exact(value)] for name, value in answer.items()}
    if kind == "matrix":
        return {f"cell-{r}-{c}": [format_exact(v)] for r, row in enumerate(answer) for c, v in enumerate(row)}
    if kind == "ordering":
        token_of = {block_id: token for token, block_id in _tokens(presentation["blocks"], "b").items()}
        return {f"position-{token_of[block_id]}": [str(i)] for i, block_id in enumerate(answer, start=1)}
    return {}


def widget_context(item: GradableItem, presentation: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """What the kind's template needs: public data plus the current entries."""
    context: dict[str, Any] = {"template": item.kind, **presentation}
    if "options" in presentation:
        context["template"] = "choice"
        context["multiple"] = item.kind == "multiple_choice"
        chosen = set(fields.get("choice", []))
        context["options"] = [
            {"token": token, "text": o["text"], "checked": token in chosen}
            for (token, _), o in zip(
                _tokens(presentation["options"], "o").items(), presentation["options"], strict=True
            )
        ]
    if item.kind in ("numeric", "short_text"):
        context["value"] = _one(fields, "value")
    if item.kind == "numeric_tuple":
        context["fields"] = [
            {**f, "value": _one(fields, f"field-{f['name']}")} for f in presentation["fields"]
        ]
    if item.kind == "matrix":
        context["grid"] = [
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
    if item.kind == "ordering":
        context["blocks"] = [
            {"token": token, "text": b["text"], "position": _one(fields, f"position-{token}")}
            for (token, _), b in zip(
                _tokens(presentation["blocks"], "b").items(), presentation["blocks"], strict=True
            )
        ]
        context["position_choices"] = [str(p) for p in range(1, presentation["positions"] + 1)]
    return context
