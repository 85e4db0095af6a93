"""Reading numbers typed by people: 1e-3, 0.001, 1/1000, 3,850 and 3 850 all work."""

from __future__ import annotations

import math
import re

from adaptest.bank.outcome import AnswerError

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_FRACTION = re.compile(r"^([+-]?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
MAX_NUMBER_LENGTH = 40


def parse_number(raw: object, *, what: str = "Your answer") -> float:
    """Parse a learner's number; raise AnswerError with a message that says how to fix it."""
    if isinstance(raw, bool):
        raise AnswerError(f"{what} must be a number.")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        value = _parse_text(raw, what)
    else:
        raise AnswerError(f"{what} must be a number.")
    if not math.isfinite(value):
        raise AnswerError(f"{what} must be a finite number.")
    return value


def _parse_text(raw: str, what: str) -> float:
    text = raw.strip().replace("\u2212", "-").replace("_", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        raise AnswerError(f"{what} is empty: type a number, or answer “I don't know yet”.")
    if len(text) > MAX_NUMBER_LENGTH:
        raise AnswerError(f"{what} is too long to be a number.")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.match(text):
        raise AnswerError(f"{what} uses a decimal comma: write {text.replace(',', '.')} with a point.")
    fraction = _FRACTION.match(text)
    if fraction:
        denominator = float(fraction.group(2))
        if denominator == 0:
            raise AnswerError(f"{what} divides by zero.")
        return float(fraction.group(1)) / denominator
    try:
        return float(text)
    except ValueError:
        raise AnswerError(f"{what} ({raw.strip()!r}) is not a number.") from None


def format_number(value: float) -> str:
    """Show integers without a decimal point and other numbers with up to 6 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def format_exact(value: float) -> str:
    """Show a stored number so that reading it back gives exactly the same float.

    For putting a saved answer back into a form field: rounding there would change the answer when
    the form is saved again (1000.693 shown as 1000.69 could fall outside a tight tolerance).
    """
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
