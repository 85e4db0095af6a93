from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.safestring import SafeString, mark_safe

from adaptest.web.core.markdown import render_inline, render_markdown

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - renderer escapes raw HTML


@register.filter
def markdown_inline(text: str | None) -> SafeString:
    return mark_safe(render_inline(text or ""))  # noqa: S308 - renderer escapes raw HTML


@register.filter
def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{round(fraction * 100)}%"


@register.filter
def certainty(probability: float | None) -> str:
    """A probability as "how sure": never 100% nor 0%, which the evidence of a short test cannot give."""
    if probability is None:
        return "—"
    if probability > 0.99:
        return "> 99%"
    if probability < 0.01:
        return "< 1%"
    return f"{round(probability * 100)}%"


@register.filter
def minutes_seconds(seconds: float | int | None) -> str:
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def range_to(count: int) -> range:
    """1..count inclusive, for numbered lists of questions."""
    return range(1, int(count) + 1)


@register.filter
def get_item(mapping: Mapping[object, object], key: object) -> object:
    return mapping.get(key)


@register.filter
def duration(seconds: float | int | None) -> str:
    """A time limit in words: '30 minutes', '1 hour 30 minutes', '45 seconds'."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    parts += [f"{minutes} minute{'s' * (minutes != 1)}"] if minutes else []
    parts += [f"{secs} second{'s' * (secs != 1)}"] if secs or not parts else []
    return " ".join(parts)
