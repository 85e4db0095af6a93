"""Grading imported questions: answers that reach every scoring branch of an item (what the round trips
grade before and after), and small helpers the format tests share."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from adaptest.bank import grade, parse_item
from adaptest.bank.interop import Converted
from adaptest.bank.kinds import (
    GradableItem,
    MatrixItem,
    MultipleChoiceItem,
    NumericItem,
    NumericTupleItem,
    OrderingItem,
    ShortTextItem,
    SingleChoiceItem,
)


def as_item(result: Converted) -> GradableItem:
    """An imported question as an item (with the id, domain and skill an import would give it)."""
    return parse_item({"id": "q", "domain": "d", "skills": ["s"], **result.data})


def scores(target: GradableItem, answers: list[Any]) -> list[float]:
    return [grade(target, a).score for a in answers]


def probes(item: GradableItem) -> list[Any]:
    """The key, every option or subset of options, misconceptions, tolerance edges and wrong answers."""
    if isinstance(item, SingleChoiceItem):
        return [o.id for o in item.options]
    if isinstance(item, MultipleChoiceItem):
        return subsets_of([o.id for o in item.options])
    if isinstance(item, NumericItem):
        return _numeric(item)
    if isinstance(item, NumericTupleItem):
        key = item.key_answer()
        off = {**key, item.fields[0].name: key[item.fields[0].name] + 500}
        return [key, off, *(m.values for m in item.misconceptions)]
    if isinstance(item, MatrixItem):
        key = item.key_answer()
        return [key, [[v - 500 for v in key[0]], *key[1:]], *(m.answer for m in item.misconceptions)]
    if isinstance(item, ShortTextItem):
        words = [word for keyword in item.keywords for word in keyword.match]
        graded = [g.text.replace("*", "") for g in item.graded]
        spaced = f"  {item.accepted[0].upper()}  "
        return [*item.accepted, spaced, *graded, *words, "something else entirely"]
    if isinstance(item, OrderingItem):
        key = item.key_answer()
        distractors = [b.id for b in item.blocks if b.distractor]
        return [key, key[::-1], key[:-1], key + distractors[:1], *item.alternative_orders]
    return []


def subsets_of(ids: list[str]) -> list[list[str]]:
    """Every subset of up to six options; beyond, each option alone, all of them and none."""
    if len(ids) <= 6:
        return [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
    return [[i] for i in ids] + [ids, []]


def _numeric(item: NumericItem) -> list[float]:
    bound = item.tolerance.bound(item.answer)
    values = [item.answer, *(k.value for k in item.alternative_keys), *(m.value for m in item.misconceptions)]
    edges = [item.answer + bound * 0.99, item.answer - bound * 0.999, item.answer - bound * 1.5 - 1e-6]
    return [*values, *edges, item.answer * 3 + 11]


def assert_the_shared_questions_score_as_moodle_scores_them(items: dict[str, Any]) -> None:
    """The questions the Moodle XML and GIFT samples (data/moodle, data/gift) both hold, each in its own
    syntax: one answer with 50 % and −50 % choices, select-all with a −100 % choice, true/false, a numeric
    answer with a half-credit tolerance, and a half-credit wildcard short answer."""
    assert scores(items["dropout-at-test-time"], ["a", "b", "c"]) == [1.0, 0.5, 0.0]
    assert scores(items["regularisers"], [["a", "b", "c"], ["a", "b", "c", "d"], ["a", "e"]]) == [
        1.0,
        0.0,
        pytest.approx(1 / 3),
    ]
    assert scores(items["batch-norm-in-eval-mode"], ["a", "b"]) == [0.0, 1.0]
    assert scores(items["kept-units"], [803, 780, 201, 500]) == [1.0, 0.5, 0.0, 0.0]
    assert scores(items["name-the-technique"], ["Early stopping", "stopped early", "dropout"]) == [
        1,
        0.5,
        0,
    ]
