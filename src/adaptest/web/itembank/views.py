"""Staff pages for the item bank. Thin: the selectors compute."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from adaptest.web.itembank import selectors

View = Callable[..., HttpResponse]

COLUMNS = (
    ("item", "Item"),
    ("domain", "Domain"),
    ("kind", "Kind"),
    ("a", "a"),
    ("b", "b"),
    ("n", "Responses"),
    ("facility", "Facility"),
    ("discrimination", "Discrimination"),
    ("exposure", "Exposure"),
    ("rating", "Mean rating"),
    ("flags", "Flags"),
)


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; signed-in non-staff get 403 Forbidden."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("Item statistics are for staff.")
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def item_stats(request: HttpRequest) -> HttpResponse:
    sort = selectors.item_stats_sort(request.GET.get("sort", "item"))
    flagged = request.GET.get("flagged") == "1"
    rows = selectors.item_statistics(sort=sort, flagged_only=flagged)
    context = {
        "rows": rows,
        "sort": sort,
        "flagged": flagged,
        "columns": [_column(key, title, sort) for key, title in COLUMNS],
        "thresholds": {
            "min_responses": selectors.FLAG_MIN_RESPONSES,
            "facility": selectors.FACILITY_RANGE,
            "discrimination": selectors.MIN_DISCRIMINATION,
            "a": selectors.MIN_CALIBRATED_A,
            "rating": selectors.LOW_RATING,
            "ratings": selectors.MIN_RATINGS,
        },
    }
    return render(request, "itembank/item_stats.html", context)


def _column(key: str, title: str, sort: str) -> dict[str, str]:
    """A sortable column header: a click sorts by it, a second click reverses the order."""
    current = sort.lstrip("-") == key
    descending = sort.startswith("-")
    direction = ("descending" if descending else "ascending") if current else ""
    return {
        "key": key,
        "title": title,
        "next": f"-{key}" if current and not descending else key,
        "aria_sort": direction,
    }
