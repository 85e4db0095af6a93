"""GIFT: each construct imports to an item that scores as Moodle's GIFT import defines it, syntax
errors point at their line and column, and our items export to GIFT Moodle grades the same way."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptest.bank import grade, load_bank, parse_item
from adaptest.bank.interop import Converted, ExportItem, Refused, SourceSyntaxError, import_file
from adaptest.bank.interop.gift import read, write
from adaptest.bank.kinds import GradableItem
from tests.bank.interop.probes import as_item, assert_the_shared_questions_score_as_moodle_scores_them, scores

GIFT_SYNTAX = "ab \\~=#{}:[]%*>-\n/"
"""Letters and every character GIFT gives a meaning to."""


def gift(tmp_path: Path, text: str) -> list[Converted | Refused]:
    path = tmp_path / "questions.gift"
    path.write_text(text, encoding="utf-8")
    return read(path)


def only(tmp_path: Path, text: str) -> Converted:
    [result] = gift(tmp_path, text)
    assert isinstance(result, Converted), result
    return result


def syntax_error(tmp_path: Path, text: str) -> SourceSyntaxError:
    with pytest.raises(SourceSyntaxError) as error:
        gift(tmp_path, text)
    return error.value


class TestText:
    def test_names_comments_escapes_and_general_feedback(self, tmp_path: Path) -> None:
        result = only(
            tmp_path,
            "// a comment line\n::Sets\\: braces::Is \\{1, 2\\} a set? 1 \\= 1 \\#1 \\~ ok{\n"
            "=Yes#Right\\: it is.\n~No#It is.\n####A set\\nof two.}\n",
        )
        assert result.origin == result.origin.__class__("Sets: braces", 2)
        assert result.data["stem"] == "Is {1, 2} a set? 1 = 1 #1 ~ ok"
        assert result.data["options"][0]["feedback"] == "Right: it is."
        assert result.data["explanation"] == "A set\nof two."

    def test_a_markdown_marker_keeps_the_text_and_an_html_one_converts_it(self, tmp_path: Path) -> None:
        results = gift(
            tmp_path,
            "::A::[markdown]Is `x` **bold**?{=yes#y ~no#n}\n\n"
            "::B::[html]<p>Is <em>this</em> it?</p>{=yes#y ~no#n}",
        )
        assert [r.data["stem"] for r in results if isinstance(r, Converted)] == [
            "Is `x` **bold**?",
            "Is *this* it?",
        ]

    def test_answers_inside_the_text_leave_a_blank(self, tmp_path: Path) -> None:
        result = only(tmp_path, "Dropout is {=on ~off} during training.")
        assert result.data["stem"] == "Dropout is _____ during training."

    def test_categories_and_tag_comments_become_tags(self, tmp_path: Path) -> None:
        result = only(tmp_path, "$CATEGORY: $course$/top/Week 2\n\n// [tag:easy]\n::Q::Yes?{T}")
        assert result.data["tags"] == ["category: Week 2", "easy"]


class TestChoice:
    def test_a_single_answer_with_weights_and_feedback(self, tmp_path: Path) -> None:
        result = only(tmp_path, "::Q::Pick.{=Right#r ~%50%Half#h ~Wrong#w}")
        target = as_item(result)
        assert target.kind == "single_choice"
        assert scores(target, ["a", "b", "c"]) == [1.0, 0.5, 0.0]
        assert [o.feedback for o in target.options] == ["r", "h", "w"]

    def test_a_multiple_answer_with_negative_weights_sums_within_zero_and_one(self, tmp_path: Path) -> None:
        target = as_item(only(tmp_path, "::Q::Pick all.{~%50%A#a ~%50%B#b ~%-100%C#c ~D#d}"))
        assert target.kind == "multiple_choice"
        assert scores(target, [["a"], ["a", "b"], ["a", "b", "c"], ["d"], ["a", "d"]]) == [
            0.5,
            1.0,
            0.0,
            0.0,
            0.5,
        ]

    def test_balanced_weights_need_no_weights_here(self, tmp_path: Path) -> None:
        result = only(tmp_path, "::Q::Pick all.{~%50%A#a ~%50%B#b ~%-50%C#c ~%-50%D#d}")
        assert all("weight" not in o for o in result.data["options"])

    def test_true_false_with_feedback_for_the_wrong_then_the_right_answer(self, tmp_path: Path) -> None:
        target = as_item(only(tmp_path, "::Q::The sky is green.{FALSE#Look up.#Indeed not.}"))
        assert [(o.text, o.correct, o.feedback) for o in target.options] == [
            ("True", False, "Look up."),
            ("False", True, "Indeed not."),
        ]
        assert scores(as_item(only(tmp_path, "::Q::Water is wet.{T}")), ["a", "b"]) == [1.0, 0.0]


def test_short_answers_with_partial_credit_and_wildcards(tmp_path: Path) -> None:
    target = as_item(only(tmp_path, "::Q::Name it.{=residual network =%50%res*#Which one? =%0%*net#No.}"))
    assert scores(target, ["Residual  network", "ResNeXt", "AlexNet", "VGG"]) == [1.0, 0.5, 0.0, 0.0]


class TestNumbers:
    def test_a_number_with_a_tolerance(self, tmp_path: Path) -> None:
        target = as_item(only(tmp_path, "::Q::How many?{#5:0.5}"))
        assert scores(target, [5.5, 4.5, 5.6]) == [1.0, 1.0, 0.0]

    def test_a_range_is_its_middle_with_half_its_width(self, tmp_path: Path) -> None:
        result = only(tmp_path, "::Q::Pick one from 1 to 5.{#1..5}")
        assert (result.data["answer"], result.data["tolerance"]) == (3.0, {"absolute": 2.0})
        assert scores(as_item(result), [1, 5, 0.99, 5.01]) == [1.0, 1.0, 0.0, 0.0]

    def test_several_answers_with_their_own_credit_and_tolerance(self, tmp_path: Path) -> None:
        target = as_item(only(tmp_path, "::Q::How many?{#=5:0 =%50%5:2#Close. =%0%50#Ten times.}"))
        assert scores(target, [5, 6.5, 3, 7.5, 50]) == [1.0, 0.5, 0.5, 0.0, 0.0]
        assert grade(target, 6.5).parts[0].remarks[0].text == "Close."

    def test_feedback_for_any_other_answer_is_a_loss(self, tmp_path: Path) -> None:
        result = only(tmp_path, "::Q::How many?{#5 ~#Count again.}")
        assert "feedback for any other answer" in result.losses


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("::M::Match.{=a -> b =c -> d}", "matching"),
        ("::E::Explain dropout.{}", "free_text rubric"),
        ("::D::Read this first.", "not a question"),
        ("::O::Order.{>\nA\nB\n}", "{>…}"),
    ],
)
def test_unsupported_questions_are_refused_with_name_line_and_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    [result] = gift(tmp_path, f"// header\n\n{text}\n")
    assert isinstance(result, Refused)
    assert result.origin.line == 3 and reason in result.reason


class TestAWholeFile:
    """A file as a teacher writes GIFT for Moodle (tests/bank/interop/data/gift/regularisation.gift)."""

    SOURCE = Path(__file__).parent / "data" / "gift" / "regularisation.gift"

    def test_the_import_reports_each_loss_and_refusal_with_its_line(self, tmp_path: Path) -> None:
        lines = import_file(read, self.SOURCE, tmp_path / "bank").lines("q.gift")
        assert lines[0] == "7 question(s) imported, 3 of them with a loss; 3 refused."
        assert [line.split(": lost ")[0] for line in lines[1:7]] == [
            "q.gift:5: dropout-at-test-time",
            "q.gift:5: dropout-at-test-time",
            "q.gift:23: kept-units",
            "q.gift:39: dropout-is-at-test-time",
            "q.gift:39: dropout-is-at-test-time",
            "q.gift:39: dropout-is-at-test-time",
        ]
        assert [line.split(": refused: ")[0] for line in lines[7:]] == [
            "q.gift:41: Match the regularisers",
            "q.gift:46: Explain dropout",
            "q.gift:48: Read this first",
        ]

    def test_the_imported_items_score_as_moodle_scores_them(self, tmp_path: Path) -> None:
        import_file(read, self.SOURCE, tmp_path / "bank")
        items = load_bank(tmp_path / "bank").items
        assert items["dropout-at-test-time"].stem == "What does `model.eval()` do to a **dropout** layer?"
        assert items["dropout-at-test-time"].tags == ["category: Deep learning/Regularisation", "dropout"]
        assert_the_shared_questions_score_as_moodle_scores_them(items)
        assert scores(items["keep-probability"], [0.5, 0.7, 0.9, 0.95]) == [1.0, 1.0, 1.0, 0.0]
        assert items["dropout-is-at-test-time"].stem == "Dropout is _____ at test time."


class TestSyntaxErrors:
    def test_an_unclosed_brace_points_at_the_brace(self, tmp_path: Path) -> None:
        error = syntax_error(tmp_path, "::Q1::Fine?{T}\n\n::Q2:: What is 2+2? {=4 ~3\n~5\n\n::Q3::Fine?{T}\n")
        assert (error.line, error.column) == (3, 21)
        assert "never closed" in error.message

    def test_a_bad_weight_points_at_the_weight(self, tmp_path: Path) -> None:
        error = syntax_error(tmp_path, "::Q::Pick.{\n  =One\n  ~%abc%Two\n}")
        assert (error.line, error.column) == (3, 4)

    def test_a_weight_beyond_one_hundred_percent_is_an_error(self, tmp_path: Path) -> None:
        assert syntax_error(tmp_path, "::Q::Pick.{~%150%A ~B}").column == 13

    def test_a_percent_sign_that_opens_no_weight_is_text_as_in_moodle(self, tmp_path: Path) -> None:
        result = only(tmp_path, "::Q::Pick.{=%5 off#a ~%d format#b}")
        assert [o["text"] for o in result.data["options"]] == ["%5 off", "%d format"]

    def test_a_bad_number_points_at_the_answer(self, tmp_path: Path) -> None:
        error = syntax_error(tmp_path, "::Q::How many?\n{#\n=five:1\n}")
        assert (error.line, error.column) == (3, 2)
        assert "'five' is not a number" in error.message

    def test_a_closing_brace_without_an_opening_one(self, tmp_path: Path) -> None:
        assert syntax_error(tmp_path, "::Q::Which set} is it?").column == 15

    def test_a_category_needs_a_blank_line_after_it(self, tmp_path: Path) -> None:
        error = syntax_error(tmp_path, "$CATEGORY: A\n::Q::Yes?{T}")
        assert (error.line, error.column) == (2, 1)

    def test_an_unclosed_name(self, tmp_path: Path) -> None:
        assert "not closed with ::" in syntax_error(tmp_path, "::Q Pick.{T}").message

    def test_a_file_that_is_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.gift"
        path.write_bytes("::Q::Caf\u00e9?{T}\n".encode("latin-1"))
        with pytest.raises(SourceSyntaxError, match="not UTF-8") as error:
            read(path)
        assert (error.value.line, error.value.column) == (1, 9)


class TestExport:
    @staticmethod
    def item(kind: str, **fields: Any) -> GradableItem:
        base = {
            "id": "q-1",
            "domain": "d",
            "skills": ["s"],
            "stem": "Is {x} = 1: yes?",
            "explanation": "Why #1.",
        }
        return parse_item({**base, "kind": kind, **fields})

    def test_texts_are_escaped_and_marked_as_markdown(self) -> None:
        options = [
            {"text": "[1, 2]", "correct": True, "feedback": "Line one\nline two"},
            {"text": "~b", "correct": False, "feedback": "b"},
            {"text": "%5 off", "correct": False, "feedback": "c"},
        ]
        content = write([ExportItem(self.item("single_choice", options=options))]).content.decode()
        assert content == (
            "$CATEGORY: $course$/top/d\n\n"  # the item's domain, as a Moodle category
            "::q-1::[markdown]Is \\{x\\} \\= 1\\: yes?{\n"
            "\t=[markdown][1, 2]#Line one\\nline two\n"
            "\t~\\~b#b\n"
            "\t~[markdown]%5 off#c\n"
            "\t####Why \\#1.\n"
            "}\n"
        )

    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            (
                {"kind": "single_choice", "figure": {"path": "figures/x.svg", "alt": "X"},
                 "options": [{"text": "A", "correct": True, "feedback": "a"},
                             {"text": "B", "correct": False, "feedback": "b"}]},
                "figure",
            ),
            ({"kind": "short_text", "accepted": ["NaN"], "case_sensitive": True}, "case-insensitive"),
            ({"kind": "ordering", "scoring": "position",
              "blocks": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}, "no ordering"),
            ({"kind": "short_text", "accepted": ["a -> b"]}, "matching"),
        ],
    )  # fmt: skip
    def test_what_gift_cannot_hold_is_skipped_with_the_reason(
        self, fields: dict[str, Any], reason: str
    ) -> None:
        kind = fields.pop("kind")
        export = write([ExportItem(self.item(kind, **fields))])
        assert export.written == [] and reason in export.skipped[0].reason

    def test_what_it_writes_reads_back_the_same(self, tmp_path: Path) -> None:
        options = [
            {"text": "[1, 2]", "correct": True, "feedback": "%50 of it"},
            {"text": "%5 off \\n", "correct": False, "feedback": "a\\{b} -> c"},
        ]
        original = self.item("single_choice", options=options, explanation="[x]\n\n    code")
        path = tmp_path / "out.gift"
        path.write_bytes(write([ExportItem(original)]).content)
        again = as_item(_read_one(path))
        assert again.model_dump(exclude={"id", "domain", "skills"}) == original.model_dump(
            exclude={"id", "domain", "skills"}
        ) | {"tags": ["category: d"]}

    @settings(max_examples=150, deadline=None)
    @given(
        texts=st.lists(st.text(alphabet=GIFT_SYNTAX, max_size=30), min_size=3, max_size=3, unique=True),
        accepted=st.text(alphabet=GIFT_SYNTAX.replace("\\", ""), max_size=20),
    )
    def test_any_text_survives_the_escapes(self, texts: list[str], accepted: str) -> None:
        texts = [f"x{t}x" for t in texts]  # our texts are trimmed: let them start and end with a letter
        options = [
            {"text": texts[0], "correct": True, "feedback": texts[1]},
            {"text": texts[1], "correct": False, "feedback": texts[2]},
        ]
        choice = self.item("single_choice", stem=texts[2], explanation=texts[0], options=options)
        short = self.item("short_text", id="s-1", accepted=[f"x{accepted}x"], explanation=texts[1])
        export = write([ExportItem(choice), ExportItem(short)])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "out.gift"
            path.write_bytes(export.content)
            back = {r.origin.name: as_item(r) for r in read(path) if isinstance(r, Converted)}
        assert set(back) == set(export.written)
        for original in (choice, short):
            if original.id in back:
                again = back[original.id]
                assert (again.stem, again.explanation, again.key_answer()) == (
                    original.stem,
                    original.explanation,
                    original.key_answer(),
                )
        assert [(o.text, o.feedback) for o in back["q-1"].options] == [  # type: ignore[attr-defined]
            (o["text"], o["feedback"]) for o in options
        ]

    def test_units_and_a_fixed_order_are_losses(self) -> None:
        options = [
            {"text": "A", "correct": True, "feedback": "a"},
            {"text": "B", "correct": False, "feedback": "b"},
        ]
        export = write(
            [
                ExportItem(self.item("numeric", id="n-1", answer=3, units="MB")),
                ExportItem(self.item("single_choice", options=options, shuffle=False)),
            ]
        )
        assert export.losses["n-1"] == ["units (“MB”): GIFT has no place for them"]
        assert "the fixed option order: GIFT cannot say “do not shuffle”" in export.losses["q-1"]


def _read_one(path: Path) -> Converted:
    [result] = read(path)
    assert isinstance(result, Converted), result
    return result
