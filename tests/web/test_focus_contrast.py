"""The keyboard focus ring stands out (WCAG 1.4.11: 3:1) against every surface a focused control sits on."""

from __future__ import annotations

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "src/adaptest/web/core/static/adaptest/site.css").read_text()


def _hex(colour: str) -> tuple[float, float, float]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(colour: str) -> float:
    """Relative luminance as WCAG 2 defines it."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _hex(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _surfaces() -> set[str]:
    """Every light background the stylesheet paints: the ring, drawn 2 px outside a control, lies on one.
    (Dark fills are controls and bars themselves, never what a ring is drawn on.)"""
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))
    named = re.findall(r"background:\s*(?:var\(--([a-z-]+)\)|(#[0-9a-fA-F]{3,6}))", CSS)
    colours = {variables[name] if name else literal for name, literal in named}
    return {c for c in colours if _luminance(c) > 0.5}


def test_the_contrast_formula_matches_known_pairs() -> None:
    assert round(_contrast("#000", "#fff"), 1) == 21.0
    assert round(_contrast("#777", "#fff"), 2) == 4.48


def test_the_focus_ring_has_3_to_1_against_every_surface() -> None:
    focus = re.search(r"--focus:\s*(#[0-9a-fA-F]{6})", CSS)
    assert focus and re.search(r":focus-visible\s*\{[^}]*var\(--focus\)", CSS)
    surfaces = _surfaces()
    assert {"#fff", "#f7f8fa"} <= surfaces  # the card and the page at least
    weak = {s: round(_contrast(focus.group(1), s), 2) for s in surfaces if _contrast(focus.group(1), s) < 3}
    assert not weak, weak
