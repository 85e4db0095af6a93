"""What an item's response processing computes, as far as Adaptest reads it.

Read: the templates match_correct and map_response (named by ``template``, or written out as their
rules, e.g. with SCORE set to a MAXSCORE outcome), and a chain of tests of a number — ``qti-equal``
(exact, absolute or relative tolerance) or ``qti-match`` against a value, each setting SCORE to a
constant — which is what our writer emits for numeric items. Rules that never set SCORE (feedback) do
not change the score and are left to the feedback reader. Anything else is refused with its line.
"""

from __future__ import annotations

from dataclasses import dataclass

from adaptest.bank.interop.model import line_of
from adaptest.bank.interop.qti_base import (
    RESPONSE,
    SCORE,
    Element,
    child,
    children,
    local,
    parse_number,
    q,
)
from adaptest.bank.interop.qti_patterns import keyword_of

TEMPLATES = ("match_correct", "map_response")


class Refusal(Exception):  # noqa: N818 (a question refused, not a bug)
    """The item cannot become a bank item; ``reason`` says why, with the line of what was found."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def at(element: Element) -> str:
    """ "line N": where an element is, for reasons given to authors."""
    return f"line {line_of(element)}"


@dataclass(frozen=True)
class Mapping:
    """A ``qti-mapping``: entries (key, value, case-sensitive or None when unsaid), default and bounds."""

    entries: list[tuple[str, float, bool | None]]
    default: float
    lower: float | None
    upper: float | None

    def value(self, key: str) -> float:
        """The mapped value of an identifier (the first entry for it), else the default."""
        return next((v for k, v, _ in self.entries if k == key), self.default)

    def bounded(self, total: float) -> float:
        """A total kept within the mapping's bounds, as mapResponse does."""
        if self.lower is not None:
            total = max(total, self.lower)
        return min(total, self.upper) if self.upper is not None else total


def read_mapping(declaration: Element) -> Mapping:
    """The ``qti-mapping`` of a response declaration (a :class:`Refusal` when absent or not numbers)."""
    table = child(declaration, "qti-mapping")
    if table is None:
        raise Refusal(f"it is scored by map_response, but {declaration.get('identifier')} has no qti-mapping")
    entries = [
        (e.get("map-key") or "", _number(e, "mapped-value"), _boolean(e.get("case-sensitive")))
        for e in children(table, "qti-map-entry")
    ]
    default = _number(table, "default-value", 0.0)
    lower = _number(table, "lower-bound") if table.get("lower-bound") is not None else None
    upper = _number(table, "upper-bound") if table.get("upper-bound") is not None else None
    return Mapping(entries, default, lower, upper)


def _number(element: Element, attribute: str, default: float | None = None) -> float:
    text = element.get(attribute)
    value = default if text is None else parse_number(text)
    if value is None:
        raise Refusal(f"{attribute}={text!r} ({at(element)}) is not a number")
    return value


def _boolean(text: str | None) -> bool | None:
    return None if text is None else text.strip() in ("true", "1")


# -- which processing --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Test:
    """One branch of a chain: an answer equal to ``value`` (within the tolerance) scores ``score`` and
    sets ``feedback_id`` (the identifier of the feedback to show, or None)."""

    value: float
    mode: str  # exact, absolute or relative (percent)
    amount: float
    score: float
    feedback_id: str | None
    open_bounds: bool
    line: int


Scoring = str | list[Test]
"""A template name, or a chain of tests."""


def recognise(root: Element, response: str) -> Scoring:
    """How ``root`` scores the response ``response``; raise :class:`Refusal` if not a way we read."""
    processing = child(root, "qti-response-processing")
    if processing is None:
        raise Refusal("it has no response processing, so nothing scores it")
    template = processing.get("template")
    if template and not children(processing):
        return _template(template, response, processing)
    rules = [rule for rule in children(processing) if _sets_score(rule)]
    if not rules:
        raise Refusal(f"its response processing ({at(processing)}) never sets SCORE")
    if len(rules) == 1:
        if _is_match_correct(rules[0], response, root):
            return "match_correct"
        if _is_map_response(rules[0], response):
            return "map_response"
        chain = _chain(rules[0], response, root)
        if chain is not None:
            return chain
    raise Refusal(
        f"its response processing ({at(rules[0])}) is custom: Adaptest reads the match_correct and "
        "map_response templates and chains of qti-equal tests of a number, not these rules"
    )


def _template(template: str, response: str, processing: Element) -> str:
    name = template.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
    if name not in TEMPLATES:
        raise Refusal(f"its response processing template {template} ({at(processing)}) is not one we read")
    if response != RESPONSE:
        raise Refusal(f"the {name} template scores RESPONSE, but the interaction answers {response}")
    return name


def _sets_score(rule: Element) -> bool:
    for element in rule.iter():
        name = local(element)
        if name in ("qti-exit-response", "qti-response-processing-fragment"):
            return True
        if (
            name in ("qti-set-outcome-value", "qti-lookup-outcome-value")
            and element.get("identifier") == SCORE
        ):
            return True
    return False


def _branches(rule: Element) -> list[Element] | None:
    """The if / else-if / else branches of a response condition, if the rule is one."""
    if local(rule) != "qti-response-condition":
        return None
    branches = children(rule)
    if not branches or local(branches[0]) != "qti-response-if":
        return None
    if any(local(b) != "qti-response-else-if" for b in branches[1:-1]):
        return None
    return branches


def _score_set(actions: list[Element], root: Element) -> float | None:
    """The constant SCORE the actions set (other outcomes may be set too); None if anything else."""
    scores = [a for a in actions if local(a) == "qti-set-outcome-value" and a.get("identifier") == SCORE]
    if len(scores) != 1 or any(local(a) != "qti-set-outcome-value" for a in actions):
        return None
    values = children(scores[0])
    return _constant(values[0], root) if len(values) == 1 else None


def _constant(expression: Element, root: Element) -> float | None:
    if local(expression) == "qti-base-value":
        return parse_number(expression.text)
    if local(expression) == "qti-variable":
        return _default_value(root, expression.get("identifier") or "")
    return None


def _default_value(root: Element, outcome: str) -> float | None:
    for declaration in children(root, "qti-outcome-declaration"):
        if declaration.get("identifier") == outcome:
            default = child(declaration, "qti-default-value")
            value = child(default, "qti-value") if default is not None else None
            return parse_number(value.text) if value is not None else None
    return None


def _is_variable(element: Element, name: str, identifier: str) -> bool:
    return local(element) == name and element.get("identifier") == identifier


def _is_match_correct(rule: Element, response: str, root: Element) -> bool:
    branches = _branches(rule)
    if branches is None or len(branches) > 2 or not children(branches[0]):
        return False
    test, *actions = children(branches[0])
    pair = sorted(children(test), key=local)
    if local(test) != "qti-match" or len(pair) != 2:
        return False
    if not (
        _is_variable(pair[0], "qti-correct", response) and _is_variable(pair[1], "qti-variable", response)
    ):
        return False
    full = _score_set(actions, root)
    if len(branches) == 2:
        rest = _score_set(children(branches[1]), root) if local(branches[1]) == "qti-response-else" else None
    else:
        rest = _default_value(root, SCORE) or 0.0
    return full is not None and full > 0 and rest == 0


def _is_map_response(rule: Element, response: str) -> bool:
    if local(rule) == "qti-set-outcome-value":
        return rule.get("identifier") == SCORE and _maps(children(rule), response)
    branches = _branches(rule)
    if branches is None or len(branches) != 2 or local(branches[1]) != "qti-response-else":
        return False
    if not children(branches[0]):
        return False
    test, *actions = children(branches[0])
    otherwise = children(branches[1])
    return (
        _is_null_test(test, response)
        and _sets_zero(actions)
        and len(otherwise) == 1
        and otherwise[0].get("identifier") == SCORE
        and _maps(children(otherwise[0]), response)
    )


def _maps(values: list[Element], response: str) -> bool:
    """Whether the value set is the mapped response (alone, or as the one term of a ``qti-sum``)."""
    if len(values) == 1 and local(values[0]) == "qti-sum":
        values = children(values[0])
    return len(values) == 1 and _is_variable(values[0], "qti-map-response", response)


def _is_null_test(test: Element, response: str) -> bool:
    inner = children(test)
    return (
        local(test) == "qti-is-null" and len(inner) == 1 and _is_variable(inner[0], "qti-variable", response)
    )


def _sets_zero(actions: list[Element]) -> bool:
    scores = [a for a in actions if a.get("identifier") == SCORE]
    return len(scores) == 1 and [parse_number(v.text) for v in children(scores[0])] == [0.0]


# -- chains of tests of a number ---------------------------------------------------------------------
def _chain(rule: Element, response: str, root: Element) -> list[Test] | None:
    branches = _branches(rule)
    if branches is None:
        return None
    tests: list[Test] = []
    for i, branch in enumerate(branches):
        parts = children(branch)
        if local(branch) == "qti-response-else":
            if _score_set(parts, root) != 0:
                return None  # every other answer would score: no numeric kind does that
            continue
        if not parts:
            return None
        test, *actions = parts
        if i == 0 and _is_null_test(test, response) and _sets_zero(actions):
            continue
        compared = _comparison(test, response, root)
        score = _score_set(actions, root)
        if compared is None or score is None:
            return None
        value, mode, amount, open_bounds = compared
        tests.append(Test(value, mode, amount, score, _feedback_set(actions), open_bounds, line_of(test)))
    return tests or None


def _feedback_set(actions: list[Element]) -> str | None:
    """The identifier a branch sets another outcome to, or adds to it (the feedback to show), if one."""
    for action in actions:
        if local(action) != "qti-set-outcome-value" or action.get("identifier") == SCORE:
            continue
        values = [v for v in action.iter() if local(v) == "qti-base-value"]
        if values and values[-1].get("base-type") == "identifier":
            return (values[-1].text or "").strip() or None
    return None


def keyword_rules(root: Element) -> list[tuple[list[str], str, int]]:
    """Feedback rules that show a feedback when the answer contains a word (our keyword feedback, as
    :func:`~adaptest.bank.interop.qti_patterns.keyword_pattern` writes it): (words, feedback id, line)."""
    processing = child(root, "qti-response-processing")
    found = []
    for rule in children(processing) if processing is not None else []:
        branches = _branches(rule)
        if _sets_score(rule) or branches is None or len(branches) != 1 or not children(branches[0]):
            continue
        test, *actions = children(branches[0])
        words = [keyword_of(p.get("pattern") or "") for p in test.iter(q("qti-pattern-match"))]
        identifier = _feedback_set(actions)
        if words and identifier and all(words):
            found.append(([w for w in words if w], identifier, line_of(rule)))
    return found


def _comparison(test: Element, response: str, root: Element) -> tuple[float, str, float, bool] | None:
    """(value, tolerance mode, amount, whether a bound is left out) of ``qti-equal``/``qti-match``."""
    if local(test) not in ("qti-equal", "qti-match") or len(children(test)) != 2:
        return None
    first, second = children(test)
    mode = test.get("tolerance-mode", "exact") if local(test) == "qti-equal" else "exact"
    if _is_variable(first, "qti-variable", response) and mode != "relative":
        first, second = second, first  # an absolute or exact test is the same either way round
    if not _is_variable(second, "qti-variable", response):
        return None
    value = _reference(first, response, root)
    if value is None or mode not in ("exact", "absolute", "relative"):
        return None
    open_bounds = test.get("include-lower-bound") == "false" or test.get("include-upper-bound") == "false"
    return value, mode, _amount(test, mode), open_bounds


def _reference(expression: Element, response: str, root: Element) -> float | None:
    if local(expression) == "qti-base-value":
        return parse_number(expression.text)
    if _is_variable(expression, "qti-correct", response):
        return correct_number(root, response)
    return None


def _amount(test: Element, mode: str) -> float:
    if mode == "exact":
        return 0.0
    amounts = [parse_number(t) for t in (test.get("tolerance") or "").split()]
    if not amounts or any(a is None or a < 0 for a in amounts):
        raise Refusal(f"tolerance={test.get('tolerance')!r} ({at(test)}) is not one or two numbers ≥ 0")
    if len(set(amounts)) > 1:
        raise Refusal(f"the tolerance below and above differ ({at(test)}): Adaptest's tolerance is symmetric")
    return amounts[0] or 0.0


def correct_values(root: Element, response: str) -> list[str]:
    """The values of a response's ``qti-correct-response``."""
    for declaration in children(root, "qti-response-declaration"):
        if declaration.get("identifier") == response:
            correct = child(declaration, "qti-correct-response")
            return (
                [(v.text or "").strip() for v in children(correct, "qti-value")]
                if correct is not None
                else []
            )
    return []


def correct_number(root: Element, response: str) -> float | None:
    """The one correct value of a response, as a number (None: not one number)."""
    values = correct_values(root, response)
    return parse_number(values[0]) if len(values) == 1 else None


# -- several numbers: SCORE as the share of fields right ---------------------------------------------
def field_tests(root: Element, responses: list[str]) -> dict[str, Test]:
    """For processing that sets SCORE to 0 and then adds a share for each response within its tolerance
    (our numeric_tuple and matrix): each response's test, its ``score`` the share it adds and its
    ``feedback_id`` the feedback shown when it is wrong."""
    processing = child(root, "qti-response-processing")
    if processing is None:
        raise Refusal("it has no response processing, so nothing scores it")
    rules = [rule for rule in children(processing) if _sets_score(rule)]
    if not rules or local(rules[0]) != "qti-set-outcome-value" or not _sets_zero(rules[:1]):
        raise Refusal(
            f"its response processing ({at(rules[0] if rules else processing)}) is not the share of "
            "entries right that Adaptest reads for several numbers"
        )
    tests: dict[str, Test] = {}
    for rule in rules[1:]:
        found = _field_rule(rule, responses, root)
        if found is None or found[0] in tests:
            raise Refusal(f"its rule at {at(rule)} is not one adding a share for one entry right")
        tests[found[0]] = found[1]
    missing = [r for r in responses if r not in tests]
    if missing:
        raise Refusal(f"no rule scores the entries {', '.join(missing)}")
    return tests


def _tested_response(test: Element, responses: list[str]) -> str | None:
    return next((v.get("identifier") for v in children(test) if v.get("identifier") in responses), None)


def _field_rule(rule: Element, responses: list[str], root: Element) -> tuple[str, Test] | None:
    branches = _branches(rule)
    if branches is None or len(branches) > 2 or not children(branches[0]):
        return None
    test, *actions = children(branches[0])
    response = _tested_response(test, responses)
    compared = _comparison(test, response, root) if response else None
    share = _added_share(actions)
    if response is None or compared is None or share is None:
        return None
    feedback_id = None
    if len(branches) == 2:
        if local(branches[1]) != "qti-response-else" or _sets_score(branches[1]):
            return None
        feedback_id = _feedback_set(children(branches[1]))
    value, mode, amount, open_bounds = compared
    return response, Test(value, mode, amount, share, feedback_id, open_bounds, line_of(test))


def _added_share(actions: list[Element]) -> float | None:
    """w for ``SCORE := SCORE + w`` (``qti-sum`` of the SCORE variable and a constant)."""
    scores = [a for a in actions if a.get("identifier") == SCORE]
    if len(scores) != 1 or [local(c) for c in children(scores[0])] != ["qti-sum"]:
        return None
    terms = children(children(scores[0])[0])
    names = sorted(local(t) for t in terms)
    if names != ["qti-base-value", "qti-variable"] or not any(
        _is_variable(t, "qti-variable", SCORE) for t in terms
    ):
        return None
    return next(parse_number(t.text) for t in terms if local(t) == "qti-base-value")


def whole_answers(root: Element, responses: list[str]) -> list[tuple[dict[str, Test], str]]:
    """Feedback rules that test every entry at once (our misconceptions of several numbers): the tests
    by response, and the feedback id, in order."""
    processing = child(root, "qti-response-processing")
    found: list[tuple[dict[str, Test], str]] = []
    for rule in children(processing) if processing is not None else []:
        branches = _branches(rule)
        if _sets_score(rule) or branches is None:
            continue
        for branch in branches:
            parts = children(branch)
            tests = _all_entries(parts[0], responses, root) if parts else None
            identifier = _feedback_set(parts[1:])
            if tests is not None and identifier:
                found.append((tests, identifier))
    return found


def _all_entries(test: Element, responses: list[str], root: Element) -> dict[str, Test] | None:
    if local(test) != "qti-and":
        return None
    tests: dict[str, Test] = {}
    for comparison in children(test):
        response = _tested_response(comparison, responses)
        compared = _comparison(comparison, response, root) if response else None
        if response is None or compared is None:
            return None
        value, mode, amount, open_bounds = compared
        tests[response] = Test(value, mode, amount, 0.0, None, open_bounds, line_of(comparison))
    return tests if set(tests) == set(responses) else None
