"""Moodle XML: a ``<quiz>`` of ``<question>`` elements, read into and written from Moodle's question
model (:mod:`~adaptest.bank.interop.answers` holds every scoring rule; this module is only the syntax)."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

from lxml import etree

from adaptest.bank.interop.answers import (
    Answer,
    CannotExport,
    Image,
    Question,
    category_tag,
    export_questions,
    is_embedded,
    number_text,
    percent,
    read_text,
    snap,
    to_bank,
    with_figure,
)
from adaptest.bank.interop.model import (
    Converted,
    Export,
    ExportItem,
    Origin,
    Refused,
    SourceSyntaxError,
    line_of,
    parse_xml,
)

Element = etree._Element
ORDER_GRADING_NAMES = {
    "-1": "ALL_OR_NOTHING",
    "0": "ABSOLUTE_POSITION",
    "ABS": "ABSOLUTE_POSITION",
    "ABSOLUTE": "ABSOLUTE_POSITION",
    "1": "RELATIVE_NEXT_EXCLUDE_LAST",
    "REL": "RELATIVE_NEXT_EXCLUDE_LAST",
    "RELATIVE": "RELATIVE_NEXT_EXCLUDE_LAST",
    "2": "RELATIVE_NEXT_INCLUDE_LAST",
    "3": "RELATIVE_ONE_PREVIOUS_AND_NEXT",
    "4": "RELATIVE_ALL_PREVIOUS_AND_NEXT",
    "5": "LONGEST_ORDERED_SUBSET",
    "6": "LONGEST_CONTIGUOUS_SUBSET",
    "7": "RELATIVE_TO_CORRECT",
}
"""qtype_ordering's grading types, by the numbers and short names its importer also takes."""
SELECT_ALL = {"ALL", "EXACT", "0"}
UNIT_NONE = "3"
"""``showunits`` when units are neither typed nor graded."""
TEXT_FORMAT = "markdown"
"""What our texts are written as: Moodle renders Markdown itself, so texts come back unchanged."""


class _Unreadable(ValueError):  # noqa: N818
    """A question whose values make no sense (e.g. a fraction that is not a number): refused."""


# -- reading ----------------------------------------------------------------------------------------------
def read(path: Path) -> list[Converted | Refused]:
    """Every question of a Moodle XML quiz file, converted or refused; categories become tags."""
    root = _parse(path.read_bytes())
    results: list[Converted | Refused] = []
    category: list[str] = []
    for element in root.iterchildren("question"):
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            tag = category_tag(element.findtext("category/text") or element.findtext("category") or "")
            category = [tag] if tag else []
            continue
        try:
            question = _question(element, qtype)
        except _Unreadable as problem:
            results.append(Refused(Origin(_name(element), line_of(element)), str(problem)))
            continue
        question.tags = [*category, *question.tags]
        results.append(to_bank(question))
    return results


def _parse(content: bytes) -> Element:
    """The ``<quiz>`` element; external entities and the network are never touched."""
    root = parse_xml(content)
    if root.tag != "quiz":
        raise SourceSyntaxError(line_of(root), 1, f"the root element is <{root.tag}>, not <quiz>")
    return root


def _name(element: Element) -> str:
    for path in ("name/text", "idnumber"):
        name = (element.findtext(path) or "").strip()
        if name:
            return name
    text = " ".join((element.findtext("questiontext/text") or "").split())
    return text[:60] or f"question on line {line_of(element)}"


def _question(element: Element, qtype: str) -> Question:
    text_format = _format(element.find("questiontext"), "html")
    question = Question(name=_name(element), qtype=qtype or "(no type)", line=line_of(element))
    notes = question.notes
    question.text, question.images = _question_text(element, text_format, notes)
    question.general_feedback = _rich(element.find("generalfeedback"), text_format, "general feedback", notes)
    question.answers = [
        _answer(answer, n, qtype, text_format, notes)
        for n, answer in enumerate(element.iterchildren("answer"), 1)
    ]
    question.tags = [(tag.text or "").strip() for tag in element.iterfind("tags/tag/text")]
    question.images += _legacy_image(element)
    notes += _unused_feedback(element)
    _type_settings(element, question)
    return question


def _legacy_image(element: Element) -> list[Image]:
    """Files from Moodle 1.x kept the question's image in ``<image>`` and ``<image_base64>``."""
    name, content = element.findtext("image"), element.find("image_base64")
    if not name or content is None:
        return []
    return [Image(name.replace("/", "_"), _file_bytes(content))]


COMBINED_FEEDBACK = {
    "correctfeedback": "correct",
    "partiallycorrectfeedback": "partly correct",
    "incorrectfeedback": "incorrect",
}
COMBINED_DEFAULTS = {
    "",
    "Your answer is correct.",
    "Your answer is partially correct.",
    "Your answer is incorrect.",
}
"""The combined feedback Moodle writes by itself: nothing is lost without it."""


def _unused_feedback(element: Element) -> list[str]:
    """Feedback with no place in a bank item: hints, and combined feedback an author wrote."""
    losses = [f"{len(element.findall('hint'))} hint(s)"] if element.find("hint") is not None else []
    for name, which in COMBINED_FEEDBACK.items():
        text = " ".join(_visible_text(element.findtext(f"{name}/text") or "").split())
        if text not in COMBINED_DEFAULTS:
            losses.append(f"the feedback for any {which} answer")
    return losses


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _format(holder: Element | None, default: str) -> str:
    """A text's format (html, markdown, plain_text, moodle_auto_format); Moodle assumes html."""
    return (holder.get("format") if holder is not None else None) or default


def _question_text(element: Element, text_format: str, notes: list[str]) -> tuple[str, list[Image]]:
    """The question text as Markdown, and the embedded images it shows, in order."""
    holder = element.find("questiontext")
    if holder is None:
        return "", []
    markdown, shown = read_text(holder.findtext("text") or "", text_format)
    files = {_file_path(f): f for f in holder.iterchildren("file")}
    images: list[Image] = []
    for src, alt in shown:
        if not is_embedded(src):
            if text_format == "html":
                notes.append(f"image {src}: only images embedded in the file can become the figure")
            continue
        file = files.get(src if "/" in src else f"/{src}")
        if file is None:
            notes.append(f"image {src}: its file is not in the question")
            continue
        images.append(Image(src, _file_bytes(file), alt))
    return markdown, images


def _file_path(file: Element) -> str:
    """How the text names a file: its folder (usually ``/``) and name, without the leading slash."""
    return (file.get("path") or "/").strip("/") + "/" + (file.get("name") or "")


def _file_bytes(file: Element) -> bytes:
    try:
        return base64.b64decode("".join((file.text or "").split()), validate=True)
    except binascii.Error:
        raise _Unreadable(f"the file {file.get('name')} is not valid base64") from None


def _rich(holder: Element | None, default_format: str, where: str, notes: list[str]) -> str:
    """A text with a format (feedback, a choice) as Markdown; its images cannot come along."""
    if holder is None:
        return ""
    markdown, shown = read_text(holder.findtext("text") or "", _format(holder, default_format))
    if shown:
        notes.append(f"{len(shown)} image(s) in the {where}")
    return markdown


def _answer(element: Element, number: int, qtype: str, text_format: str, notes: list[str]) -> Answer:
    if qtype in ("shortanswer", "numerical"):
        text = (element.findtext("text") or element.text or "").strip()  # plain text, never markup
    else:
        text = _rich(element, text_format, f"answer {number}", notes)
    feedback = _rich(element.find("feedback"), text_format, f"feedback of answer {number}", notes)
    fraction = _number(element.get("fraction", "0"), f"the grade of answer {number}") / 100
    tolerance = _number(element.findtext("tolerance") or "0", f"the tolerance of answer {number}")
    return Answer(text, snap(fraction), feedback, tolerance)


def _number(text: str, what: str) -> float:
    try:
        return float(text.strip() or "0")
    except ValueError:
        raise _Unreadable(f"{what} ({text!r}) is not a number") from None


def _type_settings(element: Element, question: Question) -> None:
    question.single = _flag(element.findtext("single"), default=True)
    question.shuffle = _flag(element.findtext("shuffleanswers"), default=False)
    question.case_sensitive = _flag(element.findtext("usecase"), default=False)
    question.units = [
        (unit.findtext("unit_name") or "", _number(unit.findtext("multiplier") or "1", "a unit multiplier"))
        for unit in element.iterfind("units/unit")
    ]
    grading = (element.findtext("unitgradingtype") or "0").strip()
    question.unit_graded = (
        grading not in ("", "0") and (element.findtext("showunits") or "").strip() != UNIT_NONE
    )
    _ordering_settings(element, question)


def _flag(text: str | None, *, default: bool) -> bool:
    """Moodle's reading of a yes/no setting: "false", "0" or empty are no."""
    if text is None:
        return default
    return text.strip() not in ("false", "0", "")


def _ordering_settings(element: Element, question: Question) -> None:
    """qtype_ordering's grading type and whether every attempt shows all the items (its defaults are
    RELATIVE grading and a RANDOM subset of 6)."""
    grading = (element.findtext("gradingtype") or "RELATIVE").strip().upper()
    question.order_grading = ORDER_GRADING_NAMES.get(grading, grading)
    select = (element.findtext("selecttype") or element.findtext("logical") or "RANDOM").strip().upper()
    count_text = (element.findtext("selectcount") or element.findtext("studentsee") or "6").strip()
    items = sum(1 for a in question.answers if a.text.strip())
    count = min(items, max(2, int(count_text))) if count_text.isdigit() else 3
    question.order_shows_all = select in SELECT_ALL or count == items


# -- writing ----------------------------------------------------------------------------------------------
def write(items: list[ExportItem]) -> Export:
    """A Moodle XML quiz of every item Moodle grades exactly as we do; the others skipped with why."""
    parts, export = export_questions(items, _rendered, _category_element)
    root = etree.Element("quiz")
    root.extend(parts)
    export.content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return export


def _rendered(question: Question) -> tuple[Element, list[str]]:
    try:
        return _question_element(question), []
    except ValueError:  # lxml refuses the control characters XML cannot hold
        raise CannotExport("a text holds control characters XML cannot carry") from None


def _category_element(path: str) -> Element:
    element = etree.Element("question", type="category")
    _text(element, "category", path)
    return element


def _question_element(question: Question) -> Element:
    element = etree.Element("question", type=question.qtype)
    _text(element, "name", question.name)
    text = _text(element, "questiontext", with_figure(question.text, question.images), TEXT_FORMAT)
    for image in question.images:
        file = etree.SubElement(text, "file", name=image.name, path="/", encoding="base64")
        file.text = base64.b64encode(image.content).decode()
    _text(element, "generalfeedback", question.general_feedback, TEXT_FORMAT)
    _value(element, "defaultgrade", "1")
    _value(element, "hidden", "0")
    _value(element, "idnumber", question.name)
    _TYPE_WRITERS[question.qtype](element, question)
    if question.tags:
        tags = etree.SubElement(element, "tags")
        for tag in question.tags:
            _text(tags, "tag", tag)
    return element


def _text(parent: Element, name: str, text: str, text_format: str | None = None) -> Element:
    holder = etree.SubElement(parent, name)
    if text_format:
        holder.set("format", text_format)
    etree.SubElement(holder, "text").text = text
    return holder


def _value(parent: Element, name: str, text: str) -> Element:
    element = etree.SubElement(parent, name)
    element.text = text
    return element


def _answer_element(parent: Element, answer: Answer, fraction: str, text_format: str) -> Element:
    element = etree.SubElement(parent, "answer", fraction=fraction, format=text_format)
    etree.SubElement(element, "text").text = answer.text
    if answer.feedback:
        _text(element, "feedback", answer.feedback, TEXT_FORMAT)
    return element


def _write_multichoice(element: Element, question: Question) -> None:
    _value(element, "single", "true" if question.single else "false")
    _value(element, "shuffleanswers", "true" if question.shuffle else "false")
    _value(element, "answernumbering", "abc")
    for answer in question.answers:
        _answer_element(element, answer, percent(answer.fraction), TEXT_FORMAT)


def _write_shortanswer(element: Element, question: Question) -> None:
    _value(element, "usecase", "1" if question.case_sensitive else "0")
    for answer in question.answers:
        _answer_element(element, answer, percent(answer.fraction), "moodle_auto_format")


def _write_numerical(element: Element, question: Question) -> None:
    for answer in question.answers:
        written = _answer_element(element, answer, percent(answer.fraction), "moodle_auto_format")
        _value(written, "tolerance", number_text(answer.tolerance))
    if question.units:
        units = etree.SubElement(element, "units")
        for name, multiplier in question.units:
            unit = etree.SubElement(units, "unit")
            _value(unit, "multiplier", number_text(multiplier))
            _value(unit, "unit_name", name)
    _value(element, "unitgradingtype", "0")
    _value(element, "unitpenalty", "0")
    _value(element, "showunits", UNIT_NONE)  # only the number is typed and graded, as here
    _value(element, "unitsleft", "0")


def _write_ordering(element: Element, question: Question) -> None:
    for name, text in [
        ("layouttype", "VERTICAL"),
        ("selecttype", "ALL"),
        ("selectcount", "0"),
        ("gradingtype", question.order_grading),
        ("showgrading", "SHOW"),
        ("numberingstyle", "none"),
    ]:
        _value(element, name, text)
    for position, answer in enumerate(question.answers, 1):
        _answer_element(element, answer, str(position), TEXT_FORMAT)


_TYPE_WRITERS = {
    "multichoice": _write_multichoice,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "ordering": _write_ordering,
}
