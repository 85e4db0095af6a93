"""Every text a finite regular expression matches, so a short answer's patterns can become the literal
keys of a QTI string mapping (QTI maps whole answers; it has no regular expressions there).

Only the part of the syntax that stands for finitely many texts is read: literals and escaped
punctuation, character classes of literals and ranges, groups with ``|`` and the quantifiers ``?``,
``{m}`` and ``{m,n}``. Anything else (``*``, ``+``, ``.``, ``\\w``, a negated class, look-arounds) gives
None: the pattern stands for too many texts to list.
"""

from __future__ import annotations

MAX_TEXTS = 2000
_SPECIAL = set(".^$*+?{}[]\\|()")
_CATEGORY = set("dDwWsSbBAZ")


class _Infinite(Exception):  # noqa: N818 (a signal, not an error)
    """The pattern stands for more texts than we list."""


def expand(pattern: str, limit: int = MAX_TEXTS) -> list[str] | None:
    """The texts ``pattern`` fully matches, in a stable order; None when infinite or above ``limit``."""
    parser = _Parser(pattern, limit)
    try:
        texts = parser.alternation()
        if parser.position != len(pattern):
            return None
    except (_Infinite, IndexError):
        return None
    return list(dict.fromkeys(texts))


class _Parser:
    def __init__(self, pattern: str, limit: int) -> None:
        self.pattern = pattern
        self.position = 0
        self.limit = limit

    def _peek(self) -> str | None:
        return self.pattern[self.position] if self.position < len(self.pattern) else None

    def _take(self) -> str:
        char = self.pattern[self.position]
        self.position += 1
        return char

    def _bounded(self, texts: list[str]) -> list[str]:
        if len(texts) > self.limit:
            raise _Infinite
        return texts

    def alternation(self) -> list[str]:
        texts = self.sequence()
        while self._peek() == "|":
            self._take()
            texts = self._bounded(texts + self.sequence())
        return texts

    def sequence(self) -> list[str]:
        texts = [""]
        while self._peek() not in (None, "|", ")"):
            atom = self._repeated(self.atom())
            texts = self._bounded([left + right for left in texts for right in atom])
        return texts

    def atom(self) -> list[str]:
        char = self._take()
        if char == "(":
            if self.pattern.startswith("?:", self.position):
                self.position += 2
            elif self._peek() == "?":
                raise _Infinite  # look-arounds, named groups, flags: not read
            texts = self.alternation()
            if self._take() != ")":
                raise _Infinite
            return texts
        if char == "[":
            return self._class()
        if char == "\\":
            return [self._escaped()]
        if char in "^$":
            return [""]  # answers are matched in full anyway
        if char in _SPECIAL:
            raise _Infinite
        return [char]

    def _escaped(self) -> str:
        char = self._take()
        if char in _CATEGORY or char.isalnum():
            raise _Infinite
        return char

    def _class(self) -> list[str]:
        if self._peek() == "^":
            raise _Infinite
        chars: list[str] = []
        first = True
        while first or self._peek() != "]":
            first = False
            start = self._class_char()
            if self._peek() == "-" and self.pattern[self.position + 1] != "]":
                self._take()
                end = self._class_char()
                chars += [chr(c) for c in range(ord(start), ord(end) + 1)]
            else:
                chars.append(start)
        self._take()
        return self._bounded(list(dict.fromkeys(chars)))

    def _class_char(self) -> str:
        char = self._take()
        return self._escaped() if char == "\\" else char

    def _repeated(self, atom: list[str]) -> list[str]:
        char = self._peek()
        if char in ("*", "+"):
            raise _Infinite
        if char == "?":
            self._take()
            low, high = 0, 1
        elif char == "{":
            low, high = self._counts()
        else:
            return atom
        if self._peek() in ("?", "+"):
            self._take()  # lazy or possessive: the same texts
        return self._powers(atom, low, high)

    def _counts(self) -> tuple[int, int]:
        end = self.pattern.index("}", self.position)
        body = self.pattern[self.position + 1 : end]
        self.position = end + 1
        low, comma, high = body.partition(",")
        if not low.isdigit() or (high and not high.isdigit()) or (comma and not high):
            raise _Infinite
        return int(low), int(high) if high else int(low)

    def _powers(self, atom: list[str], low: int, high: int) -> list[str]:
        texts: list[str] = []
        power = [""]
        for count in range(high + 1):
            if count >= low:
                texts = self._bounded(texts + power)
            power = self._bounded([left + right for left in power for right in atom])
        return texts


# -- keywords as QTI patterns ------------------------------------------------------------------------
_XSD_ESCAPED = set("\\|.-^?*+{}()[]")


def keyword_pattern(word: str) -> str:
    """An XML Schema regular expression (``qti-pattern-match``) true when an answer contains ``word``
    in any case and with any spacing, as our keyword feedback matches it."""
    parts = []
    for char in " ".join(word.split()):
        upper, lower = char.upper(), char.lower()
        if char == " ":
            parts.append("\\s+")
        elif upper != lower and len(upper) == 1 and len(lower) == 1:
            parts.append(f"[{lower}{upper}]")
        else:
            parts.append(f"\\{char}" if char in _XSD_ESCAPED else char)
    return ".*" + "".join(parts) + ".*"


def keyword_of(pattern: str) -> str | None:
    """The word of a pattern :func:`keyword_pattern` wrote; None for any other pattern."""
    if not (pattern.startswith(".*") and pattern.endswith(".*")) or len(pattern) < 5:
        return None
    body, word, position = pattern[2:-2], [], 0
    while position < len(body):
        if body.startswith("\\s+", position):
            word.append(" ")
            position += 3
        elif body[position] == "\\" and position + 1 < len(body) and body[position + 1] in _XSD_ESCAPED:
            word.append(body[position + 1])
            position += 2
        elif body[position] == "[" and body[position + 3 : position + 4] == "]":
            word.append(body[position + 1])
            position += 4
        elif body[position] in _XSD_ESCAPED:
            return None
        else:
            word.append(body[position])
            position += 1
    return "".join(word)
