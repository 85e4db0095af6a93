"""Moodle's question model, shared by Moodle XML and GIFT: its scoring rules, both ways."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adaptest.bank import grade, parse_item
from adaptest.bank.interop.answers import (
    MAX_EXPANSIONS,
    NO_EXPLANATION,
    NO_OPTION_FEEDBACK,
    Answer,
    CannotExport,
    Question,
    category_tag,
    from_bank,
    is_balanced,
    literal_text,
    percent,
    snap,
    to_bank,
)
from adaptest.bank.interop.model import Converted, Refused
from adaptest.bank.interop.patterns import expand_pattern
from adaptest.bank.kinds import GradableItem
from adaptest.bank.kinds.text import normalise


def item(kind: str, **fields: Any) -> GradableItem:
    base = {"id": "q", "domain": "d", "skills": ["s"], "stem": "Q?", "explanation": "Because."}
    return parse_item({**base, "kind": kind, **fields})


def imported(question: Question) -> GradableItem:
    result = to_bank(question)
    assert isinstance(result, Converted), result
    return parse_item({"id": "q", "domain": "d", "skills": ["s"], **result.data})


def refusal(question: Question) -> str:
    result = to_bank(question)
    assert isinstance(result, Refused), result
    return result.reason


def choice(*answers: tuple[str, float], single: bool = True) -> Question:
    return Question(
        "Pick",
        "multichoice",
        "Pick one.",
        general_feedback="Why.",
        single=single,
        answers=[Answer(text, fraction, f"About {text}.") for text, fraction in answers],
    )


def _field(name: str) -> dict[str, Any]:
    return {"name": name, "label": name, "answer": 1}


def score(target: GradableItem, answer: object) -> float:
    return grade(target, answer).score


class TestNumbers:
    @pytest.mark.parametrize(
        ("written", "meant"),
        [
            (0.3333333, 1 / 3),
            (-0.3333333, -1 / 3),
            (0.6666667, 2 / 3),
            (0.1428571, 1 / 7),
            (0.12345, 0.12345),
        ],
    )
    def test_moodle_s_rounded_fractions_snap_to_the_fraction_they_stand_for(
        self, written: float, meant: float
    ) -> None:
        assert snap(written) == meant

    def test_percentages_are_written_with_seven_decimals_and_no_trailing_zeros(self) -> None:
        assert [percent(f) for f in (1, 0.5, 1 / 3, -1 / 6, 0)] == [
            "100",
            "50",
            "33.3333333",
            "-16.6666667",
            "0",
        ]

    def test_balanced_grades_are_plus_one_over_k_and_minus_one_over_m(self) -> None:
        assert is_balanced([0.5, 0.5, -1 / 3, -1 / 3, -1 / 3])
        assert not is_balanced([0.5, 0.5, -0.5, 0])
        assert not is_balanced([0.5, 0.5])

    def test_a_category_path_becomes_a_tag_without_its_top(self) -> None:
        assert category_tag("$course$/top/Week 1/Dropout") == "category: Week 1/Dropout"
        assert category_tag("$course$/A/B") == "category: A/B"
        assert category_tag("$system$/top") is None

    def test_a_short_answer_loses_its_wildcards_but_keeps_escaped_asterisks(self) -> None:
        assert literal_text("*drop\\*out*") == "drop*out"


class TestChoiceImport:
    def test_a_single_choice_with_partial_credit_scores_each_answer_s_fraction(self) -> None:
        imported_item = imported(choice(("Right", 1), ("Half", 0.5), ("Wrong", 0)))
        assert [score(imported_item, o.id) for o in imported_item.options] == [1.0, 0.5, 0.0]

    def test_a_negative_single_choice_fraction_floors_at_zero_and_says_so(self) -> None:
        result = to_bank(choice(("Right", 1), ("Costly", -0.5)))
        assert isinstance(result, Converted)
        assert any("negative mark floors at 0" in loss for loss in result.losses)
        assert score(imported(choice(("Right", 1), ("Costly", -0.5))), "b") == 0.0

    def test_a_single_choice_needs_exactly_one_full_marks_answer(self) -> None:
        assert "exactly one key" in refusal(choice(("A", 1), ("B", 1)))
        assert "no answer gives full marks" in refusal(choice(("A", 0.5), ("B", 0)))

    def test_balanced_multiple_answers_need_no_weights(self) -> None:
        question = choice(("A", 0.5), ("B", 0.5), ("C", -0.5), ("D", -0.5), single=False)
        result = to_bank(question)
        assert isinstance(result, Converted)
        assert all("weight" not in o for o in result.data["options"])
        target = imported(question)
        assert [score(target, a) for a in (["a"], ["a", "b"], ["a", "c"], ["a", "b", "c", "d"])] == [
            0.5,
            1,
            0,
            0,
        ]

    def test_other_multiple_answer_grades_become_weights_summed_within_zero_and_one(self) -> None:
        target = imported(choice(("A", 0.6), ("B", 0.6), ("C", -1), ("D", 0), single=False))
        assert [score(target, a) for a in (["a"], ["a", "b"], ["a", "c"], ["d"])] == [0.6, 1.0, 0.0, 0.0]

    def test_three_thirds_written_by_moodle_reach_full_marks(self) -> None:
        thirds = choice(("A", 0.3333333), ("B", 0.3333333), ("C", 0.3333333), ("D", -1), single=False)
        target = imported(thirds)
        assert grade(target, ["a", "b", "c"]).correct and score(target, ["a", "b", "c"]) == 1.0

    def test_multiple_answers_that_cannot_reach_full_marks_are_refused(self) -> None:
        assert "add up to 99.99 %" in refusal(
            choice(("A", 0.3333), ("B", 0.3333), ("C", 0.3333), ("D", 0), single=False)
        )

    def test_missing_feedback_and_general_feedback_get_placeholders_and_losses(self) -> None:
        question = choice(("A", 1), ("B", 0))
        question.answers[1] = Answer("B", 0)
        question.general_feedback = ""
        result = to_bank(question)
        assert isinstance(result, Converted)
        assert result.data["options"][1]["feedback"] == NO_OPTION_FEEDBACK
        assert result.data["explanation"] == NO_EXPLANATION
        assert "no feedback on answer 2" in result.losses
        assert "no explanation (general feedback): a placeholder was written" in result.losses


class TestNumericalImport:
    @staticmethod
    def numerical(*answers: Answer) -> Question:
        return Question("N", "numerical", "How many?", general_feedback="Count.", answers=list(answers))

    def test_answers_keep_their_own_tolerance_and_credit_in_file_order(self) -> None:
        target = imported(
            self.numerical(
                Answer("5", 1, tolerance=0),
                Answer("5", 0.5, "Close.", tolerance=2),
                Answer("50", 0, "Ten times.", tolerance=1),
            )
        )
        assert [score(target, x) for x in (5, 4, 7.5, 50.5, 20)] == [1.0, 0.5, 0.0, 0.0, 0.0]

    def test_a_later_full_marks_answer_is_an_alternative_key(self) -> None:
        target = imported(
            self.numerical(Answer("10", 1, tolerance=0.5), Answer("20", 1, "Also.", tolerance=2))
        )
        assert (score(target, 10.4), score(target, 21.9), score(target, 15)) == (1.0, 1.0, 0.0)

    def test_a_lower_answer_overlapping_a_later_key_is_refused(self) -> None:
        reason = refusal(self.numerical(Answer("5", 0.5, "Near.", tolerance=2), Answer("6", 1, tolerance=0)))
        assert "overlap" in reason

    def test_any_other_answer_feedback_is_a_loss_and_full_credit_for_it_is_refused(self) -> None:
        result = to_bank(self.numerical(Answer("5", 1), Answer("*", 0, "Try again.")))
        assert isinstance(result, Converted) and "feedback for any other answer" in result.losses
        assert "any other answer" in refusal(self.numerical(Answer("5", 1), Answer("*", 0.5)))

    def test_a_graded_unit_is_refused_and_extra_units_are_losses(self) -> None:
        question = self.numerical(Answer("5", 1))
        question.units = [("m", 1), ("cm", 100)]
        result = to_bank(question)
        assert isinstance(result, Converted) and result.data["units"] == "m"
        assert any(loss.startswith("unit cm (×100)") for loss in result.losses)
        question.unit_graded = True
        assert "unit is graded" in refusal(question)


class TestPartlyCreditedBandAroundTheKey:
    """The numeric kind takes Moodle's ``{#=5:0 =%50%5:2}``: a misconception with its own tolerance may
    surround the key (the key wins inside its own range); one the key covers whole is still an error."""

    def test_a_wider_band_around_the_key_is_a_valid_item(self) -> None:
        band = [{"value": 5, "feedback": "Close.", "score": 0.5, "tolerance": {"absolute": 2}}]
        target = item("numeric", answer=5, misconceptions=band)
        assert not target.problems()
        assert [score(target, x) for x in (5, 6, 8)] == [1.0, 0.5, 0.0]

    def test_a_band_the_key_accepts_whole_is_still_refused(self) -> None:
        band = [{"value": 5.1, "feedback": "Close.", "tolerance": {"absolute": 0.1}}]
        target = item("numeric", answer=5, tolerance={"absolute": 1}, misconceptions=band)
        assert "accepted as correct" in target.problems()[0][1]

    def test_without_its_own_tolerance_a_misconception_inside_the_key_is_refused(self) -> None:
        target = item(
            "numeric", answer=5, tolerance={"absolute": 1}, misconceptions=[{"value": 5.5, "feedback": "x"}]
        )
        assert target.problems()


class TestShortAnswerImport:
    @staticmethod
    def short(*answers: Answer, case_sensitive: bool = False) -> Question:
        question = Question("S", "shortanswer", "Name it.", general_feedback="It is.", answers=list(answers))
        question.case_sensitive = case_sensitive
        return question

    def test_the_first_matching_answer_wins_with_its_credit(self) -> None:
        target = imported(
            self.short(Answer("resnet", 1), Answer("res*", 0.5, "Which one?"), Answer("*net", 0.25))
        )
        assert [score(target, x) for x in ("ResNet", "resnext", "alexnet", "vgg")] == [1.0, 0.5, 0.25, 0.0]
        assert target.key_answer() == "resnet"

    def test_case_is_kept_when_moodle_uses_it(self) -> None:
        target = imported(self.short(Answer("NaN", 1), case_sensitive=True))
        assert (score(target, "NaN"), score(target, "nan")) == (1.0, 0.0)

    def test_a_key_caught_first_by_a_lower_answer_is_refused(self) -> None:
        assert "caught by an earlier answer" in refusal(self.short(Answer("*net", 0.5), Answer("resnet", 1)))

    def test_a_question_without_a_full_marks_answer_is_refused(self) -> None:
        assert "no answer gives full marks" in refusal(self.short(Answer("resnet", 0.5)))


class TestOrderingImport:
    @staticmethod
    def ordering(grading: str, shows_all: bool = True) -> Question:
        answers = [Answer(text, 1) for text in ("one", "two", "three", "four")]
        question = Question("O", "ordering", "Order.", general_feedback="So.", answers=answers)
        question.order_grading, question.order_shows_all = grading, shows_all
        return question

    @pytest.mark.parametrize(
        ("grading", "expected"),
        [("ALL_OR_NOTHING", 0.0), ("ABSOLUTE_POSITION", 0.5), ("LONGEST_ORDERED_SUBSET", 0.75)],
    )
    def test_each_grading_type_scores_as_moodle(self, grading: str, expected: float) -> None:
        target = imported(self.ordering(grading))
        assert score(target, ["b2", "b1", "b3", "b4"]) == expected
        assert score(target, ["b1", "b2", "b3", "b4"]) == 1.0

    def test_the_longest_subset_of_one_item_is_a_stated_loss(self) -> None:
        result = to_bank(self.ordering("LONGEST_ORDERED_SUBSET"))
        assert isinstance(result, Converted) and any("1/n" in loss for loss in result.losses)

    def test_relative_grading_and_random_subsets_are_refused(self) -> None:
        assert "RELATIVE_NEXT_EXCLUDE_LAST" in refusal(self.ordering("RELATIVE_NEXT_EXCLUDE_LAST"))
        assert "random subset" in refusal(self.ordering("ALL_OR_NOTHING", shows_all=False))


@pytest.mark.parametrize(
    ("qtype", "words"),
    [
        ("match", "matching"),
        ("essay", "write a free_text rubric"),
        ("description", "not a question"),
        ("multianswer", "cloze"),
        ("calculated", "calculated"),
        ("ddwtos", "drag-and-drop"),
        ("gapselect", "missing words"),
        ("random", "random question"),
        ("qtype_stack", "'qtype_stack'"),
    ],
)
def test_question_types_without_a_faithful_kind_are_refused_with_a_reason(qtype: str, words: str) -> None:
    assert words in refusal(Question("X", qtype, "Text."))


class TestExport:
    def test_a_single_choice_negative_weight_is_written_as_zero_with_a_loss(self) -> None:
        target = item(
            "single_choice",
            options=[
                {"text": "A", "correct": True, "feedback": "x", "weight": 1},
                {"text": "B", "correct": False, "feedback": "y", "weight": -0.5},
            ],
        )
        question, losses = from_bank(target, None)
        assert [a.fraction for a in question.answers] == [1.0, 0.0]
        assert any("negative weight" in loss for loss in losses)

    def test_the_balanced_rule_is_written_as_plus_and_minus_fractions(self) -> None:
        options = [{"text": t, "correct": t in "AB", "feedback": "f"} for t in "ABCD"]
        question, _ = from_bank(item("multiple_choice", options=options), None)
        assert [a.fraction for a in question.answers] == [0.5, 0.5, -0.5, -0.5]

    def test_weights_that_do_not_add_up_to_one_hundred_percent_are_skipped(self) -> None:
        options = [
            {"text": "A", "correct": True, "feedback": "f", "weight": 0.7},
            {"text": "B", "correct": True, "feedback": "f", "weight": 0.7},
            {"text": "C", "correct": False, "feedback": "f", "weight": -1},
        ]
        with pytest.raises(CannotExport, match="140 %"):
            from_bank(item("multiple_choice", options=options), None)

    def test_numeric_answers_keep_our_order_and_our_bounds(self) -> None:
        target = item(
            "numeric",
            answer=600,
            tolerance={"relative": 0.02},
            alternative_keys=[{"value": 700, "explanation": "Also."}],
            misconceptions=[{"value": 200, "feedback": "Weights only.", "score": 0.25}],
        )
        question, _ = from_bank(target, None)
        assert [(a.text, a.fraction, a.tolerance) for a in question.answers] == [
            ("600", 1.0, 12.0),
            ("700", 1.0, 14.0),
            ("200", 0.25, 4.0),
        ]

    def test_a_pattern_is_written_as_every_answer_it_accepts(self) -> None:
        target = item("short_text", accepted=["dropout"], patterns=["drop[- ]?out"])
        question, _ = from_bank(target, None)
        assert [a.text for a in question.answers] == ["dropout", "drop out", "drop-out"]

    def test_an_unbounded_pattern_is_skipped(self) -> None:
        with pytest.raises(CannotExport, match="cannot list"):
            from_bank(item("short_text", accepted=["detach"], patterns=[r"\w*detach"]), None)

    def test_keywords_become_zero_credit_wildcard_answers_after_the_right_ones(self) -> None:
        target = item(
            "short_text",
            accepted=["dropout"],
            keywords=[
                {"match": ["decay"], "feedback": "That is weight decay."},
                {"match": ["l2"], "feedback": "L2."},
            ],
        )
        question, losses = from_bank(target, None)
        assert [(a.text, a.fraction, a.feedback) for a in question.answers[1:]] == [
            ("*decay*", 0.0, "That is weight decay."),
            ("*l2*", 0.0, "L2."),
        ]
        assert any("first matching keyword" in loss for loss in losses)

    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            ({"kind": "ordering", "blocks": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}, "longest"),
            ({"kind": "matrix", "answer": [[1]]}, "grid"),
            ({"kind": "numeric_tuple", "fields": [_field("a"), _field("b")]}, "several named numbers"),
        ],
    )
    def test_kinds_moodle_cannot_grade_alike_are_skipped_with_the_reason(
        self, fields: dict[str, Any], reason: str
    ) -> None:
        kind = fields.pop("kind")
        with pytest.raises(CannotExport, match=reason):
            from_bank(item(kind, **fields), None)

    def test_option_ids_other_than_letters_are_a_loss(self) -> None:
        options = [{"id": "relu", "text": "A", "correct": True, "feedback": "f"}]
        options += [{"id": "tanh", "text": "B", "correct": False, "feedback": "f"}]
        assert (
            "option ids (answers come back lettered a, b, c, …)"
            in from_bank(item("single_choice", options=options), None)[1]
        )

    def test_i_dont_know_yet_feedback_is_a_loss(self) -> None:
        target = item("numeric", answer=1, dont_know_feedback="Study counting.")
        assert "“I don't know yet” feedback" in from_bank(target, None)[1]


class TestPatternExpansion:
    @pytest.mark.parametrize(
        "pattern",
        [
            r"drop[- ]?out",
            r"(partial |a )?mode[- ]?collapse",
            r"b(rain)?[ -]?float[ -]?(16)?",
            r"(torch\.)?use_det(\(\s*(mode\s*=\s*)?true\s*\))?",
            r"^gap$",
            r"x{1,3}y",
            r"(?!bad)[a-c]{2}",
        ],
    )
    def test_the_listed_answers_are_exactly_those_the_pattern_accepts(self, pattern: str) -> None:
        listed = expand_pattern(pattern, case_sensitive=False, limit=MAX_EXPANSIONS)
        assert listed
        accepted = {normalise(text) for text in listed}
        for probe in _near(listed):
            given = normalise(probe)
            assert bool(re.fullmatch(pattern, given, re.IGNORECASE)) == (given in accepted), probe

    @pytest.mark.parametrize("pattern", [r"\w+", r"a.b", r"[^x]y", r"a+", r"\d", r"(?i:a)b", r"(a|b){9}"])
    def test_patterns_with_too_many_answers_are_not_listed(self, pattern: str) -> None:
        assert expand_pattern(pattern, case_sensitive=True, limit=MAX_EXPANSIONS) is None

    def test_case_sensitive_patterns_list_their_own_case_only(self) -> None:
        assert expand_pattern("N(aN)?", case_sensitive=True, limit=MAX_EXPANSIONS) == ["N", "NaN"]


def _near(texts: list[str]) -> list[str]:
    """The texts and small edits of them: a character dropped, doubled, or swapped for another."""
    near = list(texts)
    for text in texts:
        for i in range(len(text)):
            near += [
                text[:i] + text[i + 1 :],
                text[:i] + text[i] * 2 + text[i:],
                text[:i] + "x" + text[i + 1 :],
            ]
        near += [text.upper(), f" {text}  ", text.replace(" ", "  ")]
    return near
