"""A small QTI 3.0 response-processing engine for the tests: it scores an item as the specification
defines its operators, independently of our reader, so a test can check that an exported item gives
every answer the score our grader gives it.

It knows the standard templates and the operators our exporter writes: conditions, set-outcome-value,
variable, correct, base-value, is-null, match, map-response (distinct values, default, bounds, case),
equal (exact, absolute, relative), and, or, not, lte, gt, sum, multiple, pattern-match.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
MATCH_CORRECT = """<r xmlns="{ns}"><qti-response-condition><qti-response-if><qti-match>
<qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match>
<qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">1</qti-base-value>
</qti-set-outcome-value></qti-response-if><qti-response-else><qti-set-outcome-value identifier="SCORE">
<qti-base-value base-type="float">0</qti-base-value></qti-set-outcome-value></qti-response-else>
</qti-response-condition></r>"""
MAP_RESPONSE = """<r xmlns="{ns}"><qti-response-condition><qti-response-if><qti-is-null>
<qti-variable identifier="RESPONSE"/></qti-is-null><qti-set-outcome-value identifier="SCORE">
<qti-base-value base-type="float">0</qti-base-value></qti-set-outcome-value></qti-response-if>
<qti-response-else><qti-set-outcome-value identifier="SCORE"><qti-map-response identifier="RESPONSE"/>
</qti-set-outcome-value></qti-response-else></qti-response-condition></r>"""


def q(name: str) -> str:
    return f"{{{QTI}}}{name}"


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def qti_score(root: etree._Element, responses: dict[str, Any]) -> float:
    """SCORE after response processing, given the responses (None or [] for no response)."""
    session = _Session(root, responses)
    session.run()
    score = session.values.get("SCORE")
    return float(score) if score is not None else 0.0


class _Session:
    def __init__(self, root: etree._Element, responses: dict[str, Any]) -> None:
        self.root = root
        self.declarations = {
            d.get("identifier"): d
            for d in root
            if local(d) in ("qti-response-declaration", "qti-outcome-declaration")
        }
        self.values: dict[str, Any] = {k: (None if v == [] else v) for k, v in responses.items()}
        for identifier, declaration in self.declarations.items():
            default = declaration.find(f"{q('qti-default-value')}/{q('qti-value')}")
            if local(declaration) == "qti-outcome-declaration":
                base = declaration.get("base-type")
                zero = 0.0 if base in ("float", "integer") else None
                self.values[identifier] = self._typed(default.text, base) if default is not None else zero

    def run(self) -> None:
        processing = self.root.find(q("qti-response-processing"))
        if processing is None:
            return
        rules = list(processing)
        template = processing.get("template") or ""
        if not rules and template:
            source = MATCH_CORRECT if "match_correct" in template else MAP_RESPONSE
            rules = list(etree.fromstring(source.format(ns=QTI)))
        for rule in rules:
            self._rule(rule)

    def _rule(self, rule: etree._Element) -> None:
        name = local(rule)
        if name == "qti-set-outcome-value":
            self.values[rule.get("identifier") or ""] = self._value(rule[0])
        elif name == "qti-response-condition":
            for branch in rule:
                if local(branch) == "qti-response-else" or self._value(branch[0]) is True:
                    for action in branch[0 if local(branch) == "qti-response-else" else 1 :]:
                        self._rule(action)
                    return
        else:
            raise NotImplementedError(name)

    def _value(self, expression: etree._Element) -> Any:
        name = local(expression).removeprefix("qti-").replace("-", "_")
        operator = getattr(self, f"_op_{name}", None)
        if operator is None:
            raise NotImplementedError(name)
        return operator(expression)

    def _typed(self, text: str | None, base_type: str | None) -> Any:
        text = (text or "").strip()
        if base_type in ("float", "integer"):
            return float(text)
        return text == "true" if base_type == "boolean" else text

    def _op_base_value(self, e: etree._Element) -> Any:
        return self._typed(e.text, e.get("base-type"))

    def _op_variable(self, e: etree._Element) -> Any:
        return self.values.get(e.get("identifier") or "")

    def _op_correct(self, e: etree._Element) -> Any:
        declaration = self.declarations[e.get("identifier")]
        values = [self._typed(v.text, declaration.get("base-type")) for v in declaration.iter(q("qti-value"))]
        return values[0] if declaration.get("cardinality") == "single" else values

    def _op_is_null(self, e: etree._Element) -> bool:
        return self._value(e[0]) in (None, [], "")

    def _op_match(self, e: etree._Element) -> Any:
        a, b = self._value(e[0]), self._value(e[1])
        if a is None or b is None:
            return None
        ordered = self.declarations.get(e[0].get("identifier"))
        if isinstance(a, list) and (ordered is None or ordered.get("cardinality") != "ordered"):
            return sorted(a) == sorted(b)
        return bool(a == b)

    def _op_map_response(self, e: etree._Element) -> float:
        declaration = self.declarations[e.get("identifier")]
        mapping = declaration.find(q("qti-mapping"))
        value = self.values.get(e.get("identifier") or "")
        keys = sorted(set(value)) if isinstance(value, list) else [value]
        total = sum(self._mapped(mapping, key) for key in keys if key is not None)
        if mapping.get("lower-bound") is not None:
            total = max(total, float(mapping.get("lower-bound")))
        if mapping.get("upper-bound") is not None:
            total = min(total, float(mapping.get("upper-bound")))
        return total

    def _mapped(self, mapping: etree._Element, key: Any) -> float:
        for entry in mapping.iter(q("qti-map-entry")):
            case_sensitive = entry.get("case-sensitive", "true") == "true"
            stored = entry.get("map-key") or ""
            if stored == key or (not case_sensitive and stored.lower() == str(key).lower()):
                return float(entry.get("mapped-value"))
        return float(mapping.get("default-value", "0"))

    def _op_equal(self, e: etree._Element) -> Any:
        x, y = self._value(e[0]), self._value(e[1])
        if x is None or y is None:
            return None
        mode = e.get("tolerance-mode", "exact")
        if mode == "exact":
            return x == y
        t0, t1 = ([float(t) for t in e.get("tolerance", "0").split()] * 2)[:2]
        if mode == "absolute":
            return x - t0 <= y <= x + t1
        return x * (1 - t0 / 100) <= y <= x * (1 + t1 / 100)

    def _op_and(self, e: etree._Element) -> Any:
        values = [self._value(c) for c in e]
        return False if False in values else (None if None in values else True)

    def _op_or(self, e: etree._Element) -> Any:
        values = [self._value(c) for c in e]
        return True if True in values else (None if None in values else False)

    def _op_not(self, e: etree._Element) -> Any:
        value = self._value(e[0])
        return None if value is None else not value

    def _op_lte(self, e: etree._Element) -> Any:
        a, b = self._value(e[0]), self._value(e[1])
        return None if a is None or b is None else a <= b

    def _op_gt(self, e: etree._Element) -> Any:
        a, b = self._value(e[0]), self._value(e[1])
        return None if a is None or b is None else a > b

    def _op_sum(self, e: etree._Element) -> Any:
        values = [self._value(c) for c in e]
        return None if None in values else sum(values)

    def _op_multiple(self, e: etree._Element) -> Any:
        values: list[Any] = []
        for child in e:
            value = self._value(child)
            values += value if isinstance(value, list) else ([] if value is None else [value])
        return values or None

    def _op_pattern_match(self, e: etree._Element) -> Any:
        value = self._value(e[0])
        return None if value is None else re.fullmatch(e.get("pattern") or "", value) is not None
