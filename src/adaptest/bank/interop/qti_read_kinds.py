"""A QTI item's interaction and scoring as one of our kinds, scoring exactly as QTI defines it.

- choice + match_correct → single_choice (one correct choice) or multiple_choice all-or-nothing (only
  with one correct choice: weights +1 and −1); choice + map_response → weights, normalised by the best
  total the mapping allows (dropped when they are our balanced +1/k, −1/m);
- order + match_correct → ordering, all or nothing;
- text entry of a string + map_response → short_text with graded answers; + match_correct → one
  accepted answer, case-sensitive; of a number → numeric (match_correct, map_response, or a chain of
  ``qti-equal`` tests: the key, alternative keys and partly-credited misconceptions).
"""

from __future__ import annotations

from typing import Any

from adaptest.bank.interop.model import NEGATIVE_FLOORED, NO_OPTION_FEEDBACK, line_of
from adaptest.bank.interop.qti_base import (
    Element,
    child,
    children,
    is_true,
    local,
    our_identifier,
    parse_number,
    q,
    to_markdown,
)
from adaptest.bank.interop.qti_read_grids import grid_data
from adaptest.bank.interop.qti_read_numbers import number_data
from adaptest.bank.interop.qti_read_rules import (
    Mapping,
    Refusal,
    Test,
    at,
    correct_values,
    keyword_rules,
    read_mapping,
    recognise,
)
from adaptest.bank.kinds.text import normalise

CLOSE = 1e-9
_OPTION_ID = "abcdefghijklmnopqrstuvwxyz"


class ItemSource:
    """The parts of one ``qti-assessment-item`` the readers need, and the losses found on the way."""

    def __init__(self, root: Element) -> None:
        self.root = root
        body = child(root, "qti-item-body")
        if body is None:
            raise Refusal("it has no qti-item-body: nothing is asked")
        self.body: Element = body
        self.interactions = [e for e in body.iter() if local(e).endswith("-interaction")]
        self.losses: list[str] = []
        self.stem_drops: list[Element] = []
        """Elements of the body that are not part of the stem (besides interactions and feedback)."""
        self._feedback = [e for e in root.iter(*map(q, _FEEDBACK)) if not self.inside_choice(e)]
        self._used: set[int] = set()

    def response(self, interaction: Element) -> tuple[str, Element]:
        """The response identifier of an interaction and its declaration."""
        identifier = interaction.get("response-identifier") or ""
        for declaration in children(self.root, "qti-response-declaration"):
            if declaration.get("identifier") == identifier:
                return identifier, declaration
        raise Refusal(
            f"{local(interaction)} ({at(interaction)}) answers {identifier!r}, which is not declared"
        )

    def take_feedback(self, *identifiers: str, any_case: bool = True) -> str | None:
        """The Markdown of the first shown feedback with one of these identifiers, marked as used."""
        wanted = {i.casefold() for i in identifiers} if any_case else set(identifiers)
        for n, element in enumerate(self._feedback):
            name = element.get("identifier") or ""
            if (name.casefold() if any_case else name) in wanted and element.get("show-hide") != "hide":
                self._used.add(n)
                return feedback_markdown(element)
        return None

    def unused_feedback(self) -> list[str]:
        return [e.get("identifier") or local(e) for n, e in enumerate(self._feedback) if n not in self._used]

    def inside_choice(self, element: Element) -> bool:
        return any(local(a) == "qti-simple-choice" for a in element.iterancestors())


_FEEDBACK = ("qti-feedback-inline", "qti-feedback-block", "qti-modal-feedback")


def feedback_markdown(element: Element) -> str | None:
    """A feedback element's content (its qti-content-body, if it has one) as Markdown; None if empty."""
    content = child(element, "qti-content-body")
    return to_markdown(content if content is not None else element) or None


def kind_data(source: ItemSource) -> dict[str, Any]:
    """The kind fields of the item (``kind``, options, keys...) or a :class:`Refusal`."""
    root = source.root
    templates = children(root, "qti-template-declaration") + children(root, "qti-template-processing")
    if templates:
        template = templates[0]
        raise Refusal(f"it draws template variables ({at(template)}): each candidate sees other numbers")
    if is_true(root.get("adaptive")):
        source.losses.append("adaptive: QTI allows several attempts, Adaptest scores one")
    interactions = source.interactions
    if not interactions:
        raise Refusal("it has no interaction: nothing to answer")
    if len(interactions) > 1:
        return grid_data(source)
    interaction = interactions[0]
    reader = _READERS.get(local(interaction))
    if reader is None:
        raise Refusal(
            _UNREAD.get(
                local(interaction),
                f"its {local(interaction)} ({at(interaction)}) is not one Adaptest reads: it reads choice, "
                "order and text entry interactions",
            )
        )
    return reader(source, interaction)


_UNREAD = {
    "qti-extended-text-interaction": "its extended-text interaction asks for an essay: there is no rubric "
    "our grader can apply",
}


# -- choice ------------------------------------------------------------------------------------------
def _choice(source: ItemSource, interaction: Element) -> dict[str, Any]:
    response, declaration = source.response(interaction)
    if declaration.get("base-type") != "identifier":
        raise Refusal(f"the choice interaction's response {response} is not of base-type identifier")
    choices = children(interaction, "qti-simple-choice")
    if len(choices) < 2:
        raise Refusal(f"the choice interaction ({at(interaction)}) has fewer than two choices")
    ids = [c.get("identifier") or "" for c in choices]
    max_choices = _integer(interaction, "max-choices", 1)
    single = max_choices == 1 or declaration.get("cardinality") == "single"
    scoring = recognise(source.root, response)
    if scoring == "match_correct":
        correct, weights = _match_correct(source.root, response, ids, single)
    elif scoring == "map_response":
        correct, weights = _mapped(source, read_mapping(declaration), ids, single)
    else:
        raise Refusal(f"the choice interaction ({at(interaction)}) is scored by custom rules")
    _choice_limits(source, interaction, max_choices, len(choices), single)
    options = _options(source, choices, correct, weights)
    return {
        "kind": "single_choice" if single else "multiple_choice",
        "shuffle": is_true(interaction.get("shuffle")),
        "options": options,
    }


def _integer(element: Element, attribute: str, default: int) -> int:
    text = element.get(attribute)
    if text is None:
        return default
    if not text.strip().isdigit():
        raise Refusal(f"{attribute}={text!r} ({at(element)}) is not a whole number")
    return int(text)


def _match_correct(
    root: Element, response: str, ids: list[str], single: bool
) -> tuple[list[bool], list[float] | None]:
    keys = correct_values(root, response)
    unknown = [k for k in keys if k not in ids]
    if not keys or unknown:
        raise Refusal(f"its correct response ({', '.join(unknown) or 'none'}) names no choice of the item")
    if single and len(set(keys)) > 1:
        raise Refusal(f"one choice may be made, but the correct response lists {len(keys)}")
    correct = [i in keys for i in ids]
    if single:
        return correct, None
    if len(set(keys)) > 1:
        raise Refusal(
            f"all-or-nothing scoring of {len(set(keys))} correct choices (match_correct): our select-all "
            "gives partial credit, and per-option weights cannot express all or nothing"
        )
    return correct, _unbalanced([1.0 if c else -1.0 for c in correct])


def _mapped(
    source: ItemSource, mapping: Mapping, ids: list[str], single: bool
) -> tuple[list[bool], list[float] | None]:
    values = [mapping.value(i) for i in ids]
    if single:
        return _single_weights(source, [mapping.bounded(v) for v in values])
    if mapping.lower is not None and mapping.lower > 0:
        raise Refusal(
            f"the mapping's lower bound {mapping.lower:g} gives marks to any answer; our weights cannot"
        )
    positive = sum(v for v in values if v > 0)
    top = positive
    if mapping.upper is not None and positive >= mapping.upper * (1 - CLOSE):
        top = mapping.upper
    if top <= 0:
        raise Refusal("no choice scores above 0")
    weights = [v / top for v in values]
    if any(w > 1 + CLOSE for w in weights):
        raise Refusal("a choice is worth more than the whole item: our weights lie within ±1")
    if any(w < -1 for w in weights):
        if positive > top * (1 + CLOSE):
            raise Refusal("a penalty exceeds the whole item while the positive values exceed the maximum")
        weights = [max(-1.0, w) for w in weights]
    if any(w < 0 for w in weights) and (mapping.lower is None or mapping.lower < 0):
        source.losses.append(NEGATIVE_FLOORED)
    return [w > 0 for w in weights], _unbalanced([min(1.0, w) for w in weights])


def _single_weights(source: ItemSource, values: list[float]) -> tuple[list[bool], list[float] | None]:
    top = max(values)
    if top <= 0:
        raise Refusal("no choice scores above 0")
    weights = [v / top for v in values]
    full = [w >= 1 - CLOSE for w in weights]
    if sum(full) != 1:
        raise Refusal(f"{sum(full)} choices score full marks, but a single choice has one key")
    if any(w < 0 for w in weights):
        source.losses.append(NEGATIVE_FLOORED)
    weights = [1.0 if f else max(-1.0, w) for w, f in zip(weights, full, strict=True)]
    return full, None if all(w <= 0 for w, f in zip(weights, full, strict=True) if not f) else weights


def _unbalanced(weights: list[float]) -> list[float] | None:
    """The weights, or None when they are our balanced rule's +1/k and −1/m (no weights needed)."""
    k = sum(w > 0 for w in weights)
    m = len(weights) - k
    balanced = k and m and all(abs(w - (1 / k if w > 0 else -1 / m)) <= CLOSE for w in weights)
    return None if balanced else weights


def _choice_limits(
    source: ItemSource, interaction: Element, max_choices: int, count: int, single: bool
) -> None:
    if not single and 1 < max_choices < count:
        source.losses.append(f"at most {max_choices} choices in QTI; here a learner may tick any number")
    if _integer(interaction, "min-choices", 0) > 1:
        source.losses.append(f"at least {interaction.get('min-choices')} choices in QTI; here any number")
    fixed = [c for c in children(interaction, "qti-simple-choice") if is_true(c.get("fixed"))]
    if fixed and is_true(interaction.get("shuffle")):
        source.losses.append("choices fixed in place while the others shuffle: here all options shuffle")


def _options(
    source: ItemSource, choices: list[Element], correct: list[bool], weights: list[float] | None
) -> list[dict[str, Any]]:
    options = []
    ids = _our_ids([c.get("identifier") or "" for c in choices], 20)
    for n, choice in enumerate(choices):
        option: dict[str, Any] = {
            "id": ids[n],
            "text": _choice_text(source, choice, n + 1),
            "correct": correct[n],
            "feedback": _choice_feedback(source, choice, n + 1) or NO_OPTION_FEEDBACK,
        }
        if weights is not None:
            option["weight"] = weights[n]
        options.append(option)
    return options


def _our_ids(identifiers: list[str], longest: int) -> list[str]:
    """Identifiers kept where they are valid, unique ids of ours; else a, b, c... by position."""
    ours = [our_identifier(i) for i in identifiers]
    valid = all(0 < len(i) <= longest and i.replace("-", "").replace("_", "").isalnum() for i in ours)
    if valid and len(set(ours)) == len(ours):
        return ours
    return [_OPTION_ID[n % 26] + ("" if n < 26 else str(n)) for n in range(len(identifiers))]


def _choice_text(source: ItemSource, choice: Element, n: int) -> str:
    if choice.find(f".//{q('img')}") is not None:
        source.losses.append(f"the image in answer {n}")
    return to_markdown(choice, leave_out=lambda e: local(e) in _FEEDBACK) or f"Answer {n}"


def _choice_feedback(source: ItemSource, choice: Element, n: int) -> str | None:
    """Inline feedback inside the choice (the one named after it first), else a feedback named after it."""
    identifier = choice.get("identifier") or ""
    inline = list(choice.iter(q("qti-feedback-inline"), q("qti-feedback-block")))
    inline.sort(key=lambda e: e.get("identifier") != identifier)
    if len(inline) > 1:
        source.losses.append(f"{len(inline) - 1} more feedback on answer {n}")
    text = feedback_markdown(inline[0]) if inline else source.take_feedback(identifier, any_case=False)
    if text is None:
        source.losses.append(f"no feedback on answer {n}")
    return text


# -- order -------------------------------------------------------------------------------------------
def _order(source: ItemSource, interaction: Element) -> dict[str, Any]:
    response, declaration = source.response(interaction)
    if declaration.get("cardinality") != "ordered":
        raise Refusal(f"the order interaction's response {response} is not of cardinality ordered")
    if recognise(source.root, response) != "match_correct":
        raise Refusal("the order interaction is not scored by match_correct, the one rule we read for order")
    choices = children(interaction, "qti-simple-choice")
    ids = [c.get("identifier") or "" for c in choices]
    order = correct_values(source.root, response)
    if len(order) < 2 or len(set(order)) != len(order) or any(i not in ids for i in order):
        raise Refusal("its correct order does not list two or more distinct choices of the interaction")
    ours = dict(zip(ids, _our_ids(ids, 40), strict=True))
    by_id = dict(zip(ids, choices, strict=True))
    blocks = [_block(source, by_id[i], ours[i], n, False) for n, i in enumerate(order, 1)]
    blocks += [_block(source, by_id[i], ours[i], n, True) for n, i in enumerate(ids, 1) if i not in order]
    return {"kind": "ordering", "scoring": "all_or_nothing", "blocks": blocks}


def _block(source: ItemSource, choice: Element, block_id: str, n: int, distractor: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"id": block_id, "text": _choice_text(source, choice, n)}
    inline = list(choice.iter(q("qti-feedback-inline"), q("qti-feedback-block")))
    feedback = feedback_markdown(inline[0]) if inline else None
    if distractor:
        block["distractor"] = True
        if feedback is None:
            source.losses.append(f"no feedback on block {n}, which is not in the correct order")
        feedback = feedback or "This block is not part of the correct order."
    if feedback:
        block["feedback"] = feedback
    return block


# -- text entry --------------------------------------------------------------------------------------
def _text_entry(source: ItemSource, interaction: Element) -> dict[str, Any]:
    response, declaration = source.response(interaction)
    if declaration.get("cardinality", "single") != "single":
        raise Refusal(f"the text entry's response {response} is not of cardinality single")
    base_type = declaration.get("base-type")
    scoring = recognise(source.root, response)
    if base_type in ("float", "integer"):
        units = _units(source, interaction)
        return {**number_data(source, _number_tests(source, scoring, declaration, response)), **units}
    if base_type != "string":
        raise Refusal(
            f"the text entry's response {response} is of base-type {base_type}, which we do not read"
        )
    if scoring == "match_correct":
        values = correct_values(source.root, response)
        if not values or not values[0]:
            raise Refusal(f"the correct response of {response} is empty")
        data = {"kind": "short_text", "accepted": [values[0]], "case_sensitive": True}
    elif scoring == "map_response":
        data = _graded_text(source, read_mapping(declaration), correct_values(source.root, response))
    else:
        raise Refusal(f"the text entry ({at(interaction)}) of a string is scored by a chain of number tests")
    keywords = _keywords(source)
    return {**data, "keywords": keywords} if keywords else data


def _keywords(source: ItemSource) -> list[dict[str, Any]]:
    keywords = []
    for words, identifier, _ in keyword_rules(source.root):
        feedback = source.take_feedback(identifier, any_case=False)
        if feedback:
            keywords.append({"match": words, "feedback": feedback})
    return keywords


def _number_tests(source: ItemSource, scoring: Any, declaration: Element, response: str) -> list[Test]:
    line = line_of(declaration)
    if scoring == "match_correct":
        values = correct_values(source.root, response)
        value = parse_number(values[0]) if len(values) == 1 else None
        if value is None:
            raise Refusal(f"the correct response of {response} is not one number")
        return [Test(value, "exact", 0.0, 1.0, None, False, line)]
    if scoring == "map_response":
        mapping = read_mapping(declaration)
        if mapping.bounded(mapping.default) > 0:
            raise Refusal("the mapping's default value gives marks to any number: no numeric kind does")
        entries = [(parse_number(key), mapping.bounded(value)) for key, value, _ in mapping.entries]
        return [Test(v, "exact", 0.0, s, None, False, line) for v, s in entries if v is not None]
    tests: list[Test] = scoring
    return tests


def _units(source: ItemSource, interaction: Element) -> dict[str, Any]:
    """Our writer puts the units in a ``span class="units"`` after the text entry."""
    after = interaction.getnext()
    if after is not None and local(after) == "span" and "units" in (after.get("class") or "").split():
        source.stem_drops.append(after)
        units = " ".join((after.text or "").split())
        return {"units": units} if units else {}
    return {}


def _graded_text(source: ItemSource, mapping: Mapping, correct: list[str]) -> dict[str, Any]:
    senses = {cs for _, _, cs in mapping.entries}
    if len({True if s is None else s for s in senses}) > 1:
        raise Refusal(
            "some answers are matched case-sensitively and others not: our short text is one or the other"
        )
    case_sensitive = False not in senses  # unsaid is case-sensitive, as QTI matches strings exactly
    scores = [(key, mapping.bounded(value)) for key, value, _ in mapping.entries]
    default = mapping.bounded(mapping.default)
    top = max([default, *(s for _, s in scores)])
    if top <= 0:
        raise Refusal("no answer scores above 0")
    if min([default, *(s for _, s in scores)]) < 0:
        source.losses.append(NEGATIVE_FLOORED)
    full = [k for k, s in scores if s >= top * (1 - CLOSE)]
    if not full:
        raise Refusal("only the default value scores full marks: no listed answer is right")
    full.sort(key=lambda k: k not in correct)  # the correct response is the key we show
    graded = [
        {"text": k.replace("*", "\\*"), "score": max(0.0, s / top)}
        for k, s in scores
        if s < top * (1 - CLOSE)
    ]
    if default > 0:  # any other text scores too: our graded "*" after every listed answer
        graded += [{"text": k.replace("*", "\\*"), "score": 1.0} for k in full]
        graded.append({"text": "*", "score": default / top})
    data: dict[str, Any] = {
        "kind": "short_text",
        "accepted": [normalise(k, case_sensitive=True) for k in full],
    }
    if graded:
        data["graded"] = graded
    if case_sensitive:
        data["case_sensitive"] = True
    return data


_READERS = {
    "qti-choice-interaction": _choice,
    "qti-order-interaction": _order,
    "qti-text-entry-interaction": _text_entry,
}
