"""GIFT, Moodle's text format: read into and written from Moodle's question model
(:mod:`~adaptest.bank.interop.answers` holds every scoring rule; this module is only the syntax).

The reader follows Moodle's own GIFT import step by step (questions separated by blank lines, ``//``
comment lines, the escapes ``\\~ \\= \\# \\{ \\} \\: \\n \\\\``, the first ``{…}`` as the answers, the
question type told by what the answers contain), so a file means here what it means in Moodle. It keeps
the line and column every character came from, so a syntax error points at its place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adaptest.bank.interop.answers import (
    Answer,
    CannotExport,
    Question,
    category_tag,
    export_questions,
    number_text,
    percent,
    read_text,
    to_bank,
)
from adaptest.bank.interop.model import Converted, Export, ExportItem, Refused, SourceSyntaxError

Place = tuple[int, int]
"""(line, column), both from 1."""
ESCAPED = {
    ":": "\ufdd0",
    "#": "\ufdd1",
    "=": "\ufdd2",
    "{": "\ufdd3",
    "}": "\ufdd4",
    "~": "\ufdd5",
    "n": "\ufdd6",
}
"""What an escaped character is held as while parsing: a Unicode noncharacter (reserved for a
program's internal use, never in a text file), so it is never taken for syntax."""
UNESCAPED = {stand_in: ("\n" if char == "n" else char) for char, stand_in in ESCAPED.items()}
FORMATS = ("moodle", "html", "plain", "markdown")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_LOOKS_LIKE_WEIGHT = re.compile(r"%[^%\s]*%")
"""A closed ``%…%`` that is not a percentage is a mistaken weight; ``%5 off`` is just text, as in Moodle."""
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]])+)\]")


# -- text that remembers where it came from ---------------------------------------------------------------
@dataclass(frozen=True)
class _Text:
    """Characters of the file after GIFT's escapes, each with the place it came from."""

    chars: str
    places: tuple[Place, ...]

    def __len__(self) -> int:
        return len(self.chars)

    def __getitem__(self, part: slice) -> _Text:
        return _Text(self.chars[part], self.places[part])

    def place(self, index: int) -> Place:
        """Where the character at ``index`` came from (the last one's for an index past the end)."""
        if not self.places:
            return (1, 1)
        return self.places[min(max(index, 0), len(self.places) - 1)]

    def find(self, sub: str, start: int = 0) -> int:
        return self.chars.find(sub, start)

    def strip(self) -> _Text:
        start = len(self.chars) - len(self.chars.lstrip())
        return self[start : len(self.chars.rstrip())]

    def split(self, separator: str, most: int = -1) -> list[_Text]:
        pieces: list[_Text] = []
        start = 0
        while most < 0 or len(pieces) < most:
            end = self.chars.find(separator, start)
            if end < 0:
                break
            pieces.append(self[start:end])
            start = end + len(separator)
        return [*pieces, self[start:]]

    def plain(self) -> str:
        """The characters as the author meant them: escaped ones back to themselves, trimmed."""
        return "".join(UNESCAPED.get(c, c) for c in self.chars).strip()


def _error(text: _Text, index: int, message: str) -> SourceSyntaxError:
    line, column = text.place(index)
    return SourceSyntaxError(line, column, message)


# -- reading ----------------------------------------------------------------------------------------------
def read(path: Path) -> list[Converted | Refused]:
    """Every question of a GIFT file, converted or refused; ``$CATEGORY:`` lines become tags."""
    source = _decoded(path.read_bytes())
    results: list[Converted | Refused] = []
    category: list[str] = []
    for block in _blocks(source):
        text, comments = _joined(block)
        if not text.chars:
            continue  # only comments
        if text.chars.startswith("$CATEGORY:"):
            category = _category(text)
            continue
        question = _question(text)
        question.tags = [*category, *_comment_tags(comments)]
        results.append(to_bank(question))
    return results


def _category(text: _Text) -> list[str]:
    """The tag a ``$CATEGORY:`` block gives the questions after it."""
    newline = text.find("\n")
    if newline >= 0:
        raise _error(
            text, newline + 1, "leave a blank line after $CATEGORY: (else this joins the category name)"
        )
    tag = category_tag(text[len("$CATEGORY:") :].plain())
    return [tag] if tag else []


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        column = error.start - content.rfind(b"\n", 0, error.start)
        raise SourceSyntaxError(line, column, "the file is not UTF-8 text") from None


def _blocks(source: str) -> Iterator[list[tuple[int, str]]]:
    """The questions: runs of lines between blank lines, each line with its number."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _joined(block: list[tuple[int, str]]) -> tuple[_Text, list[str]]:
    """The block as Moodle sees it: lines trimmed, comment lines blanked, joined by newlines, escapes
    replaced; and the comment lines."""
    chars: list[str] = []
    places: list[Place] = []
    comments: list[str] = []
    for number, line in block:
        stripped = line.strip()
        column = len(line) - len(line.lstrip()) + 1
        if stripped.startswith("//"):
            comments.append(stripped)
            stripped = " "
        if chars:
            chars.append("\n")
            places.append(places[-1])
        chars += stripped
        places += [(number, column + i) for i in range(len(stripped))]
    return _unescaped(_Text("".join(chars), tuple(places)).strip()), comments


def _unescaped(text: _Text) -> _Text:
    """``\\\\`` is a backslash and ``\\~`` etc. a stand-in; any other backslash stays as it is."""
    chars: list[str] = []
    places: list[Place] = []
    index = 0
    while index < len(text.chars):
        char, following = text.chars[index], text.chars[index + 1 : index + 2]
        if char == "\\" and (following == "\\" or following in ESCAPED):
            chars.append("\\" if following == "\\" else ESCAPED[following])
            places.append(text.places[index])
            index += 2
            continue
        chars.append(char)
        places.append(text.places[index])
        index += 1
    return _Text("".join(chars), tuple(places))


def _comment_tags(comments: list[str]) -> list[str]:
    """Moodle's ``// [tag:name]`` comments before a question."""
    return [m.group(1).replace("\\]", "]").strip() for c in comments for m in _TAG.finditer(c)]


def _question(text: _Text) -> Question:
    line = text.place(0)[0]
    name, text = _name(text)
    body, answers = _answer_section(text)
    text_format, body = _with_format(body, "moodle")
    stem, _images = read_text(body.plain(), text_format)
    question = Question(name=name or _default_name(stem, line), qtype="", text=stem, line=line)
    if _images:
        question.notes.append("image(s) in the question text: GIFT cannot carry their files")
    if answers is None:
        question.qtype = "description"
        return question
    answers, general = _general_feedback(answers)
    question.general_feedback = _markdown(general, text_format) if general is not None else ""
    question.qtype = _question_type(answers)
    reader = _TYPE_READERS.get(question.qtype)
    if reader is not None:
        reader(question, answers, text_format)
    return question


def _name(text: _Text) -> tuple[str | None, _Text]:
    if not text.chars.startswith("::"):
        return None, text
    end = text.find("::", 2)
    if end < 0:
        raise _error(text, 0, "the question name opened with :: is not closed with ::")
    return text[2:end].plain(), text[end + 2 :].strip()


def _default_name(stem: str, line: int) -> str:
    return " ".join(stem.split())[:60] or f"question on line {line}"


def _answer_section(text: _Text) -> tuple[_Text, _Text | None]:
    """The question text (with ``_____`` where the answers stood inside it) and the answers between the
    first ``{`` and the first ``}`` (None for a question without any)."""
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        return text, None
    if start < 0 or (0 <= finish < start):
        raise _error(text, finish, "this } closes no {: write \\} for a brace in the text")
    if finish < 0:
        raise _error(text, start, "this { is never closed: the answers end with }")
    inner = text.find("{", start + 1)
    if 0 <= inner < finish:
        raise _error(text, inner, "a { inside the answers: write \\{ for a brace in the text")
    _no_second_section(text, finish)
    before, after = text[:start], text[finish + 1 :]
    if after.strip().chars:  # Moodle's "missing word" form: a blank where the answers stood
        blank = _Text("_____", (text.place(start),) * 5)
        before = _Text(before.chars + blank.chars + after.chars, before.places + blank.places + after.places)
    return before.strip(), text[start + 1 : finish].strip()


def _no_second_section(text: _Text, finish: int) -> None:
    opening, closing = text.find("{", finish + 1), text.find("}", finish + 1)
    if closing >= 0 and (opening < 0 or closing < opening):
        raise _error(text, closing, "this } closes no {: write \\} for a brace in the text")
    if opening >= 0 and closing < 0:
        raise _error(text, opening, "this { is never closed: the answers end with }")
    if opening >= 0:
        raise _error(
            text, opening, "a second set of answers {…}: one question has one (use Moodle XML for cloze)"
        )


def _general_feedback(answers: _Text) -> tuple[_Text, _Text | None]:
    """Everything after the last ``####`` is the general feedback."""
    marker = answers.chars.rfind("####")
    if marker < 0:
        return answers, None
    return answers[:marker].strip(), answers[marker + 4 :]


def _with_format(text: _Text, default: str) -> tuple[str, _Text]:
    """A leading ``[html]``, ``[markdown]``, ``[plain]`` or ``[moodle]`` marker, taken off the text."""
    text = text.strip()
    if text.chars.startswith("["):
        end = text.find("]")
        name = text.chars[1:end] if end > 0 else ""
        if name in FORMATS:
            return name, text[end + 1 :]
    return default, text


def _markdown(text: _Text, default_format: str) -> str:
    text_format, body = _with_format(text, default_format)
    markdown, _images = read_text(body.plain(), text_format)
    return markdown


def _question_type(answers: _Text) -> str:
    """Moodle's order of tests: nothing (essay), ``#`` (numerical), ``~`` (choice), ``=`` with ``->``
    (matching), ``T``/``F`` (true/false), else a short answer."""
    chars = answers.chars
    if not chars:
        return "essay"
    if chars.startswith("#"):
        return "numerical"
    if chars.startswith(">"):
        return "gift-ordering"
    if "~" in chars:
        return "multichoice"
    if "=" in chars and "->" in chars:
        return "match"
    before_feedback = answers.split("#", 1)[0] if chars.find("#") > 0 else answers
    return "truefalse" if before_feedback.plain() in TRUE_FALSE else "shortanswer"


def _weight(answer: _Text, default: float) -> tuple[float, _Text]:
    """A leading ``%50%`` weight as a fraction, and the answer after it."""
    match = _WEIGHT.match(answer.chars)
    if match is None:
        if _LOOKS_LIKE_WEIGHT.match(answer.chars):
            raise _error(answer, 0, "a weight is a percentage between two % signs, such as %50% or %-25%")
        return default, answer
    value = float(match.group(1))
    if not -100 <= value <= 100:
        raise _error(answer, 0, f"the weight {match.group(0)} is not between -100% and 100%")
    return value / 100, answer[match.end() :]


def _with_feedback(answer: _Text, text_format: str, *, plain: bool = False) -> tuple[str, str]:
    """An answer's text and its ``#feedback``."""
    parts = answer.split("#", 1)
    text_part = _with_format(parts[0], text_format)[1].plain() if plain else _markdown(parts[0], text_format)
    feedback = _markdown(parts[1], text_format) if len(parts) > 1 else ""
    return text_part, feedback


def _read_multichoice(question: Question, answers: _Text, text_format: str) -> None:
    """``=`` marks a right answer (and makes the question single-answer), ``~`` the others, with an
    optional ``%weight%``."""
    question.single = "=" in answers.chars
    pieces = _choice_pieces(answers)
    if len(pieces) < 2:
        raise _error(answers, 0, "a choice question needs at least two answers")
    for marker, piece in pieces:
        fraction, rest = (1.0, piece) if marker == "=" else _weight(piece, 0.0)
        text, feedback = _with_feedback(rest, text_format)
        question.answers.append(Answer(text, fraction, feedback))


def _choice_pieces(answers: _Text) -> list[tuple[str, _Text]]:
    """The answers, each after its ``=`` or ``~``; text before the first one is an answer too, if any."""
    pieces: list[tuple[str, _Text]] = []
    marker, start = "", 0
    for index, char in enumerate(answers.chars):
        if char in "~=":
            pieces.append((marker, answers[start:index].strip()))
            marker, start = char, index + 1
    pieces.append((marker, answers[start:].strip()))
    return [(m, p) for i, (m, p) in enumerate(pieces) if i > 0 or p.chars]


def _read_truefalse(question: Question, answers: _Text, text_format: str) -> None:
    """``{T#wrong feedback#right feedback}``: the first feedback is for the wrong answer."""
    parts = answers.split("#", 2)
    true_is_right = TRUE_FALSE[parts[0].plain()]
    wrong = _markdown(parts[1], text_format) if len(parts) > 1 else ""
    right = _markdown(parts[2], text_format) if len(parts) > 2 else ""
    question.answers = [
        Answer("true", 1.0 if true_is_right else 0.0, right if true_is_right else wrong),
        Answer("false", 0.0 if true_is_right else 1.0, wrong if true_is_right else right),
    ]


def _equals_pieces(answers: _Text, empty: str) -> list[_Text]:
    """The answers of ``=a =b`` (text before the first ``=`` is not one), or a syntax error ``empty``."""
    pieces = [p.strip() for p in answers.split("=")]
    if pieces and not pieces[0].chars:
        pieces = pieces[1:]
    if not pieces:
        raise _error(answers, 0, empty)
    return pieces


def _read_shortanswer(question: Question, answers: _Text, text_format: str) -> None:
    """``{=answer =%50%partly#feedback}``: without a weight an answer earns full marks."""
    for piece in _equals_pieces(answers, "a short-answer question needs at least one answer"):
        fraction, rest = _weight(piece, 1.0)
        text, feedback = _with_feedback(rest, text_format, plain=True)
        question.answers.append(Answer(text, fraction, feedback))


def _read_numerical(question: Question, answers: _Text, text_format: str) -> None:
    """``{#5:0.5}``, ``{#1..5}`` (3 ± 2), ``{#=5:0 =%50%5:2#feedback ~#any other answer}``."""
    answers = answers[1:]
    other = answers.find("~")
    wrong_feedback = answers[other:] if other >= 0 else None
    answers = answers[:other] if other >= 0 else answers
    for piece in _equals_pieces(answers, "a numerical question needs at least one number"):
        fraction, rest = _weight(piece, 1.0)
        value_text, feedback = _with_feedback(rest, text_format, plain=True)
        value, tolerance = _number_and_tolerance(value_text, rest)
        question.answers.append(Answer(value, fraction, feedback, tolerance))
    if wrong_feedback is not None:
        _, feedback = _with_feedback(wrong_feedback[1:], text_format)
        question.answers.append(Answer("*", 0.0, feedback))


def _number_and_tolerance(text: str, where: _Text) -> tuple[str, float]:
    """``5:0.5`` (5 ± 0.5), ``1..5`` (3 ± 2) or ``5`` (exactly)."""
    if text == "*":
        return "*", 0.0
    if text.find("..") > 0:
        low, high = (_gift_number(part, where) for part in text.split("..", 1))
        middle = (high + low) / 2
        return number_text(middle), high - middle
    if text.find(":") > 0:
        value, tolerance = text.split(":", 1)
        return number_text(_gift_number(value, where)), _gift_number(tolerance, where)
    return number_text(_gift_number(text, where)), 0.0


def _gift_number(text: str, where: _Text) -> float:
    if not _NUMBER.fullmatch(text.strip()):
        raise _error(where, 0, f"{text.strip()!r} is not a number")
    return float(text)


_TYPE_READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
}


# -- writing ----------------------------------------------------------------------------------------------
def write(items: list[ExportItem]) -> Export:
    """A GIFT file of every item Moodle grades exactly as we do; the others skipped with the reason."""
    blocks, export = export_questions(items, _rendered, lambda path: f"$CATEGORY: {path}")
    export.content = ("\n\n".join(blocks) + "\n").encode() if blocks else b""
    return export


def _rendered(question: Question) -> tuple[str, list[str]]:
    losses = _gift_limits(question)
    return _block(question), losses


def _gift_limits(question: Question) -> list[str]:
    """What GIFT cannot hold beyond Moodle's model: files, ordering, case, and (a loss) units."""
    if question.images:
        raise CannotExport("GIFT cannot carry the figure's file")
    if question.qtype == "ordering":
        raise CannotExport("GIFT has no ordering question")
    if question.case_sensitive:
        raise CannotExport("a GIFT short answer is always case-insensitive")
    if question.qtype == "shortanswer" and any("->" in a.text + a.feedback for a in question.answers):
        raise CannotExport("GIFT reads '->' among short answers as a matching question")
    losses = [f"units (“{name}”): GIFT has no place for them" for name, _ in question.units]
    if question.qtype == "multichoice" and not question.shuffle:
        losses.append("the fixed option order: GIFT cannot say “do not shuffle”")
    return losses


def _block(question: Question) -> str:
    lines = ["// [tag:" + tag.replace("]", "\\]") + "]" for tag in question.tags]
    lines.append(f"::{_escaped(question.name)}::[markdown]{_escaped(question.text)}{{")
    if question.qtype == "numerical":
        lines[-1] += "#"
    lines += [f"\t{marker}{_answer_text(question, answer)}" for marker, answer in _markers(question)]
    if question.general_feedback:
        lines.append(f"\t####{_escaped(question.general_feedback, protect_format=True)}")
    lines.append("}")
    return "\n".join(lines)


def _markers(question: Question) -> Iterator[tuple[str, Answer]]:
    for answer in question.answers:
        if question.qtype == "multichoice":
            if question.single and answer.fraction == 1:
                yield "=", answer
            else:
                yield ("~" if answer.fraction == 0 else f"~%{percent(answer.fraction)}%"), answer
        else:
            yield ("=" if answer.fraction == 1 else f"=%{percent(answer.fraction)}%"), answer


def _answer_text(question: Question, answer: Answer) -> str:
    if question.qtype == "numerical":
        text = f"{answer.text}:{number_text(answer.tolerance)}"
    else:
        text = _escaped(answer.text, protect_format=True)
    if answer.feedback:
        text += "#" + _escaped(answer.feedback, protect_format=True)
    return text


def _escaped(text: str, *, protect_format: bool = False) -> str:
    """GIFT's escapes; an answer or feedback that starts with ``[`` or ``%`` gets a ``[markdown]`` marker,
    so that Moodle does not take its start for a format marker or a weight."""
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    text = text.replace("\r", "").replace("\n", "\\n")
    return f"[markdown]{text}" if protect_format and text.startswith(("[", "%")) else text
