"""Moodle's question model, shared by Moodle XML and GIFT, and its conversion to and from bank items.

A Moodle question is a name, a type, a text, general feedback and a list of answers, each with a text, a
fraction of the mark (Moodle's percentage / 100), feedback and, for numbers, a tolerance. The two syntaxes
(:mod:`~adaptest.bank.interop.moodle`, :mod:`~adaptest.bank.interop.gift`) only read and write this
model; every scoring rule (which answer wins, what a fraction means in each kind, what cannot be
expressed) lives here, once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from lxml import etree
from lxml import html as lxml_html

from adaptest.bank.interop.markup import figure_svg, html_to_markdown
from adaptest.bank.interop.model import (
    NO_ANSWER_FEEDBACK,
    NO_EXPLANATION,
    NO_EXPLANATION_LOSS,
    NO_OPTION_FEEDBACK,
    Converted,
    Export,
    ExportItem,
    Origin,
    Refused,
    Skipped,
    kind_problem,
)
from adaptest.bank.interop.patterns import expand_pattern
from adaptest.bank.kinds import (
    GradableItem,
    MultipleChoiceItem,
    NumericItem,
    OrderingItem,
    ShortTextItem,
    SingleChoiceItem,
)
from adaptest.bank.kinds.numbers import format_exact
from adaptest.bank.kinds.text import normalise, wildcard_pattern
from adaptest.bank.schema import Tolerance

SNAP_DENOMINATOR = 20
"""Fractions within :data:`SNAP_DISTANCE` of one with a denominator up to this are that fraction:
Moodle writes a third as 33.33333 %, and three of them must add up to full marks."""
SNAP_DISTANCE = 1e-5
FULL = 1 - 1e-9
"""A fraction at least this high gives full marks (a snapped 100 % is exactly 1)."""
MAX_EXPANSIONS = 200
"""A regular expression with more answers than this is not written out as Moodle answers."""
PLUGINFILE = "@@PLUGINFILE@@/"
REFUSED_TYPES = {
    "match": "a matching question grades many-to-many drop-down pairs, which none of our kinds grades "
    "faithfully",
    "essay": "an essay has no rubric our grader can apply: write a free_text rubric",
    "description": "a description is not a question: it has nothing to grade",
    "multianswer": "embedded answers (cloze) are not supported",
    "calculated": "calculated questions (formulas with wildcards) are not supported",
    "calculatedsimple": "simple calculated questions (formulas with wildcards) are not supported",
    "calculatedmulti": "calculated multichoice questions (formulas with wildcards) are not supported",
    "ddwtos": "drag-and-drop into text is not supported",
    "ddimageortext": "drag-and-drop onto an image is not supported",
    "ddmarker": "drag-and-drop markers are not supported",
    "gapselect": "select missing words is not supported",
    "randomsamatch": "random short-answer matching is not supported",
    "gift-ordering": "the ordering question's GIFT form {>…} is not supported: bring it as Moodle XML",
    "random": "a random question is drawn from a category when the quiz runs, which a bank item cannot be",
}
ORDER_SCORING = {
    "ALL_OR_NOTHING": "all_or_nothing",
    "ABSOLUTE_POSITION": "position",
    "LONGEST_ORDERED_SUBSET": "subsequence",
}


# -- the model ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """One answer: its text (Markdown for choices and order items, plain for short and numerical
    answers), the share of the mark it earns, its feedback (Markdown) and, for numbers, the tolerance."""

    text: str
    fraction: float
    feedback: str = ""
    tolerance: float = 0.0


@dataclass(frozen=True)
class Image:
    """A file embedded in the question text, shown where the text names it."""

    name: str
    content: bytes
    alt: str = ""


@dataclass
class Question:
    """A question as Moodle holds it, whichever syntax it was read from or is written to."""

    name: str
    qtype: str
    text: str = ""
    line: int = 1
    general_feedback: str = ""
    answers: list[Answer] = field(default_factory=list)
    single: bool = True
    shuffle: bool = True
    case_sensitive: bool = False
    units: list[tuple[str, float]] = field(default_factory=list)
    unit_graded: bool = False
    order_grading: str = "ALL_OR_NOTHING"
    order_shows_all: bool = True
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the syntax itself could not carry (hints, files in feedback, ...): losses on import."""


class CannotExport(ValueError):  # noqa: N818 (a reason to skip, not a bug)
    """The item cannot be expressed exactly: its message is the reason it is skipped."""


class _Refusal(ValueError):  # noqa: N818
    """A question the bank cannot take faithfully; its message is the reason."""


# -- numbers shared by both syntaxes -----------------------------------------------------------------------
def snap(fraction: float) -> float:
    """33.33333 % as exactly a third: the nearest fraction with a small denominator, when that close."""
    if not math.isfinite(fraction):
        return fraction
    nearest = Fraction(fraction).limit_denominator(SNAP_DENOMINATOR)
    return float(nearest) if abs(float(nearest) - fraction) <= SNAP_DISTANCE else fraction


def percent(fraction: float) -> str:
    """A fraction as Moodle writes its percentage: up to 7 decimals, no trailing zeros."""
    text = f"{fraction * 100:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def fraction_from_percent(text: str) -> float:
    """Moodle's percentage as a fraction of the mark, snapped (see :func:`snap`)."""
    return snap(float(text) / 100)


def number_text(value: float) -> str:
    """A number as written in a file, read back as exactly the same float."""
    return format_exact(value)


def category_path(domain: str) -> str:
    """The Moodle category an exported item goes in: its domain, under the course's top category (so a
    Moodle question bank keeps the bank's domains apart)."""
    return f"$course$/top/{domain}"


def category_tag(path: str) -> str | None:
    """A Moodle category path as a tag: ``$course$/top/A/B`` → ``category: A/B`` (None for the top)."""
    parts = [p.strip() for p in path.strip().split("/") if p.strip()]
    if parts and re.fullmatch(r"\$[a-z0-9]+\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return f"category: {'/'.join(parts)}" if parts else None


# -- text ---------------------------------------------------------------------------------------------------
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\((" + re.escape(PLUGINFILE) + r"[^)\s]+)\)")


def read_text(text: str, text_format: str) -> tuple[str, list[tuple[str, str]]]:
    """A Moodle text as the bank's Markdown (HTML converted; Markdown, plain and auto-format kept as they
    are), without the images of embedded files; and every image it shows as (src, alt), in order, with
    an embedded file's src given as its name."""
    shown = [
        (unquote(src.removeprefix(PLUGINFILE)) if src.startswith(PLUGINFILE) else src, alt)
        for src, alt in _image_references(text)
    ]
    markdown = html_to_markdown(text) if text_format == "html" else text.strip()
    return _without_file_images(markdown), shown


def is_embedded(src: str) -> bool:
    """Whether an image src from :func:`read_text` names an embedded file (not a URL)."""
    return "://" not in src and not src.startswith(("data:", "/"))


def _image_references(text: str) -> list[tuple[str, str]]:
    found: list[tuple[int, str, str]] = []
    for match in _IMG_TAG.finditer(text):
        try:
            element = lxml_html.fragment_fromstring(match.group(0))
        except (ValueError, etree.ParserError):
            continue  # not an image after all
        found.append((match.start(), element.get("src") or "", element.get("alt") or ""))
    found += [(m.start(), m.group(2), m.group(1)) for m in _MARKDOWN_IMAGE.finditer(text)]
    return [(src, alt) for _, src, alt in sorted(found)]


def _without_file_images(text: str) -> str:
    """The text without its embedded images and the space before each (the rest exactly as it was)."""
    text = re.sub(r"\s*" + _MARKDOWN_IMAGE.pattern, "", text)
    text = re.sub(
        r"\s*(" + _IMG_TAG.pattern + ")",
        lambda m: "" if PLUGINFILE in m.group(1) else m.group(0),
        text,
        flags=re.IGNORECASE,
    )
    return text.strip()


def with_figure(text: str, images: list[Image]) -> str:
    """The Markdown text with an ``<img>`` showing each embedded file, as Moodle names them."""
    tags = [
        lxml_html.tostring(
            lxml_html.Element("img", src=PLUGINFILE + quote(i.name), alt=i.alt), encoding="unicode"
        )
        for i in images
    ]
    return "\n\n".join([text, *tags])


def safe_file_name(name: str) -> str:
    """A figure file name the bank accepts (letters, digits, ``_.-``)."""
    base = name.rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", base).strip("-.") or "figure"


# -- import: a Moodle question as bank item data -------------------------------------------------------------
def to_bank(question: Question) -> Converted | Refused:
    """The bank item for a Moodle question, with what was lost; or why it cannot be taken."""
    origin = Origin(question.name, question.line)
    losses = list(question.notes)
    reader = _KIND_READERS.get(question.qtype)
    if reader is None:
        reason = REFUSED_TYPES.get(
            question.qtype, f"Moodle question type '{question.qtype}' is not supported"
        )
        return Refused(origin, reason)
    try:
        kind_fields = reader(question, losses)
        data = {"kind": kind_fields.pop("kind"), **_common_fields(question, losses), **kind_fields}
    except _Refusal as refusal:
        return Refused(origin, str(refusal))
    files = _figure(question.images, data, losses)
    problem = kind_problem(data)
    if problem:
        return Refused(origin, problem)
    return Converted(origin, data, tuple(losses), files)


def _common_fields(question: Question, losses: list[str]) -> dict[str, Any]:
    if not question.text.strip():
        raise _Refusal("the question has no text")
    explanation = question.general_feedback.strip()
    if not explanation:
        explanation = NO_EXPLANATION
        losses.append(NO_EXPLANATION_LOSS)
    fields: dict[str, Any] = {"stem": question.text.strip(), "explanation": explanation}
    tags = list(dict.fromkeys(t.strip() for t in question.tags if t.strip()))
    if tags:
        fields["tags"] = tags
    return fields


def _figure(images: list[Image], data: dict[str, Any], losses: list[str]) -> dict[str, bytes]:
    """The first image the question text shows becomes the figure; the others are losses."""
    files: dict[str, bytes] = {}
    for image in images:
        if files:
            losses.append(f"image {image.name}: only the first image becomes the figure")
            continue
        svg = figure_svg(image.name, image.content)
        if svg is None:
            losses.append(f"image {image.name}: only SVG, PNG, JPEG and GIF images can become a figure")
            continue
        name = image.name if image.name.lower().endswith(".svg") else f"{image.name}.svg"
        path = f"figures/{safe_file_name(name)}"
        files[path] = svg
        data["figure"] = {"path": path, "alt": image.alt.strip() or "Figure"}
    return files


def _feedback(answer: Answer, number: int, losses: list[str], placeholder: str) -> str:
    if answer.feedback.strip():
        return answer.feedback.strip()
    losses.append(f"no feedback on answer {number}")
    return placeholder


def _kept(answers: Iterable[Answer]) -> list[Answer]:
    """Moodle drops answers left blank."""
    return [a for a in answers if a.text.strip()]


# multichoice and truefalse
def _read_multichoice(question: Question, losses: list[str]) -> dict[str, Any]:
    answers = _kept(question.answers)
    if len(answers) < 2:
        raise _Refusal("a choice question needs at least two answers")
    fractions = [snap(a.fraction) for a in answers]
    if question.single:
        kind, options = "single_choice", _single_options(answers, fractions, losses)
    else:
        kind, options = "multiple_choice", _multiple_options(answers, fractions, losses)
    data: dict[str, Any] = {"kind": kind, "options": options}
    if not question.shuffle:
        data["shuffle"] = False
    return data


def _option(answer: Answer, number: int, correct: bool, losses: list[str]) -> dict[str, Any]:
    feedback = _feedback(answer, number, losses, NO_OPTION_FEEDBACK)
    return {"text": answer.text.strip(), "correct": correct, "feedback": feedback}


def _single_options(answers: list[Answer], fractions: list[float], losses: list[str]) -> list[dict[str, Any]]:
    """Moodle's single choice scores the chosen answer's fraction: one key at 100 %, the others as
    weights (none needed when they are all 0 %)."""
    keys = [i for i, f in enumerate(fractions) if f >= FULL]
    if len(keys) != 1:
        raise _Refusal(
            f"{len(keys)} answers give full marks: a single choice here has exactly one key"
            if keys
            else "no answer gives full marks (100 %): a single choice here needs one key"
        )
    options = [_option(a, n, n - 1 in keys, losses) for n, a in enumerate(answers, 1)]
    if all(f >= FULL or f == 0 for f in fractions):
        return options
    losses += [
        f"answer {n} takes away {percent(-f)} %: a negative mark floors at 0 here"
        for n, f in enumerate(fractions, 1)
        if f < 0
    ]
    weights = [1.0 if f >= FULL else max(-1.0, f) for f in fractions]
    return [{**o, "weight": w} for o, w in zip(options, weights, strict=True)]


def _multiple_options(
    answers: list[Answer], fractions: list[float], losses: list[str]
) -> list[dict[str, Any]]:
    """Moodle's multiple answer scores the sum of the chosen fractions within [0, 1]: the weights."""
    positive = sum(f for f in fractions if f > 0)
    if positive < 1 - 1e-6:
        raise _Refusal(
            f"the positive grades add up to {percent(positive)} %, so no choice earns full marks; "
            "a select-all question here must reach 100 %"
        )
    if all(f > 0 for f in fractions):
        raise _Refusal("every answer earns credit: a select-all question here needs a wrong answer")
    options = [
        _option(a, n, f > 0, losses) for n, (a, f) in enumerate(zip(answers, fractions, strict=True), 1)
    ]
    if is_balanced(fractions):
        return options  # our default rule scores exactly these grades: no weights needed
    if any(f < -1 for f in fractions):
        losses.append("a grade below -100 % was raised to -100 %")
    return [{**o, "weight": max(-1.0, min(f, 1.0))} for o, f in zip(options, fractions, strict=True)]


def is_balanced(fractions: list[float]) -> bool:
    """Whether the grades are +1/k on the k right answers and −1/m on the m wrong ones: our default
    select-all rule, max(0, h/k − f/m), which then needs no weights."""
    right = [f for f in fractions if f > 0]
    wrong = [f for f in fractions if f <= 0]
    if not right or not wrong:
        return False
    return all(math.isclose(f, 1 / len(right), abs_tol=1e-12) for f in right) and all(
        math.isclose(f, -1 / len(wrong), abs_tol=1e-12) for f in wrong
    )


def _read_truefalse(question: Question, losses: list[str]) -> dict[str, Any]:
    by_text = {a.text.strip().lower(): a for a in question.answers}
    true, false = by_text.get("true"), by_text.get("false")
    if true is None or false is None:
        raise _Refusal("a true/false question needs a 'true' and a 'false' answer")
    true_is_right = true.fraction >= FULL
    options = [
        {**_option(true, 1, true_is_right, losses), "text": "True"},
        {**_option(false, 2, not true_is_right, losses), "text": "False"},
    ]
    return {"kind": "single_choice", "options": options, "shuffle": False}


# numerical
@dataclass(frozen=True)
class _Number:
    """A numerical answer: ``bound`` is how far from ``value`` it accepts (our rule for its tolerance)."""

    number: int
    value: float
    tolerance: float
    fraction: float
    feedback: str

    @property
    def bound(self) -> float:
        return Tolerance(absolute=self.tolerance).bound(self.value)

    def accepts(self, value: float) -> bool:
        return abs(value - self.value) <= self.bound

    def overlaps(self, other: _Number) -> bool:
        return abs(self.value - other.value) <= self.bound + other.bound

    def within(self, other: _Number) -> bool:
        """Whether every value this answer accepts is accepted by ``other``."""
        return other.accepts(self.value - self.bound) and other.accepts(self.value + self.bound)


def _read_numerical(question: Question, losses: list[str]) -> dict[str, Any]:
    """The first full-marks answer is the key, later full-marks answers alternative keys, the others
    misconceptions with their credit, each with its own tolerance."""
    if question.unit_graded:
        raise _Refusal("the unit is graded (a wrong unit costs marks), which our numeric kind cannot do")
    numbers = _numbers(question.answers, losses)
    keys = [n for n in numbers if n.fraction >= FULL]
    if not keys:
        raise _Refusal("no answer gives full marks (100 %)")
    _check_first_match(numbers)
    key = keys[0]
    data: dict[str, Any] = {"kind": "numeric", "answer": key.value}
    if key.tolerance:
        data["tolerance"] = {"absolute": key.tolerance}
    if key.feedback:
        losses.append(f"feedback on the correct answer (answer {key.number})")
    alternatives = _alternatives(keys, losses)
    misconceptions = _misconceptions([n for n in numbers if n.fraction < FULL], keys, losses)
    units = _units(question.units, losses)
    optional = {"alternative_keys": alternatives, "misconceptions": misconceptions, "units": units}
    return {**data, **{name: value for name, value in optional.items() if value}}


def _numbers(answers: list[Answer], losses: list[str]) -> list[_Number]:
    """The numerical answers up to Moodle's "any other answer" (``*``), after which none can match."""
    numbers: list[_Number] = []
    for number, answer in enumerate(answers, 1):
        text = answer.text.strip()
        if text in ("", "*"):
            _any_other_answer(answer, number, len(answers), losses)
            break
        try:
            value = float(text)
        except ValueError:
            raise _Refusal(f"answer {number} ({text!r}) is not a number") from None
        if not math.isfinite(value):
            raise _Refusal(f"answer {number} ({text!r}) is not a finite number")
        tolerance = abs(answer.tolerance)
        numbers.append(_Number(number, value, tolerance, snap(answer.fraction), answer.feedback.strip()))
    return numbers


def _any_other_answer(answer: Answer, number: int, count: int, losses: list[str]) -> None:
    if answer.fraction > 0:
        raise _Refusal(f"answer {number} gives {percent(answer.fraction)} % to any other answer")
    if answer.feedback.strip():
        losses.append("feedback for any other answer")
    if number < count:
        losses.append(f"the answers after answer {number} (any other answer) can never match")


def _check_first_match(numbers: list[_Number]) -> None:
    """Moodle takes the first answer in file order whose range holds the response; ours tries the keys
    before the other answers. That is the same unless a lower answer comes before an overlapping
    full-marks one."""
    for i, lower in enumerate(numbers):
        if lower.fraction >= FULL:
            continue
        for later in numbers[i + 1 :]:
            if later.fraction >= FULL and lower.overlaps(later):
                raise _Refusal(
                    f"answer {lower.number} ({percent(lower.fraction)} %) comes before answer "
                    f"{later.number} (100 %) and their ranges overlap: Moodle gives the first, we "
                    "would give the key"
                )


def _alternatives(keys: list[_Number], losses: list[str]) -> list[dict[str, Any]]:
    alternatives: list[dict[str, Any]] = []
    for i, other in enumerate(keys[1:], 1):
        if any(other.within(earlier) for earlier in keys[:i]):
            losses.append(f"answer {other.number}: an earlier answer already accepts every value it does")
            continue
        if any(earlier.accepts(other.value) for earlier in keys[:i]):
            raise _Refusal(
                f"answer {other.number} starts inside the range of an earlier full-marks answer and "
                "reaches past it: widen that answer's tolerance instead"
            )
        explanation = other.feedback or _placeholder(other.number, losses)
        alternatives.append(
            {"value": other.value, "explanation": explanation, "tolerance": {"absolute": other.tolerance}}
        )
    return alternatives


def _misconceptions(lower: list[_Number], keys: list[_Number], losses: list[str]) -> list[dict[str, Any]]:
    misconceptions: list[dict[str, Any]] = []
    for answer in lower:
        if any(answer.within(key) for key in keys):
            losses.append(f"answer {answer.number}: a full-marks answer accepts every value it does")
            continue
        if answer.fraction < 0:
            losses.append(f"answer {answer.number}: a negative mark floors at 0 here")
        misconceptions.append(
            {
                "value": answer.value,
                "feedback": answer.feedback or _placeholder(answer.number, losses),
                "score": max(0.0, answer.fraction),
                "tolerance": {"absolute": answer.tolerance},
            }
        )
    return misconceptions


def _placeholder(number: int, losses: list[str]) -> str:
    losses.append(f"no feedback on answer {number}")
    return NO_ANSWER_FEEDBACK


def _units(units: list[tuple[str, float]], losses: list[str]) -> str | None:
    """The unit with multiplier 1 is shown beside the answer; others convert nothing here."""
    base = next((name.strip() for name, multiplier in units if multiplier == 1 and name.strip()), None)
    losses += [
        f"unit {name} (×{number_text(multiplier)}): learners type the number in {base or 'the base unit'}"
        for name, multiplier in units
        if name.strip() != base
    ]
    return base


# shortanswer
def _read_shortanswer(question: Question, losses: list[str]) -> dict[str, Any]:
    """Every answer in file order becomes a graded answer (the first that matches wins, as in Moodle);
    the first full-marks one, without its wildcards, is the key shown in the review."""
    graded = [_graded(n, a, losses) for n, a in enumerate(_kept(question.answers), 1)]
    key = next((g for g in graded if g["score"] >= FULL), None)
    if key is None:
        raise _Refusal("no answer gives full marks (100 %)")
    accepted = literal_text(key["text"])
    if not accepted.strip():
        raise _Refusal(f"the first full-marks answer ({key['text']!r}) accepts any text")
    earlier = _first_graded(graded, accepted, question.case_sensitive)
    if earlier is not None and earlier["score"] < FULL:
        raise _Refusal(
            f"the first full-marks answer {accepted!r} is caught by an earlier answer "
            f"({earlier['text']!r}, {percent(earlier['score'])} %)"
        )
    data: dict[str, Any] = {"kind": "short_text", "accepted": [accepted], "graded": graded}
    if question.case_sensitive:
        data["case_sensitive"] = True
    return data


def _graded(number: int, answer: Answer, losses: list[str]) -> dict[str, Any]:
    fraction = snap(answer.fraction)
    if fraction < 0:
        losses.append(f"answer {number}: a negative mark floors at 0 here")
    entry: dict[str, Any] = {"text": answer.text.strip(), "score": min(1.0, max(0.0, fraction))}
    if answer.feedback.strip():
        entry["feedback"] = answer.feedback.strip()
    return entry


def literal_text(pattern: str) -> str:
    """A Moodle short answer without its wildcards: ``*drop\\*out*`` → ``drop*out``."""
    return re.sub(r"\\\*|\*", lambda m: "*" if m.group(0) == "\\*" else "", pattern)


def _first_graded(graded: list[dict[str, Any]], text: str, case_sensitive: bool) -> dict[str, Any] | None:
    given = normalise(text, case_sensitive=case_sensitive)
    flags = re.NOFLAG if case_sensitive else re.IGNORECASE
    for entry in graded:
        pattern = wildcard_pattern(normalise(entry["text"], case_sensitive=case_sensitive))
        if re.fullmatch(pattern, given, flags):
            return entry
    return None


# ordering
def _read_ordering(question: Question, losses: list[str]) -> dict[str, Any]:
    """Moodle lists the items in their correct order."""
    answers = _kept(question.answers)
    if len(answers) < 2:
        raise _Refusal("an ordering question needs at least two items")
    if not question.order_shows_all:
        raise _Refusal("each attempt shows a random subset of the items, which our ordering kind cannot do")
    scoring = ORDER_SCORING.get(question.order_grading)
    if scoring is None:
        raise _Refusal(f"grading type {question.order_grading} has no exact counterpart here")
    if scoring == "subsequence":
        losses.append(
            "Moodle scores an order with no two items in the right relative order 0; here it earns 1/n"
        )
    losses += [f"feedback on item {n}" for n, a in enumerate(answers, 1) if a.feedback.strip()]
    blocks = [{"id": f"b{n}", "text": a.text.strip()} for n, a in enumerate(answers, 1)]
    return {"kind": "ordering", "blocks": blocks, "scoring": scoring}


_KIND_READERS: dict[str, Callable[[Question, list[str]], dict[str, Any]]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "numerical": _read_numerical,
    "shortanswer": _read_shortanswer,
    "ordering": _read_ordering,
}


# -- export: a bank item as a Moodle question ----------------------------------------------------------------
Part = TypeVar("Part")


def export_questions(
    items: list[ExportItem],
    render: Callable[[Question], tuple[Part, list[str]]],
    category: Callable[[str], Part],
) -> tuple[list[Part], Export]:
    """What Moodle XML and GIFT writing share: each item as a Moodle question rendered by the syntax
    (``render`` gives its part of the file and the syntax's own losses, or raises CannotExport), a
    category part before each domain's questions, and the written / skipped / lost record."""
    parts: list[Part] = []
    export = Export(b"")
    domain = None
    for entry in items:
        try:
            question, losses = from_bank(entry.item, entry.figure)
            part, more = render(question)
        except CannotExport as reason:
            export.skipped.append(Skipped(entry.item.id, str(reason)))
            continue
        if entry.item.domain != domain:
            domain = entry.item.domain
            parts.append(category(category_path(domain)))
        parts.append(part)
        export.written.append(entry.item.id)
        if losses + more:
            export.losses[entry.item.id] = losses + more
    return parts, export


def from_bank(item: GradableItem, figure: bytes | None) -> tuple[Question, list[str]]:
    """The Moodle question for an item and what it loses (never scoring); raise :class:`CannotExport`
    with the reason when Moodle would grade any answer differently."""
    write = _KIND_WRITERS.get(item.kind)
    if write is None:
        raise CannotExport(_UNEXPRESSIBLE.get(item.kind, f"Moodle has no question type for {item.kind}"))
    question = Question(name=item.id, qtype="", text=item.stem, general_feedback=item.explanation)
    question.tags = list(item.tags)
    question.images = _images(item, figure)
    losses: list[str] = []
    write(item, question, losses)
    if isinstance(item, SingleChoiceItem | MultipleChoiceItem) and [o.id for o in item.options] != [
        chr(ord("a") + n) for n in range(len(item.options))
    ]:
        losses.append("option ids (answers come back lettered a, b, c, …)")
    if item.dont_know_feedback:
        losses.append("“I don't know yet” feedback")
    return question, losses


_UNEXPRESSIBLE = {
    "numeric_tuple": "Moodle has no question of several named numbers scored by the share right",
    "matrix": "Moodle has no numeric grid question scored by the share of cells right",
    "free_text": "Moodle's essay is graded by hand: our rubric cannot go with it",
}


def _images(item: GradableItem, figure: bytes | None) -> list[Image]:
    if item.figure is None:
        return []
    content = figure if figure is not None else (item.figure.svg or "").encode()
    name = safe_file_name(item.figure.path) if item.figure.path else f"{item.id}.svg"
    return [Image(name, content, item.figure.alt)]


def _write_single(item: GradableItem, question: Question, losses: list[str]) -> None:
    """Moodle scores the chosen answer's fraction, which may be negative: a negative weight (0 here) is
    written as 0 %."""
    assert isinstance(item, SingleChoiceItem)
    question.qtype, question.single, question.shuffle = "multichoice", True, item.shuffle
    for option in item.options:
        fraction = item.weight_of(option) if item.weighted else float(option.correct)
        if fraction < 0:
            losses.append(f"option {option.id}: its negative weight is written as 0 % (it scores 0 here too)")
        question.answers.append(Answer(option.text, _exact(max(0.0, fraction)), option.feedback))


def _write_multiple(item: GradableItem, question: Question, losses: list[str]) -> None:
    """Moodle scores the sum of the chosen fractions within [0, 1]: our weights, or our default rule as
    +1/k on the right answers and −1/m on the wrong ones."""
    assert isinstance(item, MultipleChoiceItem)
    question.qtype, question.single, question.shuffle = "multichoice", False, item.shuffle
    if item.weighted:
        fractions = [item.weight_of(o) for o in item.options]
    else:
        right = sum(o.correct for o in item.options)
        wrong = len(item.options) - right
        fractions = [1 / right if o.correct else -1 / wrong for o in item.options]
    positive = sum(f for f in fractions if f > 0)
    if round(positive, 2) != 1:
        raise CannotExport(
            f"the positive weights add up to {percent(positive)} %: Moodle takes exactly 100 % in a "
            "multiple-answer question"
        )
    question.answers = [
        Answer(o.text, _exact(f), o.feedback) for o, f in zip(item.options, fractions, strict=True)
    ]


def _exact(fraction: float) -> float:
    """The fraction, when Moodle's 7 decimals (snapped back on import) keep it exactly."""
    if fraction_from_percent(percent(fraction)) != fraction:
        raise CannotExport(f"the grade {fraction!r} does not survive Moodle's 7 decimals")
    return fraction


def _write_numeric(item: GradableItem, question: Question, losses: list[str]) -> None:
    """Moodle tries the answers in file order, so the key, the alternative keys, then the misconceptions
    in order give our order. Each tolerance is our bound for that value, as an absolute tolerance
    (Moodle widens it by about 1e-14 against rounding)."""
    assert isinstance(item, NumericItem)
    question.qtype = "numerical"
    answers = [Answer(number_text(item.answer), 1.0, "", item.tolerance.bound(item.answer))]
    for key in item.alternative_keys:
        bound = (key.tolerance or item.tolerance).bound(key.value)
        answers.append(Answer(number_text(key.value), 1.0, key.explanation, bound))
    for wrong in item.misconceptions:
        bound = (wrong.tolerance or item.tolerance).bound(wrong.value)
        answers.append(Answer(number_text(wrong.value), _exact(wrong.score), wrong.feedback, bound))
    question.answers = answers
    if item.units:
        question.units = [(item.units, 1.0)]


def _write_short_text(item: GradableItem, question: Question, losses: list[str]) -> None:
    """Graded answers first (ours checks them first), then the accepted answers and every answer each
    pattern accepts, then each keyword as a 0 % ``*word*`` answer with its feedback."""
    assert isinstance(item, ShortTextItem)
    question.qtype, question.case_sensitive = "shortanswer", item.case_sensitive
    answers = [Answer(g.text, _exact(g.score), g.feedback or "") for g in item.graded]
    literals = list(item.accepted)
    for pattern in item.patterns:
        expansion = expand_pattern(pattern, case_sensitive=item.case_sensitive, limit=MAX_EXPANSIONS)
        if expansion is None:
            raise CannotExport(
                f"pattern {pattern!r} accepts answers Moodle cannot list one by one (unbounded "
                f"repetition, any character, or more than {MAX_EXPANSIONS} answers)"
            )
        literals += expansion
    answers += [Answer(_escaped_literal(text), 1.0) for text in _distinct(literals, item.case_sensitive)]
    question.answers = answers + _keyword_answers(item, losses)
    losses.append(
        "Moodle compares a short answer as typed (only trimmed): doubled spaces inside an answer, "
        "collapsed here, make it wrong there"
    )


def _escaped_literal(text: str) -> str:
    if "\\" in text:
        raise CannotExport(f"the answer {text!r} has a backslash, which Moodle's wildcards read as an escape")
    return text.replace("*", "\\*")


def _distinct(texts: list[str], case_sensitive: bool) -> list[str]:
    first: dict[str, str] = {}
    for text in texts:
        first.setdefault(normalise(text, case_sensitive=case_sensitive), text)
    return list(first.values())


def _keyword_answers(item: ShortTextItem, losses: list[str]) -> list[Answer]:
    """Our keywords only add feedback to a wrong answer; as 0 % answers after every right one, they do
    the same, except that Moodle shows only the first that matches."""
    answers = [
        Answer(f"*{_escaped_literal(word)}*", 0.0, keyword.feedback)
        for keyword in item.keywords
        for word in keyword.match
    ]
    if len(item.keywords) > 1:
        losses.append("keyword feedback: Moodle shows only the first matching keyword's remark")
    if item.keywords and item.case_sensitive:
        losses.append("keyword feedback: Moodle matches the keywords case-sensitively in this question")
    return answers


def _write_ordering(item: GradableItem, question: Question, losses: list[str]) -> None:
    assert isinstance(item, OrderingItem)
    if any(b.distractor for b in item.blocks):
        raise CannotExport("Moodle's ordering question has no distractor items")
    if item.alternative_orders:
        raise CannotExport("Moodle's ordering question has one correct order only")
    if item.scoring == "subsequence":
        raise CannotExport(
            "Moodle's longest ordered subset scores an order with no two items in place 0, ours 1/n"
        )
    question.qtype = "ordering"
    question.order_grading = "ABSOLUTE_POSITION" if item.scoring == "position" else "ALL_OR_NOTHING"
    question.answers = [Answer(b.text, 1.0) for b in item.blocks]
    if [b.id for b in item.blocks] != [f"b{n}" for n in range(1, len(item.blocks) + 1)]:
        losses.append("block ids (Moodle numbers the items: they come back as b1, b2, …)")


_KIND_WRITERS: dict[str, Callable[[GradableItem, Question, list[str]], None]] = {
    "single_choice": _write_single,
    "multiple_choice": _write_multiple,
    "numeric": _write_numeric,
    "short_text": _write_short_text,
    "ordering": _write_ordering,
}
