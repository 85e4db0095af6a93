"""The scoring rules the kinds grew so that Moodle, GIFT and QTI questions keep their grading."""

from __future__ import annotations

from typing import Any

import pytest

from adaptest.bank import grade, parse_item
from adaptest.bank.kinds.base import GradableItem
from adaptest.bank.loader import item_content_hash

COMMON = {"domain": "d", "skills": ["s"], "stem": "Q?", "explanation": "Because of the rule."}


def item(kind: str, **fields: Any) -> GradableItem:
    return parse_item({"id": "t", "kind": kind, **COMMON, **fields})


def weighted(text: str, weight: float, correct: bool | None = None) -> dict[str, Any]:
    return {
        "text": text,
        "weight": weight,
        "correct": weight > 0 if correct is None else correct,
        "feedback": f"On {text}.",
    }


def score(target: GradableItem, answer: object) -> float:
    return grade(target, answer).score


class TestWeightedSelectAll:
    """Moodle's multiple-answer grading: the chosen options' weights summed, kept within [0, 1]."""

    MOODLE = item(
        "multiple_choice",
        options=[weighted("A", 0.5), weighted("B", 0.5), weighted("C", -0.5), weighted("D", -0.5)],
    )

    @pytest.mark.parametrize(
        ("chosen", "expected"),
        [
            (["a", "b"], 1.0),
            (["a"], 0.5),
            (["a", "c"], 0.0),
            (["a", "b", "c"], 0.5),
            (["c", "d"], 0.0),
            ([], 0.0),
        ],
    )
    def test_it_sums_the_chosen_weights_and_never_goes_below_zero(
        self, chosen: list[str], expected: float
    ) -> None:
        assert score(self.MOODLE, chosen) == pytest.approx(expected)

    def test_only_full_marks_count_as_correct(self) -> None:
        assert grade(self.MOODLE, ["a", "b"]).correct
        assert not grade(self.MOODLE, ["a", "b", "c"]).correct

    def test_thirds_imported_as_rounded_percentages_still_reach_full_marks(self) -> None:
        thirds = item(
            "multiple_choice",
            options=[
                weighted("A", 0.3333333),
                weighted("B", 0.3333333),
                weighted("C", 0.3333333),
                weighted("D", -1),
            ],
        )
        assert grade(thirds, ["a", "b", "c"]).correct

    def test_a_total_above_one_is_capped_at_full_marks(self) -> None:
        capped = item("multiple_choice", options=[weighted("A", 1), weighted("B", 1), weighted("C", -1)])
        assert score(capped, ["a", "b"]) == 1.0

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            (
                [weighted("A", 0.5), weighted("B", 0.5), {"text": "C", "correct": False, "feedback": "x"}],
                "every option a weight",
            ),
            ([weighted("A", 0.5), weighted("B", 0.25), weighted("C", -1)], "add up to at least 1"),
            (
                [weighted("A", 1), weighted("B", -0.5, correct=True)],
                "correct exactly when its weight is above 0",
            ),
        ],
    )
    def test_inconsistent_weights_are_refused(self, options: list[dict[str, Any]], message: str) -> None:
        problems = item("multiple_choice", options=options).problems()
        assert any(message in text for _, text in problems), problems


class TestWeightedSingleChoice:
    PARTIAL = item(
        "single_choice",
        options=[weighted("A", 1), weighted("B", 0.5, correct=False), weighted("C", -0.25, correct=False)],
    )

    def test_the_chosen_option_scores_its_weight(self) -> None:
        assert (score(self.PARTIAL, "a"), score(self.PARTIAL, "b"), score(self.PARTIAL, "c")) == (
            1.0,
            0.5,
            0.0,
        )
        assert not grade(self.PARTIAL, "b").correct

    def test_the_correct_option_must_weigh_one(self) -> None:
        bad = item(
            "single_choice", options=[weighted("A", 0.5, correct=True), weighted("B", 0, correct=False)]
        )
        assert any("weighs 1" in text for _, text in bad.problems())


class TestGradedShortAnswers:
    """Moodle's short answers: the first matching answer in order gives its grade and feedback."""

    ITEM = item(
        "short_text",
        accepted=["ResNet"],
        graded=[
            {"text": "resnet", "score": 1, "feedback": "Yes: residual connections."},
            {"text": "res*", "score": 0.5, "feedback": "Half right: which residual network?"},
            {"text": "*net*", "score": 0.25},
        ],
    )

    @pytest.mark.parametrize(
        ("answer", "expected"),
        [("ResNet", 1.0), ("resnext", 0.5), ("densenet", 0.25), ("  RESNET ", 1.0), ("vgg", 0.0)],
    )
    def test_the_first_matching_answer_scores(self, answer: str, expected: float) -> None:
        assert score(self.ITEM, answer) == expected

    def test_the_matching_answers_feedback_is_shown(self) -> None:
        texts = [r.text for part in grade(self.ITEM, "resnext").parts for r in part.remarks]
        assert "Half right: which residual network?" in texts

    def test_a_case_sensitive_answer_refuses_other_cases(self) -> None:
        strict = item("short_text", accepted=["NaN"], case_sensitive=True)
        assert (score(strict, "NaN"), score(strict, "nan")) == (1.0, 0.0)

    def test_an_escaped_asterisk_is_a_literal_asterisk(self) -> None:
        star = item("short_text", accepted=["a*b"], graded=[{"text": "a\\*b", "score": 1}])
        assert (score(star, "a*b"), score(star, "axb")) == (1.0, 0.0)

    def test_a_key_caught_by_an_earlier_lower_answer_is_refused(self) -> None:
        shadowed = item("short_text", accepted=["resnet"], graded=[{"text": "*net", "score": 0.5}])
        assert any("scores it 0.5" in text for _, text in shadowed.problems())


class TestPartlyCreditedNumbers:
    ITEM = item(
        "numeric",
        answer=10,
        tolerance={"absolute": 0.5},
        alternative_keys=[{"value": 20, "explanation": "Counting both.", "tolerance": {"absolute": 2}}],
        misconceptions=[{"value": 5, "score": 0.5, "feedback": "Half of it.", "tolerance": {"absolute": 1}}],
    )

    @pytest.mark.parametrize(
        ("answer", "expected"), [(10.4, 1.0), (21.9, 1.0), (5.9, 0.5), (6.1, 0.0), (4.2, 0.5)]
    )
    def test_each_answer_uses_its_own_tolerance_and_credit(self, answer: float, expected: float) -> None:
        assert score(self.ITEM, answer) == expected

    def test_partial_credit_is_not_called_correct(self) -> None:
        assert not grade(self.ITEM, 5).correct


class TestOrderScoring:
    BLOCKS = [{"id": x, "text": x.upper()} for x in "abcd"]

    @pytest.mark.parametrize(
        ("scoring", "answer", "expected"),
        [
            ("subsequence", ["b", "a", "c", "d"], 0.75),
            ("position", ["b", "a", "c", "d"], 0.5),
            ("position", ["a", "b", "c"], 0.75),
            ("all_or_nothing", ["b", "a", "c", "d"], 0.0),
            ("all_or_nothing", ["a", "b", "c", "d"], 1.0),
        ],
    )
    def test_each_scoring_rule(self, scoring: str, answer: list[str], expected: float) -> None:
        assert score(item("ordering", blocks=self.BLOCKS, scoring=scoring), answer) == expected


def test_a_field_left_at_its_default_does_not_change_the_content_hash() -> None:
    plain = item("short_text", accepted=["x"])
    explicit = item("short_text", accepted=["x"], graded=[], case_sensitive=False)
    assert item_content_hash(plain, None) == item_content_hash(explicit, None)
    assert item_content_hash(plain, None) != item_content_hash(
        item("short_text", accepted=["x"], case_sensitive=True), None
    )
