"""Properties every item kind must keep, checked on every shipped item with generated answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptest.bank import DONT_KNOW, AnswerError, GradableItem, grade, load_bank
from adaptest.content import DEEP_LEARNING_BANK

BANK = load_bank(DEEP_LEARNING_BANK)
ITEMS = sorted(BANK.items.values(), key=lambda item: item.id)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6) | st.integers(
    -(10**6), 10**6
)


def well_formed_answer(item: GradableItem) -> st.SearchStrategy[Any]:
    """Answers of the right shape for the item, right or wrong."""
    kind = item.kind
    if kind == "single_choice":
        return st.sampled_from([o.id for o in item.options])  # type: ignore[attr-defined]
    if kind == "multiple_choice":
        return st.lists(st.sampled_from([o.id for o in item.options]), unique=True)  # type: ignore[attr-defined]
    if kind == "numeric":
        return numbers | st.just(item.key_answer())
    if kind == "numeric_tuple":
        return st.fixed_dictionaries({f.name: numbers | st.just(f.answer) for f in item.fields})  # type: ignore[attr-defined]
    if kind == "short_text":
        return st.text(min_size=1, max_size=40).filter(str.strip) | st.sampled_from(item.accepted)  # type: ignore[attr-defined]
    if kind == "ordering":
        ids = [b.id for b in item.blocks]  # type: ignore[attr-defined]
        return st.permutations(ids).flatmap(lambda p: st.integers(1, len(p)).map(lambda n: list(p[:n])))
    if kind == "matrix":
        rows, cols = item.shape  # type: ignore[attr-defined]
        return st.lists(st.lists(numbers, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    if kind == "free_text":
        return st.text(min_size=1, max_size=300).filter(str.strip) | st.just(item.key_answer())
    raise AssertionError(kind)


json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_the_key_scores_full_marks(item: GradableItem) -> None:
    outcome = grade(item, item.key_answer())
    assert outcome.correct and outcome.score == 1.0


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
@FAST
@given(data=st.data())
def test_any_well_formed_answer_scores_within_zero_and_one(item: GradableItem, data: st.DataObject) -> None:
    answer = data.draw(well_formed_answer(item))
    outcome = grade(item, answer)
    assert 0.0 <= outcome.score <= 1.0
    assert outcome.correct == (outcome.score == 1.0)
    assert outcome.parts[-1].role == "correct_answer"


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
@FAST
@given(junk=json_values)
def test_malformed_answers_are_refused_with_a_message_never_a_crash(item: GradableItem, junk: Any) -> None:
    try:
        outcome = grade(item, junk)
    except AnswerError as error:
        assert str(error)
    else:
        assert 0.0 <= outcome.score <= 1.0


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_grading_is_pure_and_repeatable(item: GradableItem) -> None:
    assert grade(item, item.key_answer()) == grade(item, item.key_answer())
    assert grade(item, DONT_KNOW).score == 0.0


CHOICE_AND_ORDERING = [
    item for item in ITEMS if item.kind in ("single_choice", "multiple_choice", "ordering")
]


@pytest.mark.parametrize("item", CHOICE_AND_ORDERING, ids=lambda item: item.id)
@FAST
@given(seed_a=st.integers(0, 2**31 - 1), seed_b=st.integers(0, 2**31 - 1), data=st.data())
def test_display_order_never_changes_grading(
    item: GradableItem, seed_a: int, seed_b: int, data: st.DataObject
) -> None:
    """A learner choosing the same texts scores the same whatever order they were shown in."""
    key = "blocks" if item.kind == "ordering" else "options"
    shown_a, shown_b = item.presentation(seed_a)[key], item.presentation(seed_b)[key]
    assert sorted(x["text"] for x in shown_a) == sorted(x["text"] for x in shown_b)
    texts = data.draw(
        st.permutations([x["text"] for x in shown_a]).flatmap(
            lambda p: st.integers(1, len(p)).map(lambda n: p[:n])
        )
    )
    by_text_a = {x["text"]: x["id"] for x in shown_a}
    by_text_b = {x["text"]: x["id"] for x in shown_b}
    picked_a = [by_text_a[t] for t in texts]
    picked_b = [by_text_b[t] for t in texts]
    if item.kind == "single_choice":
        picked_a, picked_b = picked_a[0], picked_b[0]  # type: ignore[assignment]
    assert grade(item, picked_a) == grade(item, picked_b)


@pytest.mark.parametrize("item", [i for i in ITEMS if i.kind == "ordering"], ids=lambda item: item.id)
@given(seed=st.integers(0, 2**31 - 1))
def test_ordering_blocks_are_never_shown_already_in_order(item: GradableItem, seed: int) -> None:
    shown = [b["id"] for b in item.presentation(seed)["blocks"]]
    assert shown != [b.id for b in item.blocks]  # type: ignore[attr-defined]
