"""Each item kind as QTI 3.0 declarations, interaction and response processing — or why it cannot be.

The response processing is always written out as rules; the scoring rules are those of the standard
templates (match_correct, map_response) or, for numbers, a chain of ``qti-equal`` tests with tolerances,
and the reader (qti_read_kinds) reads back exactly these shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from adaptest.bank.interop.patterns import expand_pattern
from adaptest.bank.interop.qti_base import (
    FEEDBACK,
    RESPONSE,
    SCORE,
    Element,
    append_markdown,
    is_inline_markdown,
    plain_text,
    q,
    qti_identifier,
    write_number,
)
from adaptest.bank.interop.qti_patterns import keyword_pattern
from adaptest.bank.kinds import (
    GradableItem,
    NumericItem,
    OrderingItem,
    ShortTextItem,
    SingleChoiceItem,
)
from adaptest.bank.kinds.choice import ChoiceItem, Option
from adaptest.bank.kinds.text import normalise
from adaptest.bank.schema import Tolerance

MapEntry = tuple[str, float, bool | None]
"""A mapping entry: key, mapped value, and case sensitivity (None: not a string)."""
MAX_KEYS = 2000
"""A short text's pattern that accepts more answers than this is not listed as mapping keys."""


class SkipItem(Exception):  # noqa: N818 (a refusal to export, not a bug)
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ItemParts:
    """What a kind adds to an item: declarations, body elements after the stem, response rules, and
    per-answer modal feedback (identifier, title, Markdown) shown through FEEDBACK."""

    responses: list[Element]
    body: list[Element]
    rules: list[Element]
    response_ids: list[str] = field(default_factory=lambda: [RESPONSE])
    feedback_cardinality: str | None = None
    modals: list[tuple[str, str, str]] = field(default_factory=list)


def kind_parts(item: GradableItem, losses: list[str]) -> ItemParts:
    """The QTI parts of ``item``; raise :class:`SkipItem` when QTI cannot score it exactly."""
    if isinstance(item, ChoiceItem):
        return _choice(item)
    if isinstance(item, NumericItem):
        return _numeric(item)
    if isinstance(item, ShortTextItem):
        return _short_text(item, losses)
    if isinstance(item, OrderingItem):
        return _ordering(item, losses)
    if item.kind == "free_text":
        raise SkipItem(
            "free_text is scored by a rubric; QTI's extended-text interaction leaves it to a person"
        )
    raise SkipItem(f"{item.kind} items have no QTI form here")


# -- choices -----------------------------------------------------------------------------------------
def _choice(item: ChoiceItem) -> ItemParts:
    single = isinstance(item, SingleChoiceItem)
    ids = {o.id: qti_identifier(o.id) for o in item.options}
    mapping: list[MapEntry] | None = None
    if not single or item.weighted:
        mapping = [(ids[o.id], _weight(item, o), None) for o in item.options]
    declaration = response_declaration(
        RESPONSE,
        "single" if single else "multiple",
        "identifier",
        [ids[o.id] for o in item.options if o.correct],
        mapping,
    )
    interaction = etree.Element(
        q("qti-choice-interaction"),
        {
            "response-identifier": RESPONSE,
            "shuffle": "true" if item.shuffle else "false",
            "max-choices": "1" if single else "0",
            "min-choices": "0",
        },
    )
    modals = [_simple_choice(interaction, ids[o.id], o) for o in item.options]
    feedback_rule = set_outcome(FEEDBACK, variable(RESPONSE))
    return ItemParts(
        responses=[declaration],
        body=[interaction],
        rules=[match_correct_rule() if mapping is None else map_response_rule(), feedback_rule],
        feedback_cardinality="single" if single else "multiple",
        modals=[m for m in modals if m is not None],
    )


def _weight(item: ChoiceItem, option: Option) -> float:
    """The option's mapped value: its weight, or our balanced rule's +1/k and −1/m."""
    if item.weighted:
        return item.weight_of(option)
    correct = sum(o.correct for o in item.options)
    return 1 / correct if option.correct else -1 / (len(item.options) - correct)


def _simple_choice(interaction: Element, identifier: str, option: Option) -> tuple[str, str, str] | None:
    """Add the option; its feedback goes inline (one paragraph) or, failing that, to a modal feedback."""
    choice = etree.SubElement(interaction, q("qti-simple-choice"), {"identifier": identifier})
    append_markdown(choice, option.text, inline=True)
    if not is_inline_markdown(option.feedback):
        return identifier, f"About “{plain_text(option.text, 60)}”", option.feedback
    feedback = etree.SubElement(
        choice,
        q("qti-feedback-inline"),
        {"outcome-identifier": FEEDBACK, "identifier": identifier, "show-hide": "show"},
    )
    append_markdown(feedback, option.feedback, inline=True)
    return None


# -- numbers -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Branch:
    """One test of a numeric answer: within ``tolerance`` of ``value`` it scores ``score`` and shows the
    modal feedback ``feedback_id`` (None: none)."""

    value: float
    tolerance: Tolerance
    score: float
    feedback_id: str | None = None


def _numeric(item: NumericItem) -> ItemParts:
    declaration = response_declaration(RESPONSE, "single", "float", [write_number(item.answer)])
    branches = [Branch(item.answer, item.tolerance, 1.0)]
    modals: list[tuple[str, str, str]] = []
    for i, key in enumerate(item.alternative_keys, 1):
        branches.append(Branch(key.value, key.tolerance or item.tolerance, 1.0, f"ALTERNATIVE_{i}"))
        modals.append((f"ALTERNATIVE_{i}", "Right under another convention", key.explanation))
    for i, wrong in enumerate(item.misconceptions, 1):
        branches.append(
            Branch(wrong.value, wrong.tolerance or item.tolerance, wrong.score, f"MISCONCEPTION_{i}")
        )
        modals.append((f"MISCONCEPTION_{i}", "About your answer", wrong.feedback))
    return ItemParts(
        responses=[declaration],
        body=[_number_entry(item.units)],
        rules=[numeric_rule(branches)],
        feedback_cardinality="single" if modals else None,
        modals=modals,
    )


def _number_entry(units: str | None) -> Element:
    paragraph = etree.Element(q("p"))
    entry = etree.SubElement(paragraph, q("qti-text-entry-interaction"), {"response-identifier": RESPONSE})
    if units:
        entry.tail = " "
        etree.SubElement(paragraph, q("span"), {"class": "units"}).text = units
    return paragraph


def numeric_rule(branches: list[Branch], response: str = RESPONSE) -> Element:
    """If nothing was answered, 0; else the first branch the answer falls within; else 0."""
    return response_condition(
        (is_null(response), [score_zero()]),
        *((equal(b.value, b.tolerance, response), _numeric_actions(b)) for b in branches),
        (None, [score_zero()]),
    )


def score_zero() -> Element:
    """SCORE := 0 (a new element each time: an lxml element has one parent)."""
    return set_outcome(SCORE, base_value("float", "0"))


def _numeric_actions(branch: Branch) -> list[Element]:
    actions = [set_outcome(SCORE, base_value("float", write_number(branch.score)))]
    if branch.feedback_id:
        actions.append(set_outcome(FEEDBACK, base_value("identifier", branch.feedback_id)))
    return actions


def equal(value: float, tolerance: Tolerance, response: str = RESPONSE) -> Element:
    """``qti-equal`` with the bound our tolerance gives at ``value``: relative (in percent) where the
    relative bound decides, else absolute — which for an exact key is the floating-point rounding."""
    bound = tolerance.bound(value)
    if value > 0 and tolerance.relative > 0 and tolerance.relative * value >= bound:
        mode, amount = "relative", write_number(tolerance.relative * 100)
    else:
        mode, amount = "absolute", write_number(bound)
    test = etree.Element(q("qti-equal"), {"tolerance-mode": mode, "tolerance": amount})
    test.append(base_value("float", write_number(value)))
    test.append(variable(response))
    return test


# -- short text --------------------------------------------------------------------------------------
def _short_text(item: ShortTextItem, losses: list[str]) -> ItemParts:
    entries = _text_entries(item)
    declaration = response_declaration(
        RESPONSE, "single", "string", [normalise(item.accepted[0], case_sensitive=True)], entries
    )
    paragraph = etree.Element(q("p"))
    etree.SubElement(paragraph, q("qti-text-entry-interaction"), {"response-identifier": RESPONSE})
    if any(g.feedback for g in item.graded):
        losses.append("feedback on graded answers")
    losses.append(
        "QTI compares a text answer as typed: doubled spaces inside an answer, collapsed here, make it "
        "wrong there"
    )
    rules, modals = _keyword_rules(item)
    return ItemParts(
        responses=[declaration],
        body=[paragraph],
        rules=[map_response_rule(), *rules],
        feedback_cardinality="multiple" if modals else None,
        modals=modals,
    )


def _keyword_rules(item: ShortTextItem) -> tuple[list[Element], list[tuple[str, str, str]]]:
    """For each keyword: when the answer scored nothing and contains one of its words (any case and
    spacing), add KEYWORD_n to FEEDBACK, whose modal feedback is the keyword's."""
    rules, modals = [], []
    for n, keyword in enumerate(item.keywords, 1):
        identifier = f"KEYWORD_{n}"
        scored_nothing = operator("qti-lte", variable(SCORE), base_value("float", "0"))
        found = (
            operator("qti-pattern-match", variable(RESPONSE), pattern=keyword_pattern(word))
            for word in keyword.match
        )
        when = operator("qti-and", scored_nothing, operator("qti-or", *found))
        rules.append(response_condition((when, [add_to_feedback(identifier)])))
        modals.append((identifier, "About your answer", keyword.feedback))
    return rules, modals


def _text_entries(item: ShortTextItem) -> list[MapEntry]:
    """Every answer that scores, as literal keys in our order of matching (graded answers first, the
    first of equal keys wins); regular expressions are listed out when they stand for few texts."""
    entries: dict[str, MapEntry] = {}

    def add(text: str, score: float) -> None:
        key = normalise(text, case_sensitive=True)  # spaces collapsed as ours are, case kept
        entries.setdefault(
            normalise(key, case_sensitive=item.case_sensitive), (key, score, item.case_sensitive)
        )

    for graded in item.graded:
        if "*" in graded.text.replace("\\*", ""):
            raise SkipItem(
                f"graded answer {graded.text!r} has a wildcard; a QTI mapping matches whole answers"
            )
        add(graded.text.replace("\\*", "*"), graded.score)
    for accepted in item.accepted:
        add(accepted, 1.0)
    for pattern in item.patterns:
        texts = expand_pattern(pattern, case_sensitive=item.case_sensitive, limit=MAX_KEYS)
        if texts is None:
            raise SkipItem(f"pattern {pattern!r} stands for too many answers to list as QTI mapping keys")
        for text in texts:
            if normalise(text, case_sensitive=True) == text:  # others never match a normalised answer
                add(text, 1.0)
    return list(entries.values())


# -- ordering ----------------------------------------------------------------------------------------
def _ordering(item: OrderingItem, losses: list[str]) -> ItemParts:
    if item.scoring != "all_or_nothing":
        raise SkipItem(
            f"ordering scored by {item.scoring} gives partial credit, which no QTI operator computes"
        )
    if any(b.distractor for b in item.blocks):
        raise SkipItem("ordering with distractor blocks: a QTI order interaction orders every choice")
    if item.alternative_orders:
        raise SkipItem("ordering with alternative orders: match_correct accepts one order")
    ids = {b.id: qti_identifier(b.id) for b in item.blocks}
    declaration = response_declaration(RESPONSE, "ordered", "identifier", [ids[b] for b in item.order])
    interaction = etree.Element(
        q("qti-order-interaction"), {"response-identifier": RESPONSE, "shuffle": "true"}
    )
    for block in item.blocks:
        choice = etree.SubElement(interaction, q("qti-simple-choice"), {"identifier": ids[block.id]})
        append_markdown(choice, block.text, inline=True)
        if block.feedback:
            losses.append(f"feedback on block {block.id!r}")
    return ItemParts(responses=[declaration], body=[interaction], rules=[match_correct_rule()])


# -- shared pieces -----------------------------------------------------------------------------------
def response_declaration(
    identifier: str,
    cardinality: str,
    base_type: str,
    correct: list[str],
    mapping: list[MapEntry] | None = None,
) -> Element:
    """A response declaration with its correct response and, if given, a mapping within [0, 1]."""
    declaration = etree.Element(
        q("qti-response-declaration"),
        {"identifier": identifier, "cardinality": cardinality, "base-type": base_type},
    )
    correct_response = etree.SubElement(declaration, q("qti-correct-response"))
    for value in correct:
        etree.SubElement(correct_response, q("qti-value")).text = value
    if mapping is not None:
        table = etree.SubElement(
            declaration, q("qti-mapping"), {"lower-bound": "0", "upper-bound": "1", "default-value": "0"}
        )
        for key, mapped, case_sensitive in mapping:
            entry = etree.SubElement(
                table, q("qti-map-entry"), {"map-key": key, "mapped-value": write_number(mapped)}
            )
            if case_sensitive is not None:
                entry.set("case-sensitive", "true" if case_sensitive else "false")
    return declaration


def match_correct_rule() -> Element:
    """The rule of the match_correct template: 1 when the response is the correct one, else 0."""
    matched = operator("qti-match", variable(RESPONSE), operator("qti-correct", identifier=RESPONSE))
    return response_condition(
        (matched, [set_outcome(SCORE, base_value("float", "1"))]),
        (None, [score_zero()]),
    )


def map_response_rule() -> Element:
    """The rule of the map_response template: 0 when nothing was answered, else the mapped value."""
    return response_condition(
        (is_null(RESPONSE), [score_zero()]),
        (None, [set_outcome(SCORE, operator("qti-map-response", identifier=RESPONSE))]),
    )


Case = tuple[Element | None, Sequence[Element]]
"""A branch of a response condition: its test (``None`` for the closing "otherwise") and its actions."""


def response_condition(*cases: Case) -> Element:
    """``qti-response-condition``: the actions of the first case whose test holds, else of the closing
    case without a test (if any)."""
    condition = etree.Element(q("qti-response-condition"))
    for n, (test, actions) in enumerate(cases):
        if test is None:
            branch = etree.SubElement(condition, q("qti-response-else"))
        else:
            branch = etree.SubElement(condition, q("qti-response-if" if n == 0 else "qti-response-else-if"))
            branch.append(test)
        branch.extend(actions)
    return condition


def operator(name: str, *operands: Element, **attributes: str) -> Element:
    """A QTI expression ``name`` (``qti-and``, ``qti-match``…) over ``operands``."""
    expression = etree.Element(q(name), attributes)
    expression.extend(operands)
    return expression


def is_null(identifier: str) -> Element:
    """``qti-is-null``: true when the response or outcome ``identifier`` has no value."""
    return operator("qti-is-null", variable(identifier))


def set_outcome(identifier: str, value: Element) -> Element:
    """``qti-set-outcome-value``: the outcome ``identifier`` := ``value``."""
    setter = etree.Element(q("qti-set-outcome-value"), {"identifier": identifier})
    setter.append(value)
    return setter


def add_to_feedback(identifier: str) -> Element:
    """FEEDBACK := FEEDBACK plus ``identifier`` (FEEDBACK of cardinality multiple)."""
    added = etree.Element(q("qti-multiple"))
    added.append(variable(FEEDBACK))
    added.append(base_value("identifier", identifier))
    return set_outcome(FEEDBACK, added)


def variable(identifier: str) -> Element:
    """``qti-variable``: the value of a response or outcome."""
    return etree.Element(q("qti-variable"), {"identifier": identifier})


def base_value(base_type: str, text: str) -> Element:
    """``qti-base-value``: a constant of a base type."""
    value = etree.Element(q("qti-base-value"), {"base-type": base_type})
    value.text = text
    return value
