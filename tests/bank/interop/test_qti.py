"""QTI 3.0: items and content packages read as the format scores them, and the bank written so that a QTI
engine scores every answer as we do (checked with a small engine of our own, tests/bank/interop/
qti_processing.py) and the structure a schema would check holds (qti_structure.py)."""

from __future__ import annotations

import copy
import io
import itertools
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from adaptest.bank import grade, load_bank, parse_item
from adaptest.bank.interop import Converted, ExportItem, Refused, SourceSyntaxError, import_file
from adaptest.bank.interop.qti import read, write
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
from adaptest.bank.loader import Bank
from tests.bank.interop.conftest import RoundTrip
from tests.bank.interop.probes import probes
from tests.bank.interop.qti_processing import qti_score
from tests.bank.interop.qti_structure import item_problems, items_of, package_problems

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
TEMPLATE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = f'<qti-response-processing template="{TEMPLATE}match_correct.xml"/>'
MAP_RESPONSE = f'<qti-response-processing template="{TEMPLATE}map_response.xml"/>'
SCORE = '<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)


# -- helpers -----------------------------------------------------------------------------------------
def item(*parts: str, identifier: str = "q1", adaptive: str = "false") -> str:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<qti-assessment-item xmlns="{NS}" identifier="{identifier}" title="A question" '
        f'adaptive="{adaptive}" time-dependent="false">'
    )
    return "\n".join([head, *parts, "</qti-assessment-item>"]) + "\n"


def response(
    cardinality: str, base_type: str, correct: tuple[str, ...] | list[str] = (), mapping: str = ""
) -> str:
    values = "".join(f"<qti-value>{v}</qti-value>" for v in correct)
    correct_part = f"<qti-correct-response>{values}</qti-correct-response>" if correct else ""
    return (
        f'<qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}" '
        f'base-type="{base_type}">{correct_part}{mapping}</qti-response-declaration>'
    )


def choice_body(ids: str, max_choices: int = 1, prompt: str = "Which ones?", inline: bool = True) -> str:
    choices = "".join(
        f'<qti-simple-choice identifier="{i}">Option {i}'
        + (f'<qti-feedback-inline outcome-identifier="FEEDBACK" identifier="{i}">Why {i}.' if inline else "")
        + ("</qti-feedback-inline>" if inline else "")
        + "</qti-simple-choice>"
        for i in ids
    )
    return (
        f"<qti-item-body><p>Read this first.</p>"
        f'<qti-choice-interaction response-identifier="RESPONSE" max-choices="{max_choices}">'
        f"<qti-prompt>{prompt}</qti-prompt>{choices}</qti-choice-interaction></qti-item-body>"
    )


def solution(text: str = "Because it is so.") -> str:
    return (
        '<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="SOLUTION" show-hide="show">'
        f"<qti-content-body><p>{text}</p></qti-content-body></qti-modal-feedback>"
    )


def read_xml(tmp_path: Path, xml: str) -> Converted | Refused:
    path = tmp_path / "item.xml"
    path.write_text(xml, encoding="utf-8")
    [result] = read(path)
    return result


def converted(tmp_path: Path, xml: str) -> Converted:
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Converted), result
    return result


def as_item(result: Converted) -> GradableItem:
    return parse_item({"id": "q", "domain": "d", "skills": ["s"], **result.data})


def zipped(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return path


def manifest(*hrefs: str, extra: str = "") -> str:
    resources = "".join(
        f'<resource identifier="R{n}" type="imsqti_item_xmlv3p0" href="{h}">'
        f'<file href="{h}"/>{extra}</resource>'
        for n, h in enumerate(hrefs)
    )
    return (
        '<?xml version="1.0"?>\n<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" '
        f'identifier="M">\n<resources>\n{resources}\n</resources>\n</manifest>\n'
    )


def assert_scores_as_qti(xml: str, imported: GradableItem, answers: list[Any], responses: Any) -> None:
    """Every answer scores here what the QTI engine gives it, as a share of the best total it allows
    (below 0 floors at 0); full marks, and only they, are correct."""
    root = etree.fromstring(xml.encode())
    totals = [qti_score(root, responses(a)) for a in answers]
    best = max(totals)
    for answer, total in zip(answers, totals, strict=True):
        outcome = grade(imported, answer)
        want = max(0.0, total / best)
        assert round(outcome.score, 9) == round(want, 9), (answer, total, best, outcome.score)
        assert outcome.correct == (round(want, 9) == 1), answer


def subsets(ids: str) -> list[list[str]]:
    return [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]


def one(answer: Any) -> dict[str, Any]:
    return {"RESPONSE": answer}


# -- choice ------------------------------------------------------------------------------------------
def test_a_single_choice_scored_by_match_correct_keeps_ids_feedback_prompt_and_explanation(
    tmp_path: Path,
) -> None:
    xml = item(response("single", "identifier", ["B"]), SCORE, choice_body("ABC"), MATCH_CORRECT, solution())
    result = converted(tmp_path, xml)
    imported = as_item(result)
    assert isinstance(imported, SingleChoiceItem) and imported.key.id == "B"
    assert [o.feedback for o in imported.options] == ["Why A.", "Why B.", "Why C."]
    assert imported.stem == "Read this first.\n\nWhich ones?"
    assert imported.explanation == "Because it is so." and not imported.weighted
    assert result.losses == ()
    assert_scores_as_qti(xml, imported, list("ABC"), one)


def test_map_response_with_negative_values_is_clipped_at_its_bounds_and_normalised_by_the_best_total(
    tmp_path: Path,
) -> None:
    mapping = (
        '<qti-mapping lower-bound="0" upper-bound="3" default-value="-0.5">'
        '<qti-map-entry map-key="A" mapped-value="2"/><qti-map-entry map-key="B" mapped-value="1"/>'
        '<qti-map-entry map-key="C" mapped-value="-1"/><qti-map-entry map-key="E" mapped-value="0.5"/>'
        "</qti-mapping>"
    )
    xml = item(
        response("multiple", "identifier", ["A", "B"], mapping),
        SCORE,
        choice_body("ABCDE", 0),
        MAP_RESPONSE,
        solution(),
    )
    result = converted(tmp_path, xml)
    imported = as_item(result)
    assert isinstance(imported, MultipleChoiceItem)
    assert [o.weight for o in imported.options] == pytest.approx([2 / 3, 1 / 3, -1 / 3, -1 / 6, 1 / 6])
    assert "negative totals floor at 0 here" not in result.losses  # the lower bound is 0: exact
    assert_scores_as_qti(xml, imported, subsets("ABCDE"), lambda a: one(a or None))


def test_map_response_without_a_lower_bound_floors_negative_totals_at_0_and_says_so(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping><qti-map-entry map-key="A" mapped-value="1"/>'
        '<qti-map-entry map-key="B" mapped-value="1"/>'
        '<qti-map-entry map-key="C" mapped-value="-2"/></qti-mapping>'
    )
    xml = item(
        response("multiple", "identifier", ["A", "B"], mapping),
        SCORE,
        choice_body("ABC", 0),
        MAP_RESPONSE,
        solution(),
    )
    result = converted(tmp_path, xml)
    assert "negative totals floor at 0 here" in result.losses
    assert_scores_as_qti(xml, as_item(result), subsets("ABC"), lambda a: one(a or None))


def test_a_balanced_mapping_becomes_our_default_rule_without_weights(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping lower-bound="0" upper-bound="1">'
        + "".join(
            f'<qti-map-entry map-key="{k}" mapped-value="{v}"/>'
            for k, v in zip("ABCD", ["0.5", "0.5", "-0.5", "-0.5"], strict=True)
        )
        + "</qti-mapping>"
    )
    xml = item(
        response("multiple", "identifier", ["A", "B"], mapping),
        SCORE,
        choice_body("ABCD", 0),
        MAP_RESPONSE,
        solution(),
    )
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, MultipleChoiceItem) and not imported.weighted
    assert_scores_as_qti(xml, imported, subsets("ABCD"), lambda a: one(a or None))


def test_a_single_choice_with_a_mapping_gives_partial_credit_by_weights(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping default-value="0"><qti-map-entry map-key="A" mapped-value="4"/>'
        '<qti-map-entry map-key="B" mapped-value="1"/></qti-mapping>'
    )
    xml = item(
        response("single", "identifier", ["A"], mapping), SCORE, choice_body("ABC"), MAP_RESPONSE, solution()
    )
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, SingleChoiceItem) and [o.weight for o in imported.options] == [1, 0.25, 0]
    assert_scores_as_qti(xml, imported, list("ABC"), one)


def test_all_or_nothing_over_one_correct_choice_is_weighted_plus_and_minus_one(tmp_path: Path) -> None:
    xml = item(
        response("multiple", "identifier", ["B"]), SCORE, choice_body("ABC", 0), MATCH_CORRECT, solution()
    )
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, MultipleChoiceItem) and [o.weight for o in imported.options] == [-1, 1, -1]
    assert_scores_as_qti(xml, imported, subsets("ABC"), lambda a: one(a or None))


def test_all_or_nothing_over_several_correct_choices_is_refused(tmp_path: Path) -> None:
    xml = item(response("multiple", "identifier", ["A", "B"]), SCORE, choice_body("ABC", 0), MATCH_CORRECT)
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "cannot express all or nothing" in result.reason


def test_a_lower_bound_above_zero_on_select_all_is_refused(tmp_path: Path) -> None:
    mapping = '<qti-mapping lower-bound="0.5"><qti-map-entry map-key="A" mapped-value="1"/></qti-mapping>'
    xml = item(response("multiple", "identifier", ["A"], mapping), SCORE, choice_body("AB", 0), MAP_RESPONSE)
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "lower bound 0.5" in result.reason


def test_missing_feedback_and_explanation_get_placeholders_and_are_reported(tmp_path: Path) -> None:
    xml = item(response("single", "identifier", ["A"]), SCORE, choice_body("AB", inline=False), MATCH_CORRECT)
    result = converted(tmp_path, xml)
    assert result.data["explanation"] == "No explanation came with this imported question."
    assert result.data["options"][0]["feedback"] == "No feedback came with this option."
    assert set(result.losses) >= {
        "no feedback on answer 1",
        "no feedback on answer 2",
        "no explanation (general feedback): a placeholder was written",
    }


def test_modal_feedback_named_after_a_choice_becomes_its_feedback_and_other_feedback_is_reported(
    tmp_path: Path,
) -> None:
    modal = (
        '<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="{}" show-hide="show">'
        "<qti-content-body><p>{}</p></qti-content-body></qti-modal-feedback>"
    )
    xml = item(
        response("single", "identifier", ["A"]),
        SCORE,
        choice_body("AB", inline=False),
        MATCH_CORRECT,
        modal.format("A", "A is right."),
        modal.format("B", "B is not."),
        modal.format("correct", "Well done!"),
        modal.format("DONT_KNOW", "Read chapter 2."),
    )
    result = converted(tmp_path, xml)
    assert [o["feedback"] for o in result.data["options"]] == ["A is right.", "B is not."]
    assert result.data["dont_know_feedback"] == "Read chapter 2."
    assert "feedback “correct”" in result.losses


def test_the_templates_written_out_as_rules_are_read_as_the_templates(tmp_path: Path) -> None:
    maximum = (
        '<qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float">'
        "<qti-default-value><qti-value>10</qti-value></qti-default-value></qti-outcome-declaration>"
    )
    match_correct = (
        "<qti-response-processing><qti-response-condition><qti-response-if><qti-match>"
        '<qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match>'
        '<qti-set-outcome-value identifier="SCORE"><qti-variable identifier="MAXSCORE"/>'
        "</qti-set-outcome-value></qti-response-if></qti-response-condition></qti-response-processing>"
    )
    xml = item(response("single", "identifier", ["A"]), SCORE, maximum, choice_body("AB"), match_correct)
    assert_scores_as_qti(xml, as_item(converted(tmp_path, xml)), list("AB"), one)
    summed = (
        '<qti-response-processing><qti-set-outcome-value identifier="SCORE">'
        '<qti-sum><qti-map-response identifier="RESPONSE"/></qti-sum>'
        "</qti-set-outcome-value></qti-response-processing>"
    )
    mapping = '<qti-mapping><qti-map-entry map-key="A" mapped-value="2"/></qti-mapping>'
    xml = item(response("multiple", "identifier", ["A"], mapping), SCORE, choice_body("AB", 0), summed)
    assert_scores_as_qti(xml, as_item(converted(tmp_path, xml)), subsets("AB"), lambda a: one(a or None))


def test_a_rubric_for_scorers_is_left_out_of_the_stem_and_reported(tmp_path: Path) -> None:
    rubric = (
        '<qti-rubric-block view="scorer"><qti-content-body><p>Give a point for B.</p></qti-content-body>'
        '</qti-rubric-block><qti-rubric-block view="candidate"><qti-content-body><p>Take your time.</p>'
        "</qti-content-body></qti-rubric-block>"
    )
    body = choice_body("AB").replace("<p>Read this first.</p>", rubric)
    result = converted(tmp_path, item(response("single", "identifier", ["A"]), SCORE, body, MATCH_CORRECT))
    assert result.data["stem"] == "Take your time.\n\nWhich ones?"
    assert any(loss.startswith("a rubric block for the scorer") for loss in result.losses)


# -- order -------------------------------------------------------------------------------------------
def test_an_order_interaction_scored_by_match_correct_is_all_or_nothing(tmp_path: Path) -> None:
    body = (
        '<qti-item-body><qti-order-interaction response-identifier="RESPONSE" shuffle="true">'
        "<qti-prompt>Put them in order.</qti-prompt>"
        + "".join(f'<qti-simple-choice identifier="{i}">Step {i}</qti-simple-choice>' for i in "CAB")
        + "</qti-order-interaction></qti-item-body>"
    )
    xml = item(response("ordered", "identifier", ["A", "B", "C"]), SCORE, body, MATCH_CORRECT, solution())
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, OrderingItem) and imported.scoring == "all_or_nothing"
    assert imported.key_answer() == ["A", "B", "C"]
    assert_scores_as_qti(xml, imported, [list(p) for p in itertools.permutations("ABC")], one)


def test_an_order_interaction_with_other_scoring_is_refused(tmp_path: Path) -> None:
    body = (
        '<qti-item-body><qti-order-interaction response-identifier="RESPONSE">'
        '<qti-simple-choice identifier="A">a</qti-simple-choice>'
        '<qti-simple-choice identifier="B">b</qti-simple-choice>'
        "</qti-order-interaction></qti-item-body>"
    )
    xml = item(response("ordered", "identifier", ["A", "B"]), SCORE, body, MAP_RESPONSE)
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "match_correct" in result.reason


# -- text entry --------------------------------------------------------------------------------------
def text_body(prompt: str = "The capital of France is") -> str:
    return (
        f"<qti-item-body><p>{prompt} "
        '<qti-text-entry-interaction response-identifier="RESPONSE"/>.</p></qti-item-body>'
    )


def test_a_string_mapping_gives_graded_answers_case_insensitive_as_mapped(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping default-value="0" upper-bound="2">'
        '<qti-map-entry map-key="Paris" mapped-value="2" case-sensitive="false"/>'
        '<qti-map-entry map-key="paris, france" mapped-value="2" case-sensitive="false"/>'
        '<qti-map-entry map-key="Lutetia" mapped-value="1" case-sensitive="false"/>'
        '<qti-map-entry map-key="Lyon" mapped-value="-1" case-sensitive="false"/></qti-mapping>'
    )
    xml = item(response("single", "string", ["Paris"], mapping), SCORE, text_body(), MAP_RESPONSE, solution())
    result = converted(tmp_path, xml)
    imported = as_item(result)
    assert isinstance(imported, ShortTextItem) and not imported.case_sensitive
    assert imported.accepted == ["Paris", "paris, france"]
    assert imported.stem == "The capital of France is ____."
    answers = ["Paris", "PARIS", "paris, France", "Lutetia", "lutetia", "Lyon", "Marseille"]
    assert_scores_as_qti(xml, imported, answers, one)
    assert "negative totals floor at 0 here" in result.losses


def test_a_string_mapping_that_is_case_sensitive_stays_so(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping><qti-map-entry map-key="ReLU" mapped-value="1" case-sensitive="true"/>'
        '<qti-map-entry map-key="relu*" mapped-value="0.5" case-sensitive="true"/></qti-mapping>'
    )
    xml = item(
        response("single", "string", ["ReLU"], mapping),
        SCORE,
        text_body("Name it:"),
        MAP_RESPONSE,
        solution(),
    )
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, ShortTextItem) and imported.case_sensitive
    assert_scores_as_qti(xml, imported, ["ReLU", "relu", "relu*", "reluXX", "RELU*"], one)


def test_a_default_value_above_zero_gives_every_other_answer_its_share(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping default-value="0.25">'
        '<qti-map-entry map-key="yes" mapped-value="1" case-sensitive="false"/></qti-mapping>'
    )
    xml = item(
        response("single", "string", ["yes"], mapping), SCORE, text_body("Agree?"), MAP_RESPONSE, solution()
    )
    imported = as_item(converted(tmp_path, xml))
    assert_scores_as_qti(xml, imported, ["yes", "YES", "no", "maybe"], one)


def test_answers_matched_with_and_without_case_in_one_mapping_are_refused(tmp_path: Path) -> None:
    mapping = (
        '<qti-mapping><qti-map-entry map-key="a" mapped-value="1" case-sensitive="true"/>'
        '<qti-map-entry map-key="b" mapped-value="1" case-sensitive="false"/></qti-mapping>'
    )
    xml = item(response("single", "string", ["a"], mapping), SCORE, text_body(), MAP_RESPONSE)
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "case-sensitively and others not" in result.reason


def test_a_string_scored_by_match_correct_is_one_accepted_answer_matched_exactly(tmp_path: Path) -> None:
    xml = item(
        response("single", "string", ["Adam"]),
        SCORE,
        text_body("Which optimiser?"),
        MATCH_CORRECT,
        solution(),
    )
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, ShortTextItem) and imported.case_sensitive and imported.accepted == ["Adam"]
    assert_scores_as_qti(xml, imported, ["Adam", "adam", "SGD"], one)


def test_a_number_scored_by_match_correct_is_numeric_exact(tmp_path: Path) -> None:
    xml = item(response("single", "float", ["2.5"]), SCORE, text_body("x ="), MATCH_CORRECT, solution())
    imported = as_item(converted(tmp_path, xml))
    assert isinstance(imported, NumericItem) and imported.answer == 2.5
    assert imported.tolerance.absolute == 0 and imported.tolerance.relative == 0
    assert_scores_as_qti(xml, imported, [2.5, 2.6, -2.5], one)


def number_chain(*branches: str) -> str:
    null = (
        '<qti-response-if><qti-is-null><qti-variable identifier="RESPONSE"/></qti-is-null>'
        '<qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">0</qti-base-value>'
        "</qti-set-outcome-value></qti-response-if>"
    )
    rules = f"<qti-response-condition>{null}{''.join(branches)}</qti-response-condition>"
    return f"<qti-response-processing>{rules}</qti-response-processing>"


def branch(
    value: float, score: float, mode: str = "absolute", tolerance: str = "0.5", feedback: str = ""
) -> str:
    setter = (
        f'<qti-set-outcome-value identifier="FEEDBACK">'
        f'<qti-base-value base-type="identifier">{feedback}</qti-base-value></qti-set-outcome-value>'
        if feedback
        else ""
    )
    return (
        f'<qti-response-else-if><qti-equal tolerance-mode="{mode}" tolerance="{tolerance}">'
        f'<qti-base-value base-type="float">{value}</qti-base-value><qti-variable identifier="RESPONSE"/>'
        "</qti-equal>"
        f'<qti-set-outcome-value identifier="SCORE">'
        f'<qti-base-value base-type="float">{score}</qti-base-value>'
        f"</qti-set-outcome-value>{setter}</qti-response-else-if>"
    )


def test_a_chain_of_equal_tests_gives_the_key_its_tolerance_and_partial_credit_to_known_answers(
    tmp_path: Path,
) -> None:
    feedback = (
        '<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="HALF" show-hide="show">'
        "<qti-content-body><p>Close: you forgot the bias.</p></qti-content-body></qti-modal-feedback>"
    )
    processing = number_chain(
        branch(100, 4, "relative", "2"), branch(90, 2, feedback="HALF"), branch(50, 0, feedback="HALF")
    )
    xml = item(
        response("single", "float", ["100"]), SCORE, text_body("Count:"), processing, solution(), feedback
    )
    result = converted(tmp_path, xml)
    imported = as_item(result)
    assert isinstance(imported, NumericItem) and imported.tolerance.relative == 0.02
    assert [(m.value, m.score) for m in imported.misconceptions] == [(90, 0.5), (50, 0)]
    assert {m.feedback for m in imported.misconceptions} == {"Close: you forgot the bias."}
    assert_scores_as_qti(xml, imported, [100, 101.9, 102.1, 98.1, 90, 90.5, 90.6, 50, 7], one)


def test_a_tolerance_that_differs_below_and_above_is_refused_with_its_line(tmp_path: Path) -> None:
    xml = item(
        response("single", "float", ["1"]),
        SCORE,
        text_body("x ="),
        number_chain(branch(1, 1, tolerance="0.1 0.2")),
    )
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and re.search(r"differ \(line \d+\)", result.reason)


def test_a_partly_credited_range_tested_before_the_key_and_overlapping_it_is_refused(tmp_path: Path) -> None:
    xml = item(
        response("single", "float", ["1"]),
        SCORE,
        text_body("x ="),
        number_chain(branch(1.4, 0.5), branch(1, 1)),
    )
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "tested before the full-mark answer" in result.reason


# -- refusals ----------------------------------------------------------------------------------------
def test_an_extended_text_interaction_is_refused_for_want_of_a_rubric(tmp_path: Path) -> None:
    body = '<qti-item-body><qti-extended-text-interaction response-identifier="RESPONSE"/></qti-item-body>'
    result = read_xml(tmp_path, item(response("single", "string"), SCORE, body, identifier="essay"))
    assert isinstance(result, Refused) and result.origin.name == "essay" and result.origin.line == 2
    assert "no rubric our grader can apply" in result.reason


def test_an_interaction_we_have_no_kind_for_is_refused_by_name_and_line(tmp_path: Path) -> None:
    body = (
        '<qti-item-body>\n<qti-hotspot-interaction response-identifier="RESPONSE" max-choices="1">'
        "</qti-hotspot-interaction></qti-item-body>"
    )
    result = read_xml(tmp_path, item(response("single", "identifier", ["A"]), SCORE, body, MATCH_CORRECT))
    assert (
        isinstance(result, Refused)
        and "qti-hotspot-interaction (line 6) is not one Adaptest reads" in result.reason
    )


def test_an_item_with_two_kinds_of_interaction_is_refused(tmp_path: Path) -> None:
    body = (
        '<qti-item-body><qti-choice-interaction response-identifier="RESPONSE">'
        '<qti-simple-choice identifier="A">a'
        "</qti-simple-choice></qti-choice-interaction>"
        '<qti-text-entry-interaction response-identifier="RESPONSE"/>'
        "</qti-item-body>"
    )
    result = read_xml(tmp_path, item(response("single", "identifier", ["A"]), SCORE, body, MATCH_CORRECT))
    assert isinstance(result, Refused) and "2 interactions" in result.reason


def test_custom_response_processing_is_refused_with_its_line(tmp_path: Path) -> None:
    processing = (
        "<qti-response-processing>\n"
        '<qti-set-outcome-value identifier="SCORE"><qti-random-float min="0" max="1"/>'
        "</qti-set-outcome-value>"
        "</qti-response-processing>"
    )
    xml = item(response("single", "identifier", ["A"]), SCORE, choice_body("AB"), processing)
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "is custom" in result.reason and "(line 7)" in result.reason


def test_a_qti_2_item_is_refused_as_another_version(tmp_path: Path) -> None:
    xml = '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="old"/>'
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "another version" in result.reason


def test_template_variables_are_refused(tmp_path: Path) -> None:
    template = '<qti-template-declaration identifier="X" cardinality="single" base-type="integer"/>'
    xml = item(response("single", "identifier", ["A"]), SCORE, template, choice_body("AB"), MATCH_CORRECT)
    result = read_xml(tmp_path, xml)
    assert isinstance(result, Refused) and "template variables" in result.reason


# -- malformed files ---------------------------------------------------------------------------------
def test_invalid_xml_is_a_syntax_error_with_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(f'<qti-assessment-item xmlns="{NS}">\n<qti-item-body>\n<p>open</qti-item-body>\n')
    with pytest.raises(SourceSyntaxError) as error:
        read(path)
    assert error.value.line == 3 and error.value.column > 1


def test_a_zip_without_a_manifest_is_a_syntax_error_at_line_1(tmp_path: Path) -> None:
    with pytest.raises(SourceSyntaxError, match="no imsmanifest.xml") as error:
        read(zipped(tmp_path, {"items/q.xml": item(choice_body("AB"))}))
    assert error.value.line == 1


def test_a_manifest_naming_a_missing_file_is_a_syntax_error_at_that_line(tmp_path: Path) -> None:
    with pytest.raises(SourceSyntaxError, match="items/gone.xml, which is not in the package") as error:
        read(zipped(tmp_path, {"imsmanifest.xml": manifest("items/gone.xml")}))
    assert error.value.line == 4


def test_a_broken_item_inside_a_package_names_the_file_and_line(tmp_path: Path) -> None:
    files = {"imsmanifest.xml": manifest("items/q.xml"), "items/q.xml": "<qti-assessment-item>\n<oops>"}
    with pytest.raises(SourceSyntaxError, match="items/q.xml") as error:
        read(zipped(tmp_path, files))
    assert error.value.line == 2


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = item(
        response("single", "identifier", ["A"]),
        SCORE,
        choice_body("AB", prompt="&leak;"),
        MATCH_CORRECT,
    ).replace(
        "<qti-assessment-item",
        f'<!DOCTYPE x [<!ENTITY leak SYSTEM "file://{secret}">]>\n<qti-assessment-item',
        1,
    )
    xml = xml.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    result = read_xml(tmp_path, xml)
    assert "TOP-SECRET" not in str(getattr(result, "data", result))


# -- packages and figures ----------------------------------------------------------------------------
def figure_item(identifier: str, *images: str) -> str:
    imgs = "".join(f'<img src="{src}" alt="A {src}"/>' for src in images)
    body = choice_body("AB").replace("<p>Read this first.</p>", f"<p>See the plot.</p><p>{imgs}</p>")
    return item(
        response("single", "identifier", ["A"]), SCORE, body, MATCH_CORRECT, solution(), identifier=identifier
    )


def test_a_package_gives_each_item_with_its_figure_and_reports_the_images_it_cannot_keep(
    tmp_path: Path,
) -> None:
    files: dict[str, bytes | str] = {
        "imsmanifest.xml": manifest("items/one.xml", "items/two.xml"),
        "items/one.xml": figure_item("one", "img/plot.svg", "img/other.svg"),
        "items/two.xml": figure_item("two", "img/photo.png"),
        "items/img/plot.svg": SVG,
        "items/img/other.svg": SVG,
        "items/img/photo.png": PNG,
    }
    results = read(zipped(tmp_path, files))
    one, two = results
    assert isinstance(one, Converted) and isinstance(two, Converted)
    assert one.data["figure"] == {"path": "figures/plot.svg", "alt": "A img/plot.svg"}
    assert one.files == {"figures/plot.svg": SVG}
    assert "image img/other.svg (only the first image becomes the figure)" in one.losses
    assert two.data["figure"]["path"] == "figures/photo.png.svg"
    assert two.files["figures/photo.png.svg"].startswith(b"<svg")
    assert "plot" in one.data["stem"] and "img" not in one.data["stem"]


def test_a_figure_beside_a_single_item_file_is_read_and_one_outside_its_folder_is_not(tmp_path: Path) -> None:
    (tmp_path / "plot.svg").write_bytes(SVG)
    inside = converted(tmp_path, figure_item("q", "plot.svg"))
    assert inside.files == {"figures/plot.svg": SVG}
    folder = tmp_path / "sub"
    folder.mkdir()
    outside = converted(folder, figure_item("q", "../plot.svg"))
    assert "figure" not in outside.data and "image ../plot.svg (not in the package)" in outside.losses


def test_an_imported_package_lands_in_the_bank_with_its_figure(tmp_path: Path) -> None:
    files: dict[str, bytes | str] = {
        "imsmanifest.xml": manifest("items/one.xml"),
        "items/one.xml": figure_item("plot-question", "plot.svg"),
        "items/plot.svg": SVG,
    }
    report = import_file(read, zipped(tmp_path, files), tmp_path / "bank")
    assert [q.item_id for q in report.imported] == ["plot-question"] and not report.refused
    bank = load_bank(tmp_path / "bank")
    figure = bank.figure_path(bank.items["plot-question"])
    assert figure is not None and figure.read_bytes() == SVG


# -- export ------------------------------------------------------------------------------------------
def base(kind: str, **fields: Any) -> GradableItem:
    data = {"id": f"x-{kind.replace('_', '-')}", "domain": "d", "skills": ["s"], "kind": kind}
    return parse_item({**data, "stem": "What is it?", "explanation": "This is why.", **fields})


def options(*correct: bool, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "text": f"Option {n}",
            "correct": c,
            "feedback": f"Feedback {n}.",
            **({"weight": extra["w"][n]} if "w" in extra else {}),
        }
        for n, c in enumerate(correct)
    ]


EXPORT_ITEMS = [
    base("single_choice", options=options(False, True, False), dont_know_feedback="Study **softmax**."),
    base("multiple_choice", options=options(True, True, False, False)),
    base("multiple_choice", id="x-weighted", options=options(True, True, False, w=[0.7, 0.6, -0.5])),
    base(
        "numeric",
        answer=-3.5,
        tolerance={"absolute": 0.1},
        units="m",
        alternative_keys=[{"value": 7, "explanation": "Counting both."}],
        misconceptions=[{"value": 3.5, "feedback": "Sign.", "score": 0.5, "tolerance": {"relative": 0.1}}],
    ),
    base(
        "short_text",
        accepted=["drop out", "dropout"],
        patterns=["drop[- ]?outs?"],
        case_sensitive=True,
        graded=[{"text": "drop", "score": 0.5, "feedback": "Nearly."}],
        keywords=[{"match": ["L2"], "feedback": "Not weight decay."}],
    ),
    base(
        "ordering",
        scoring="all_or_nothing",
        blocks=[{"id": "a", "text": "First"}, {"id": "b", "text": "Second"}],
    ),
    base(
        "numeric_tuple",
        fields=[
            {"name": "a", "label": "in", "answer": 3, "feedback": "In first."},
            {"name": "b", "label": "out", "answer": 4, "tolerance": {"relative": 0.5}},
        ],
        misconceptions=[{"values": {"a": 4, "b": 3}, "feedback": "Swapped."}],
    ),
    base(
        "matrix",
        answer=[[1, 2], [3, 4]],
        tolerance={"absolute": 0.5},
        misconceptions=[{"answer": [[2, 1], [4, 3]], "feedback": "Columns swapped."}],
    ),
]


def test_every_kind_qti_expresses_is_written_in_the_structure_the_schema_checks(tmp_path: Path) -> None:
    export = write([ExportItem(i) for i in EXPORT_ITEMS])
    assert export.written == [i.id for i in EXPORT_ITEMS] and not export.skipped
    assert package_problems(export.content) == []
    assert export.losses == {
        "x-short-text": [
            "feedback on graded answers",
            "QTI compares a text answer as typed: doubled spaces inside an answer, collapsed here, make it "
            "wrong there",
        ]
    }


def test_the_written_items_score_every_answer_in_a_qti_engine_as_we_do_and_read_back_the_same(
    tmp_path: Path,
) -> None:
    export = write([ExportItem(i) for i in EXPORT_ITEMS])
    roots = dict(items_of(export.content))
    path = tmp_path / "package.zip"
    path.write_bytes(export.content)
    back = {r.origin.name: r for r in read(path)}
    for original in EXPORT_ITEMS:
        root = roots[f"items/{original.id}.xml"]
        result = back[original.id]
        assert isinstance(result, Converted) and result.losses == ()
        imported = parse_item({"id": original.id, "domain": "d", "skills": ["s"], **result.data})
        for answer in probes(original):
            want = grade(original, answer)
            assert round(qti_score(root, qti_responses(original, answer)), 9) == round(want.score, 9), (
                original.id,
                answer,
            )
            got = grade(imported, answer)
            assert (round(got.score, 9), got.correct) == (round(want.score, 9), want.correct), (
                original.id,
                answer,
            )
        assert imported.dont_know_feedback == original.dont_know_feedback


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {
                "kind": "free_text",
                "rubric": [
                    {"id": "c", "criterion": "x", "points": 1, "concepts": [["x"]], "met": "y", "missed": "n"}
                ],
            },
            "rubric",
        ),
        ({"kind": "ordering", "blocks": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}, "subsequence"),
        (
            {
                "kind": "ordering",
                "scoring": "all_or_nothing",
                "blocks": [
                    {"id": "a", "text": "A"},
                    {"id": "b", "text": "B"},
                    {"id": "c", "text": "C", "distractor": True, "feedback": "No."},
                ],
            },
            "distractor",
        ),
        (
            {
                "kind": "ordering",
                "scoring": "all_or_nothing",
                "blocks": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
                "alternative_orders": [["b", "a"]],
            },
            "alternative orders",
        ),
        ({"kind": "short_text", "accepted": ["relu"], "patterns": ["re+lu"]}, "too many answers"),
        ({"kind": "short_text", "accepted": ["relu"], "graded": [{"text": "re*", "score": 0.5}]}, "wildcard"),
    ],
)
def test_what_qti_cannot_score_exactly_is_skipped_with_a_reason(changes: dict[str, Any], reason: str) -> None:
    skipped = parse_item(
        {"id": "x", "domain": "d", "skills": ["s"], "stem": "?", "explanation": "!", **changes}
    )
    export = write([ExportItem(skipped)])
    assert export.written == [] and reason in export.skipped[0].reason


def test_the_structural_check_finds_what_a_schema_would_reject() -> None:
    root = etree.fromstring(
        item(
            response("single", "identifier", ["A"]),
            '<qti-item-body><qti-choice-interaction response-identifier="ANSWER">'
            '<qti-simple-choice identifier="A">a'
            '<qti-feedback-inline outcome-identifier="FEEDBACK" identifier="A"><p>block</p>'
            "</qti-feedback-inline>"
            '</qti-simple-choice></qti-choice-interaction><img src="gone.png" alt=""/></qti-item-body>',
            SCORE,
        ).encode()
    )
    problems = "\n".join(item_problems(root, set(), "items/q.xml"))
    for expected in [
        "comes after <qti-item-body>",
        "answers 'ANSWER'",
        "block <p>",
        "not an outcome",
        "gone.png",
    ]:
        assert expected in problems


# -- the shipped bank --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped_qti(round_trip_for: Callable[[str], RoundTrip]) -> RoundTrip:
    return round_trip_for("qti")


def test_the_shipped_bank_is_written_whole_but_for_what_qti_cannot_score(
    shipped: Bank, shipped_qti: RoundTrip
) -> None:
    export = shipped_qti.export
    kinds = {i: shipped.items[i].kind for i in shipped.items}
    skipped = {s.item_id: s.reason for s in export.skipped}
    assert {kinds[i] for i in skipped} <= {"ordering", "free_text", "short_text"}
    assert all(kinds[i] != "ordering" or "subsequence" in r for i, r in skipped.items())
    assert package_problems(export.content) == []


def test_the_shipped_bank_scores_every_probe_alike_in_a_qti_engine(
    shipped: Bank, shipped_qti: RoundTrip
) -> None:
    """An independent reading of the exported rules (tests/bank/interop/qti_processing.py) gives each
    probe the score our grader gives; the round trip itself is tested in test_round_trip.py."""
    roots = dict(items_of(shipped_qti.export.content))
    differences = []
    for item_id, result in shipped_qti.back.items():
        original = shipped.items[item_id]
        root = roots[f"items/{item_id}.xml"]
        for answer in probes(original):
            want = grade(original, answer).score
            if round(qti_score(root, qti_responses(original, answer)), 9) != round(want, 9):
                differences.append(f"{item_id}: {answer!r} scores differently in QTI")
        if result.losses or result.data.get("dont_know_feedback") is None:
            differences.append(f"{item_id}: lost {result.losses}")
    assert not differences, "\n".join(differences[:10])


def qti_responses(original: GradableItem, answer: Any) -> dict[str, Any]:
    """Our answer as the response variables of the exported item."""
    if isinstance(original, NumericTupleItem):
        return {f"RESPONSE_{name}": float(value) for name, value in answer.items()}
    if isinstance(original, MatrixItem):
        return {f"CELL_{r + 1}_{c + 1}": float(v) for r, row in enumerate(answer) for c, v in enumerate(row)}
    if isinstance(original, NumericItem):
        return {"RESPONSE": float(answer)}
    if isinstance(original, ShortTextItem):
        return {"RESPONSE": " ".join(answer.split())}
    return {"RESPONSE": answer or None}


def test_an_exported_package_is_deterministic(shipped: Bank) -> None:
    chosen = [ExportItem(shipped.items[i]) for i in sorted(shipped.items)[:20]]
    assert write(chosen).content == write(chosen).content
    assert zipfile.ZipFile(io.BytesIO(write(chosen).content)).namelist()[0] == "imsmanifest.xml"


def test_a_damaged_item_is_refused_or_read_but_never_crashes_the_reader(
    shipped: Bank, tmp_path: Path
) -> None:
    """Random damage to exported items (an element or attribute gone, a value or text changed): the
    reader converts or refuses each, or reports a syntax error, and raises nothing else."""
    kinds: dict[str, GradableItem] = {}
    for candidate in shipped.items.values():
        kinds.setdefault(candidate.kind, candidate)
    export = write([ExportItem(i) for i in kinds.values()])
    rng = random.Random(16)
    path = tmp_path / "damaged.xml"
    for _, root in items_of(export.content):
        for _ in range(40):
            damaged = copy.deepcopy(root)
            _damage(damaged, rng)
            path.write_bytes(etree.tostring(damaged))
            try:
                [result] = read(path)
            except SourceSyntaxError:
                continue
            assert isinstance(result, Converted | Refused)


def _damage(root: etree._Element, rng: random.Random) -> None:
    elements = [e for e in root.iter() if e is not root and isinstance(e.tag, str)]
    target = rng.choice(elements)
    how = rng.randrange(4)
    if how == 0 and target.getparent() is not None:
        target.getparent().remove(target)
    elif how == 1 and target.attrib:
        del target.attrib[rng.choice(sorted(target.attrib))]
    elif how == 2 and target.attrib:
        target.set(rng.choice(sorted(target.attrib)), rng.choice(["", "x", "-1", "1e999", "0"]))
    else:
        target.text = rng.choice(["", "abc", "-3", "NaN"])
