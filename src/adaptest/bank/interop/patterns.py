"""Every answer a finite regular expression accepts, so a short text's patterns can become literal
answers where a format has no regular expressions (Moodle and GIFT short answers, QTI string mappings)."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from itertools import product
from typing import Any

# re's own parser reads a pattern into its parts; typeshed does not describe these private modules.
sre_parser: Any = importlib.import_module("re._parser")
sre_constants: Any = importlib.import_module("re._constants")


class _Unbounded(ValueError):  # noqa: N818
    """The pattern accepts too many answers to list."""


def expand_pattern(pattern: str, *, case_sensitive: bool, limit: int) -> list[str] | None:
    """Every answer (compared as our short text compares them: whitespace collapsed and trimmed) that
    ``pattern`` accepts, when that is a finite list of at most ``limit`` ASCII strings;
    else None.

    Answers are normalised before matching, so whitespace in one is always a single space and ``\\s*``
    can only be nothing or one space. Every string listed is checked against the pattern itself, which
    makes ignoring anchors and lookarounds (they only remove strings) safe.
    """
    flags = re.NOFLAG if case_sensitive else re.IGNORECASE
    try:
        candidates = _Expansion(limit * 4).sequence(list(sre_parser.parse(pattern, flags)))
    except (_Unbounded, re.error, OverflowError, RecursionError):
        return None
    found = [
        text
        for text in sorted(candidates)
        if text and text.isascii() and text == " ".join(text.split()) and re.fullmatch(pattern, text, flags)
    ]
    return found if len(found) <= limit else None


@dataclass(frozen=True)
class _Expansion:
    """Walks re's parse of a pattern, giving up past ``most`` strings (room for those the final check
    against the pattern drops)."""

    most: int

    def concatenated(self, left: set[str], right: set[str]) -> set[str]:
        if len(left) * len(right) > self.most:
            raise _Unbounded("too many answers")
        return {a + b for a, b in product(left, right)}

    def sequence(self, items: list[tuple[Any, Any]]) -> set[str]:
        strings = {""}
        for op, argument in items:
            strings = self.concatenated(strings, self.element(op, argument))
        return strings

    def element(self, op: Any, argument: Any) -> set[str]:
        c = sre_constants
        if op is c.LITERAL:
            return {chr(argument)}
        if op is c.IN:
            return _character_class(argument)
        if op is c.BRANCH:
            return set().union(*(self.sequence(list(alternative)) for alternative in argument[1]))
        if op is c.SUBPATTERN:
            _group, add_flags, del_flags, inner = argument
            if add_flags or del_flags:
                raise _Unbounded("flags inside the pattern")
            return self.sequence(list(inner))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            least, most, inner = argument
            return self.repeat(least, most, self.sequence(list(inner)))
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return {""}  # only narrows what matches: the final check against the pattern drops the rest
        raise _Unbounded(str(op))

    def repeat(self, least: int, most: int, once: set[str]) -> set[str]:
        if once == {""}:
            return once
        if most >= sre_constants.MAXREPEAT:
            if once != {" "}:
                raise _Unbounded("unbounded repetition")
            most = max(least, 1)  # a run of whitespace is a single space once normalised
        strings: set[str] = set()
        power = {""}
        for count in range(most + 1):
            if count >= least:
                strings |= power
            if len(strings) > self.most:
                raise _Unbounded("too many answers")
            power = self.concatenated(power, once)
        return strings


def _character_class(members: list[tuple[Any, Any]]) -> set[str]:
    c = sre_constants
    chars: set[str] = set()
    for op, argument in members:
        if op is c.LITERAL:
            chars.add(chr(argument))
        elif op is c.RANGE and argument[1] - argument[0] < 64:
            chars.update(chr(code) for code in range(argument[0], argument[1] + 1))
        elif op is c.CATEGORY and argument is c.CATEGORY_SPACE:
            chars.add(" ")  # a normalised answer has no other whitespace
        else:
            raise _Unbounded(str(op))  # \d, \w, negated classes: Unicode makes them very large
    return chars
