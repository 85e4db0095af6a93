"""Grading rules and the feedback each kind gives, on small hand-built items."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptest.bank import DONT_KNOW, AnswerError, Role, grade, parse_item
from adaptest.bank.kinds.numbers import format_exact, parse_number
from adaptest.bank.kinds.ordering import longest_common_subsequence

COMMON = {"domain": "d", "skills": ["s"], "stem": "Q?", "explanation": "Because of the rule."}


def item(kind: str, **fields: Any):  # type: ignore[no-untyped-def]
    return parse_item({"id": f"t-{kind.replace('_', '-')}", "kind": kind, **COMMON, **fields})


def option(text: str, correct: bool, feedback: str) -> dict[str, Any]:
    return {"text": text, "correct": correct, "feedback": feedback}


SINGLE = item(
    "single_choice",
    options=[
        option("4", True, "Right: 2+2."),
        option("5", False, "Off by one."),
        option("22", False, "Concatenated."),
    ],
)
MULTI = item(
    "multiple_choice",
    options=[
        option("ReLU", True, "ReLU is non-linear."),
        option("tanh", True, "tanh is non-linear."),
        option("identity", False, "The identity is linear."),
        option("x -> 3x", False, "Scaling is linear."),
    ],
)


def remarks(outcome, role):  # type: ignore[no-untyped-def]
    part = outcome.part(role)
    return [] if part is None else [(r.subject, r.text) for r in part.remarks]


def options(outcome):  # type: ignore[no-untyped-def]
    """Each option as the review states it: (text, chosen, true, learner right about it)."""
    return [(r.subject, r.chosen, r.true, r.good) for r in outcome.part(Role.OPTIONS).remarks]


def test_single_choice_lists_every_option_and_marks_the_one_chosen_and_the_correct_one() -> None:
    outcome = grade(SINGLE, "b")
    assert (outcome.score, outcome.correct) == (0.0, False)
    assert options(outcome) == [
        ("4", False, True, None),
        ("5", True, False, False),
        ("22", False, False, None),
    ]
    assert remarks(outcome, Role.OPTIONS)[1] == ("5", "Off by one.")
    assert remarks(outcome, Role.CORRECT_ANSWER) == [("4", "Because of the rule.")]


def test_single_choice_refuses_an_unknown_option() -> None:
    with pytest.raises(AnswerError, match="not one of"):
        grade(SINGLE, "z")


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        (["a", "b"], 1.0),
        (["a"], 0.5),
        (["a", "b", "c"], 0.5),
        (["a", "c", "d"], 0.0),
        ([], 0.0),
        (["a", "b", "c", "d"], 0.0),
    ],
)
def test_select_all_gives_partial_credit_by_the_documented_rule(chosen: list[str], score: float) -> None:
    outcome = grade(MULTI, chosen)
    assert outcome.score == pytest.approx(score)
    assert outcome.correct == (score == 1.0)


def test_select_all_review_says_of_each_option_whether_it_was_ticked_and_whether_it_is_true() -> None:
    outcome = grade(MULTI, ["a", "c"])
    assert options(outcome) == [
        ("ReLU", True, True, True),
        ("tanh", False, True, False),
        ("identity", True, False, False),
        ("x -> 3x", False, False, True),  # rightly left: judged right, yet still stated as false
    ]
    assert remarks(outcome, Role.OPTIONS)[3] == ("x -> 3x", "Scaling is linear.")


def test_after_i_dont_know_yet_the_options_are_stated_true_or_false_without_judging() -> None:
    outcome = grade(MULTI, DONT_KNOW)
    assert [(text, chosen, true, good) for text, chosen, true, good in options(outcome)] == [
        ("ReLU", None, True, None),
        ("tanh", None, True, None),
        ("identity", None, False, None),
        ("x -> 3x", None, False, None),
    ]


def test_no_review_of_a_shipped_item_shows_its_explanation_twice() -> None:
    from adaptest.bank import load_bank
    from adaptest.content import DEEP_LEARNING_BANK

    for shipped in load_bank(DEEP_LEARNING_BANK).items.values():
        for outcome in (grade(shipped, shipped.key_answer()), grade(shipped, DONT_KNOW)):
            texts = [r.text for part in outcome.parts for r in part.remarks]
            assert texts.count(shipped.explanation) == 1, shipped.id


NUMERIC = item(
    "numeric",
    answer=3850,
    tolerance={"relative": 0.001},
    units="parameters",
    misconceptions=[{"value": 3805, "feedback": "You left out one layer's biases."}],
)


def test_numeric_accepts_values_within_tolerance() -> None:
    assert grade(NUMERIC, "3851").correct
    assert not grade(NUMERIC, "3860").correct


def test_numeric_names_the_misconception_behind_a_known_wrong_value() -> None:
    assert remarks(grade(NUMERIC, 3805), Role.YOUR_ANSWER) == [
        ("3805 parameters", "You left out one layer's biases.")
    ]


def test_a_wrong_answer_without_specific_feedback_gets_the_fallback() -> None:
    outcome = grade(NUMERIC, 12)
    assert outcome.part(Role.NO_SPECIFIC_FEEDBACK) is not None
    assert outcome.part(Role.CORRECT_ANSWER) is not None


def test_dont_know_shows_its_own_text_or_a_pointer_to_the_skill() -> None:
    with_text = item("numeric", answer=1, dont_know_feedback="Revisit parameter counting.")
    assert remarks(grade(with_text, DONT_KNOW), Role.DONT_KNOW)[0][1] == "Revisit parameter counting."
    fallback = grade(NUMERIC, DONT_KNOW)
    assert "Study the skill" in remarks(fallback, Role.DONT_KNOW)[0][1]
    assert (fallback.score, fallback.correct) == (0.0, False)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("3,850", 3850), ("3 850", 3850), ("1e-3", 0.001), ("1/8", 0.125), ("−2", -2), (" 42 ", 42), (7, 7.0)],
)
def test_numbers_are_read_the_way_people_type_them(typed: object, value: float) -> None:
    assert parse_number(typed) == pytest.approx(value)


HEADS = item(
    "numeric",
    answer=3,
    units="matrices",
    alternative_keys=[{"value": 24, "explanation": "Counting each head's Q, K and V maps apart: 3 × 8."}],
    misconceptions=[
        {"value": 4, "feedback": "The output projection is a fourth, but the question asks Q, K, V."}
    ],
)


def test_a_numeric_item_accepts_each_defensible_key_and_explains_each() -> None:
    for typed in ("3", "24"):
        assert grade(HEADS, typed).correct and grade(HEADS, typed).score == 1.0
    [(_, said)] = remarks(grade(HEADS, 24), Role.YOUR_ANSWER)
    assert "another convention" in said
    assert remarks(grade(HEADS, 24), Role.CORRECT_ANSWER) == [
        ("3 matrices", "Because of the rule."),
        ("24 matrices", "Counting each head's Q, K and V maps apart: 3 × 8."),
    ]
    assert not grade(HEADS, 4).correct


def test_an_alternative_key_may_not_repeat_a_key_nor_a_misconception_equal_one() -> None:
    from adaptest.bank.kinds.numeric import NumericItem

    twice = item("numeric", answer=3, alternative_keys=[{"value": 3, "explanation": "Same."}])
    assert isinstance(twice, NumericItem)
    assert [message for _, message in twice.problems()] == ["3 is already accepted by an earlier key"]
    clash = item(
        "numeric",
        answer=3,
        alternative_keys=[{"value": 24, "explanation": "Per head."}],
        misconceptions=[{"value": 24, "feedback": "Wrong?"}],
    )
    assert isinstance(clash, NumericItem)
    assert [message for _, message in clash.problems()] == ["misconception 24 is accepted as correct"]


def test_the_numeric_key_says_how_near_an_answer_must_be() -> None:
    assert NUMERIC.key_text() == "3850 parameters (answers within ±0.1% count as right)"
    absolute = item("numeric", answer=0.0971947, tolerance={"absolute": 0.0005})
    assert absolute.key_text() == "0.0971947 (answers within ±0.0005 count as right)"
    assert item("numeric", answer=7).key_text() == "7"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_shown_exactly_reads_back_as_the_same_number(value: float) -> None:
    assert parse_number(format_exact(value)) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0,5", "decimal comma"),
        ("abc", "not a number"),
        ("", "empty"),
        ("1/0", "divides by zero"),
        (True, "must be a number"),
        ("nan", "finite"),
    ],
)
def test_unreadable_numbers_get_a_message_that_says_how_to_fix_them(typed: object, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_number(typed)


TUPLE = item(
    "numeric_tuple",
    fields=[
        {"name": "a", "label": "in_features", "answer": 784},
        {"name": "b", "label": "out_features", "answer": 10},
    ],
    misconceptions=[{"values": {"a": 10, "b": 784}, "feedback": "Input size comes first."}],
)


def test_tuple_credit_is_the_fraction_of_fields_right() -> None:
    assert grade(TUPLE, {"a": 784, "b": 11}).score == 0.5
    assert grade(TUPLE, {"a": "784", "b": "10"}).correct


def test_tuple_recognises_a_swapped_answer() -> None:
    outcome = grade(TUPLE, {"a": 10, "b": 784})
    assert "Input size comes first." in [text for _, text in remarks(outcome, Role.YOUR_ANSWER)]


def test_tuple_refuses_unknown_fields() -> None:
    with pytest.raises(AnswerError, match="Unknown field"):
        grade(TUPLE, {"a": 1, "b": 2, "c": 3})


TEXT = item(
    "short_text",
    accepted=["dropout"],
    patterns=["drop[- ]?out( layer)?"],
    keywords=[
        {"match": ["weight decay"], "feedback": "Weight decay shrinks weights; it does not drop units."}
    ],
)


@pytest.mark.parametrize("typed", ["dropout", "  DropOut ", "drop-out", "drop out layer"])
def test_short_text_ignores_case_and_spacing_and_honours_patterns(typed: str) -> None:
    assert grade(TEXT, typed).correct


def test_short_text_rubric_keywords_explain_a_near_miss() -> None:
    outcome = grade(TEXT, "weight decay")
    assert not outcome.correct
    assert remarks(outcome, Role.YOUR_ANSWER)[0][1].startswith("Weight decay shrinks")


ORDERING = item(
    "ordering",
    blocks=[
        {"id": "zero", "text": "optimizer.zero_grad()"},
        {"id": "fwd", "text": "out = model(x)"},
        {"id": "loss", "text": "loss = f(out, y)"},
        {"id": "back", "text": "loss.backward()"},
        {"id": "step", "text": "optimizer.step()"},
        {
            "id": "eval",
            "text": "model.eval()",
            "distractor": True,
            "feedback": "Switches layers to inference.",
        },
    ],
    alternative_orders=[["fwd", "zero", "loss", "back", "step"]],
)


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        (["zero", "fwd", "loss", "back", "step"], 1.0),
        (["fwd", "zero", "loss", "back", "step"], 1.0),  # an alternative order
        (["zero", "fwd", "loss", "step", "back"], 0.8),  # two swapped: LCS 4 of 5
        (["zero", "fwd", "loss", "back", "step", "eval"], 5 / 6),  # a distractor costs credit
        (["zero", "fwd", "loss", "back"], 0.8),  # a missing step costs credit
        (["step", "back", "loss", "fwd", "zero"], 0.4),  # reversed; "fwd, zero" matches the alternative
    ],
)
def test_ordering_credit_is_the_longest_correct_subsequence(answer: list[str], score: float) -> None:
    outcome = grade(ORDERING, answer)
    assert outcome.score == pytest.approx(score)
    assert outcome.correct == (score == 1.0)


def test_ordering_explains_a_distractor_that_was_used() -> None:
    outcome = grade(ORDERING, ["zero", "fwd", "loss", "back", "step", "eval"])
    assert ("model.eval()", "Switches layers to inference.") in remarks(outcome, Role.YOUR_ANSWER)


def test_ordering_refuses_a_block_used_twice() -> None:
    with pytest.raises(AnswerError, match="only once"):
        grade(ORDERING, ["zero", "zero"])


def test_longest_common_subsequence() -> None:
    assert longest_common_subsequence(list("ABCBDAB"), list("BDCABA")) == 4
    assert longest_common_subsequence([], list("abc")) == 0


MATRIX = item(
    "matrix",
    answer=[[0, 1.5], [2, 0]],
    tolerance={"absolute": 0.01},
    misconceptions=[
        {
            "answer": [[-1, 1.5], [2, -3]],
            "feedback": "A ReLU passes no gradient where its input was negative.",
        }
    ],
)


def test_matrix_credit_is_per_cell_within_tolerance() -> None:
    assert grade(MATRIX, [[0, 1.505], [2, 0]]).correct
    assert grade(MATRIX, [[0, 1.5], [2, 7]]).score == 0.75


def test_matrix_recognises_a_known_wrong_grid() -> None:
    outcome = grade(MATRIX, [["-1", "1.5"], ["2", "-3"]])
    assert any("no gradient" in text for _, text in remarks(outcome, Role.YOUR_ANSWER))


def test_matrix_refuses_the_wrong_shape() -> None:
    with pytest.raises(AnswerError, match="2×2"):
        grade(MATRIX, [[1, 2, 3], [4, 5, 6]])
