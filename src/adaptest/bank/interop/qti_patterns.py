"""Keyword feedback as QTI patterns: our short text's keywords (a word anywhere in the answer, any case,
any spacing) written as XML Schema regular expressions for ``qti-pattern-match``, and read back."""

from __future__ import annotations

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
