"""Moodle XML: each construct imports to an item that scores as Moodle scores it; our items export to
questions Moodle grades the same way, or are skipped with the reason."""

from __future__ import annotations

import base64
import io
import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from adaptest.bank import grade, load_bank, parse_item
from adaptest.bank.interop import Converted, ExportItem, Refused, SourceSyntaxError, import_file
from adaptest.bank.interop.moodle import read, write
from adaptest.bank.kinds import GradableItem
from adaptest.bank.loader import Bank
from tests.bank.interop.probes import as_item, assert_the_shared_questions_score_as_moodle_scores_them, scores

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


def quiz(tmp_path: Path, questions: str) -> Path:
    path = tmp_path / "quiz.xml"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{questions}\n</quiz>\n', encoding="utf-8"
    )
    return path


def question(qtype: str, body: str, name: str = "Q1", text: str = "What?", fmt: str = "html") -> str:
    return f"""<question type="{qtype}">
  <name><text>{name}</text></name>
  <questiontext format="{fmt}"><text><![CDATA[{text}]]></text></questiontext>
  <generalfeedback format="{fmt}"><text>Because.</text></generalfeedback>
  {body}
</question>"""


def answer(fraction: float, text: str, feedback: str = "", extra: str = "") -> str:
    feedback_xml = f"<feedback><text>{feedback}</text></feedback>" if feedback else ""
    return f'<answer fraction="{fraction}"><text>{text}</text>{feedback_xml}{extra}</answer>'


def only(tmp_path: Path, questions: str) -> Converted:
    [result] = read(quiz(tmp_path, questions))
    assert isinstance(result, Converted), result
    return result


class TestMultichoice:
    def test_a_single_answer_question_scores_each_answer_s_fraction(self, tmp_path: Path) -> None:
        body = "<single>true</single>" + "".join(
            answer(f, t, "fb") for f, t in [(100, "Right"), (50, "Half right"), (0, "Wrong")]
        )
        target = as_item(only(tmp_path, question("multichoice", body)))
        assert target.kind == "single_choice"
        assert scores(target, ["a", "b", "c"]) == [1.0, 0.5, 0.0]

    def test_a_multi_answer_question_with_minus_fifty_percent_wrong_choices(self, tmp_path: Path) -> None:
        body = "<single>false</single>" + "".join(
            answer(f, t, f"On {t}.") for f, t in [(50, "A"), (50, "B"), (-50, "C"), (-50, "D")]
        )
        result = only(tmp_path, question("multichoice", body))
        target = as_item(result)
        assert target.kind == "multiple_choice"
        assert scores(target, [["a"], ["a", "b"], ["a", "c"], ["a", "b", "c"], ["c"], []]) == [
            0.5,
            1.0,
            0.0,
            0.5,
            0.0,
            0.0,
        ]
        assert [o.feedback for o in target.options] == ["On A.", "On B.", "On C.", "On D."]

    def test_html_becomes_markdown_and_shuffling_is_kept(self, tmp_path: Path) -> None:
        body = (
            "<single>true</single><shuffleanswers>0</shuffleanswers>"
            + answer(100, "Yes", "y")
            + answer(0, "No", "n")
        )
        result = only(tmp_path, question("multichoice", body, text="<p>Is <strong>dropout</strong> on?</p>"))
        assert result.data["stem"] == "Is **dropout** on?"
        assert result.data["shuffle"] is False

    def test_markdown_texts_are_kept_as_they_are(self, tmp_path: Path) -> None:
        body = answer(100, "`x`", "y") + answer(0, "`y`", "n")
        result = only(tmp_path, question("multichoice", body, text="Is `x` *it*?", fmt="markdown"))
        assert result.data["stem"] == "Is `x` *it*?"
        assert result.data["options"][0]["text"] == "`x`"


def test_true_false_becomes_a_single_choice_with_each_answer_s_feedback(tmp_path: Path) -> None:
    body = answer(0, "true", "No, it is false.") + answer(100, "false", "Right, false.")
    target = as_item(only(tmp_path, question("truefalse", body)))
    assert [(o.text, o.correct, o.feedback) for o in target.options] == [
        ("True", False, "No, it is false."),
        ("False", True, "Right, false."),
    ]
    assert scores(target, ["a", "b"]) == [0.0, 1.0]


class TestNumerical:
    def test_several_answers_with_tolerances_and_partial_credit(self, tmp_path: Path) -> None:
        body = (
            answer(100, "600", extra="<tolerance>12</tolerance>")
            + answer(50, "600", "Close.", extra="<tolerance>60</tolerance>")
            + answer(0, "200", "Weights only.", extra="<tolerance>4</tolerance>")
            + "<units><unit><multiplier>1</multiplier><unit_name>MB</unit_name></unit></units>"
        )
        result = only(tmp_path, question("numerical", body))
        target = as_item(result)
        assert scores(target, [610, 650, 500, 203, 300]) == [1.0, 0.5, 0.0, 0.0, 0.0]
        assert result.data["units"] == "MB"
        assert grade(target, 203).parts[0].remarks[0].text == "Weights only."

    def test_a_graded_unit_is_refused_with_its_line(self, tmp_path: Path) -> None:
        body = answer(100, "5") + "<unitgradingtype>1</unitgradingtype><showunits>0</showunits>"
        [result] = read(quiz(tmp_path, question("numerical", body)))
        assert isinstance(result, Refused) and result.origin.line == 3
        assert "unit is graded" in result.reason


class TestShortAnswer:
    def test_wildcards_and_partial_credit_first_match_wins(self, tmp_path: Path) -> None:
        body = (
            "<usecase>0</usecase>"
            + answer(100, "residual network")
            + answer(50, "res*", "Which one?")
            + answer(0, "*", "Not that.")
        )
        target = as_item(only(tmp_path, question("shortanswer", body)))
        assert scores(target, ["Residual Network", "ResNeXt", "VGG"]) == [1.0, 0.5, 0.0]

    def test_use_case_makes_the_answer_case_sensitive(self, tmp_path: Path) -> None:
        target = as_item(only(tmp_path, question("shortanswer", "<usecase>1</usecase>" + answer(100, "NaN"))))
        assert scores(target, ["NaN", "nan"]) == [1.0, 0.0]


class TestOrdering:
    @staticmethod
    def ordering(grading: str, select: str = "<selecttype>ALL</selecttype>") -> str:
        items = "".join(
            f'<answer fraction="{n}" format="plain_text"><text>{t}</text></answer>'
            for n, t in enumerate("ABCD", 1)
        )
        return question("ordering", f"{select}<gradingtype>{grading}</gradingtype>{items}")

    @pytest.mark.parametrize(
        ("grading", "expected"),
        [
            ("ALL_OR_NOTHING", 0.0),
            ("-1", 0.0),
            ("ABSOLUTE_POSITION", 0.5),
            ("0", 0.5),
            ("LONGEST_ORDERED_SUBSET", 0.75),
        ],
    )
    def test_grading_types_score_as_moodle(self, tmp_path: Path, grading: str, expected: float) -> None:
        target = as_item(only(tmp_path, self.ordering(grading)))
        assert scores(target, [["b2", "b1", "b3", "b4"], ["b1", "b2", "b3", "b4"]]) == [expected, 1.0]

    def test_a_random_subset_of_all_the_items_is_all_of_them(self, tmp_path: Path) -> None:
        select = "<selecttype>RANDOM</selecttype><selectcount>4</selectcount>"
        assert only(tmp_path, self.ordering("ALL_OR_NOTHING", select)).data["scoring"] == "all_or_nothing"

    def test_relative_grading_is_refused(self, tmp_path: Path) -> None:
        [result] = read(quiz(tmp_path, self.ordering("RELATIVE_NEXT_INCLUDE_LAST")))
        assert isinstance(result, Refused) and "RELATIVE_NEXT_INCLUDE_LAST" in result.reason


def test_unsupported_types_are_refused_with_name_line_and_reason(tmp_path: Path) -> None:
    questions = (
        "\n".join(
            [
                question(
                    "matching",
                    "<subquestion><text>a</text><answer><text>b</text></answer></subquestion>",
                    "M",
                ),
                question("essay", "", "E"),
                question("cloze", "", "C"),
                question("calculated", "", "K"),
            ]
        )
        .replace('type="matching"', 'type="match"')
        .replace('type="cloze"', 'type="multianswer"')
    )
    results = read(quiz(tmp_path, questions))
    assert all(isinstance(r, Refused) for r in results)
    assert [(r.origin.name, r.origin.line) for r in results] == [("M", 3), ("E", 9), ("C", 15), ("K", 21)]
    assert "free_text rubric" in results[1].reason


def test_hints_and_an_author_s_combined_feedback_are_losses(tmp_path: Path) -> None:
    body = (
        answer(100, "Yes", "y")
        + answer(0, "No", "n")
        + "<correctfeedback><text>Your answer is correct.</text></correctfeedback>"
        + "<incorrectfeedback><text><![CDATA[<p>Revise chapter 3.</p>]]></text></incorrectfeedback>"
        + "<hint><text>Think.</text></hint><hint><text>Harder.</text></hint>"
    )
    result = only(tmp_path, question("multichoice", body))
    assert set(result.losses) == {
        "the feedback for any incorrect answer",
        "2 hint(s)",
    }


def test_categories_and_tags_become_tags(tmp_path: Path) -> None:
    category = '<question type="category"><category><text>$course$/top/Week 1</text></category></question>'
    body = answer(100, "Yes", "y") + answer(0, "No", "n") + "<tags><tag><text>easy</text></tag></tags>"
    result = only(tmp_path, category + question("multichoice", body))
    assert result.data["tags"] == ["category: Week 1", "easy"]


class TestFigures:
    @staticmethod
    def png() -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (3, 2), "white").save(buffer, format="PNG")
        return buffer.getvalue()

    def with_files(self, text: str) -> str:
        files = "".join(
            f'<file name="{name}" path="/" encoding="base64">{base64.b64encode(content).decode()}</file>'
            for name, content in [("plot one.png", self.png()), ("b.svg", SVG)]
        )
        body = question("multichoice", answer(100, "Yes", "y") + answer(0, "No", "n"), text=text)
        return body.replace("]]></text></questiontext>", f"]]></text>{files}</questiontext>")

    def test_the_first_embedded_image_becomes_the_figure(self, tmp_path: Path) -> None:
        text = (
            '<p>Look:</p><p><img src="@@PLUGINFILE@@/plot%20one.png" alt="A plot"></p>'
            '<img src="@@PLUGINFILE@@/b.svg">'
        )
        result = only(tmp_path, self.with_files(text))
        assert result.data["figure"] == {"path": "figures/plot-one.png.svg", "alt": "A plot"}
        assert result.files["figures/plot-one.png.svg"].startswith(b"<svg")
        assert result.data["stem"] == "Look:"
        assert "image b.svg: only the first image becomes the figure" in result.losses

    def test_a_moodle_1_image_becomes_the_figure_too(self, tmp_path: Path) -> None:
        legacy = f"<image>old.svg</image><image_base64>{base64.b64encode(SVG).decode()}</image_base64>"
        result = only(
            tmp_path, question("multichoice", legacy + answer(100, "Yes", "y") + answer(0, "No", "n"))
        )
        assert result.files == {"figures/old.svg": SVG}

    def test_an_import_writes_the_figure_beside_the_items(self, tmp_path: Path) -> None:
        text = '<p>Look:</p><img src="@@PLUGINFILE@@/b.svg" alt="A square">'
        report = import_file(read, quiz(tmp_path, self.with_files(text)), tmp_path / "bank")
        bank = load_bank(tmp_path / "bank")
        [item] = bank.items.values()
        assert bank.figure_path(item).read_bytes() == SVG  # type: ignore[union-attr]
        assert len(report.imported) == 1


class TestAWholeQuizFile:
    """A quiz as Moodle exports it (tests/bank/interop/data/moodle/regularisation.xml)."""

    SOURCE = Path(__file__).parent / "data" / "moodle" / "regularisation.xml"

    def test_the_import_reports_each_loss_and_refusal_with_its_line(self, tmp_path: Path) -> None:
        report = import_file(read, self.SOURCE, tmp_path / "bank")
        lines = report.lines("quiz.xml")
        assert lines[0] == "7 question(s) imported, 2 of them with a loss; 2 refused."
        assert lines[1:4] == [
            "quiz.xml:15: dropout-at-test-time: lost no feedback on answer 3",
            "quiz.xml:15: dropout-at-test-time: lost answer 3 takes away 50 %: a negative mark floors at 0 "
            "here",
            "quiz.xml:133: kept-units: lost feedback for any other answer",
        ]
        assert [line.split(": refused: ")[0] for line in lines[4:]] == [
            "quiz.xml:260: Match the regularisers",
            "quiz.xml:290: Explain dropout",
        ]

    def test_the_imported_items_score_as_moodle_scores_them(self, tmp_path: Path) -> None:
        import_file(read, self.SOURCE, tmp_path / "bank")
        items = load_bank(tmp_path / "bank").items
        assert_the_shared_questions_score_as_moodle_scores_them(items)
        assert scores(items["a-training-step"], [["b1", "b3", "b2"], ["b1", "b2", "b3"]]) == [
            pytest.approx(1 / 3),
            1,
        ]
        assert items["read-the-curve"].figure is not None
        assert (
            items["read-the-curve"].stem
            == "The plot shows the validation loss.\n\nWhen should training stop?"
        )
        assert all(item.tags == ["category: Deep learning/Regularisation"] for item in items.values())


class TestMalformedFiles:
    def test_broken_xml_is_reported_with_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.xml"
        path.write_text("<quiz>\n<question type='multichoice'>\n<name><text>x</name>\n</question></quiz>")
        with pytest.raises(SourceSyntaxError) as error:
            read(path)
        assert error.value.line == 3

    def test_a_file_that_is_not_a_quiz_is_refused_whole(self, tmp_path: Path) -> None:
        path = tmp_path / "other.xml"
        path.write_text("<?xml version='1.0'?>\n<assessmentItem/>")
        with pytest.raises(SourceSyntaxError, match="not <quiz>") as error:
            read(path)
        assert error.value.line == 2

    def test_external_entities_are_never_read(self, tmp_path: Path) -> None:
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP SECRET")
        doctype = f'<!DOCTYPE quiz [<!ENTITY leak SYSTEM "file://{secret}">]>'
        body = question("multichoice", answer(100, "Yes", "y") + answer(0, "No", "n"), text="&leak; here")
        path = tmp_path / "xxe.xml"
        plain_body = body.replace("<![CDATA[", "").replace("]]>", "")
        path.write_text(f"<?xml version='1.0'?>\n{doctype}\n<quiz>{plain_body}</quiz>")
        try:
            results = read(path)
        except SourceSyntaxError:
            return  # refusing the file is as safe
        assert all("TOP SECRET" not in str(r) for r in results)

    def test_a_grade_that_is_not_a_number_refuses_that_question_only(self, tmp_path: Path) -> None:
        bad = question("multichoice", answer("lots", "Yes", "y") + answer(0, "No", "n"), name="Bad")  # type: ignore[arg-type]
        good = question("multichoice", answer(100, "Yes", "y") + answer(0, "No", "n"), name="Good")
        results = read(quiz(tmp_path, bad + good))
        assert isinstance(results[0], Refused) and "not a number" in results[0].reason
        assert isinstance(results[1], Converted)


class TestExport:
    @staticmethod
    def item(kind: str, **fields: Any) -> GradableItem:
        base = {"id": "q-1", "domain": "d", "skills": ["s"], "stem": "Q?", "explanation": "Why."}
        return parse_item({**base, "kind": kind, **fields})

    def test_each_domain_is_a_category_and_comes_back_as_a_tag(self, tmp_path: Path) -> None:
        items = [
            self.item("numeric", id="a-1", domain="cnn", answer=1),
            self.item("numeric", id="a-2", domain="cnn", answer=2),
            self.item("numeric", id="b-1", domain="sequence_models", answer=3),
        ]
        content = write([ExportItem(i) for i in items]).content
        root = etree.fromstring(content)
        assert [q.findtext("category/text") for q in root.iterfind("question[@type='category']")] == [
            "$course$/top/cnn",
            "$course$/top/sequence_models",
        ]
        path = tmp_path / "out.xml"
        path.write_bytes(content)
        tags = {r.origin.name: r.data["tags"] for r in read(path) if isinstance(r, Converted)}
        assert tags == {
            "a-1": ["category: cnn"],
            "a-2": ["category: cnn"],
            "b-1": ["category: sequence_models"],
        }

    def test_texts_are_written_as_markdown_with_the_figure_embedded(self) -> None:
        options = [
            {"text": "A", "correct": True, "feedback": "a"},
            {"text": "B", "correct": False, "feedback": "b"},
        ]
        target = self.item("single_choice", options=options, figure={"path": "figures/x.svg", "alt": "X"})
        root = etree.fromstring(write([ExportItem(target, SVG)]).content)
        text = root.find("question/questiontext")
        assert text is not None and text.get("format") == "markdown"
        assert text.findtext("text") == 'Q?\n\n<img src="@@PLUGINFILE@@/x.svg" alt="X">'
        assert base64.b64decode(text.findtext("file") or "") == SVG
        assert root.findtext("question/idnumber") == "q-1"

    @settings(max_examples=100, deadline=None)
    @given(
        texts=st.lists(
            st.text(alphabet="ab <>&\"'\n*\\![]()", max_size=30), min_size=3, max_size=3, unique=True
        )
    )
    def test_any_text_comes_back_as_it_was_written(self, texts: list[str]) -> None:
        texts = [f"x{t}x" for t in texts]  # our texts are trimmed: let them start and end with a letter
        options = [
            {"text": texts[0], "correct": True, "feedback": texts[1]},
            {"text": texts[1], "correct": False, "feedback": texts[2]},
        ]
        original = self.item("single_choice", stem=texts[2], explanation=texts[0], options=options)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "out.xml"
            path.write_bytes(write([ExportItem(original)]).content)
            [result] = read(path)
        assert isinstance(result, Converted)
        assert as_item(result).model_dump(exclude={"id", "domain", "skills"}) == original.model_dump(
            exclude={"id", "domain", "skills"}
        ) | {"tags": ["category: d"]}

    def test_skipped_items_say_why_and_losses_are_listed(self) -> None:
        items = [
            ExportItem(self.item("numeric", answer=3, dont_know_feedback="Count.")),
            ExportItem(self.item("matrix", answer=[[1]])),
        ]
        export = write(items)
        assert export.written == ["q-1"]
        assert export.losses == {"q-1": ["“I don't know yet” feedback"]}
        assert [s.item_id for s in export.skipped] == ["q-1"] and "grid" in export.skipped[0].reason

    @pytest.mark.parametrize("scoring", ["position", "all_or_nothing"])
    def test_an_ordering_comes_back_scoring_every_order_alike(self, tmp_path: Path, scoring: str) -> None:
        blocks = [{"id": x, "text": f"`step_{x}()`"} for x in "abcd"]
        original = self.item("ordering", blocks=blocks, scoring=scoring)
        path = tmp_path / "order.xml"
        path.write_bytes(write([ExportItem(original)]).content)
        [result] = read(path)
        assert isinstance(result, Converted)
        again = as_item(result)
        renamed = {b.id: f"b{n}" for n, b in enumerate(original.blocks, 1)}  # type: ignore[attr-defined]
        for order in itertools.permutations("abcd"):
            assert grade(again, [renamed[x] for x in order]).score == grade(original, list(order)).score

    def test_an_ordering_by_position_is_written_for_moodle_s_ordering_question(self) -> None:
        blocks = [{"id": x, "text": x.upper()} for x in "abc"]
        export = write([ExportItem(self.item("ordering", blocks=blocks, scoring="position"))])
        root = etree.fromstring(export.content)
        assert root.findtext("question/gradingtype") == "ABSOLUTE_POSITION"
        assert [a.get("fraction") for a in root.iterfind("question/answer")] == ["1", "2", "3"]


def _figure(bank: Bank, item: GradableItem) -> bytes | None:
    path = bank.figure_path(item)
    return path.read_bytes() if path else None
