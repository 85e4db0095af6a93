"""``{% load flashcards %}{% due_today %}``: the signed-in user's count of cards due today, for pages of
lower apps (the home page in core) that must not import flashcards: the template asks, flashcards answers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from adaptest.web.flashcards.selectors import due_count, end_of_today

register = template.Library()


@register.inclusion_tag("flashcards/due_today.html", takes_context=True)
def due_today(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": due_count(user=user, until=end_of_today(timezone.now()))}
