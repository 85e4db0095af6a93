"""The staff review queue. Thin: the selectors read, ``response_review`` writes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from adaptest.web.reviews import selectors, services

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; signed-in non-staff get 403 Forbidden."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("The review queue is for staff.")
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    tasks, waiting = selectors.review_queue()
    return render(request, "reviews/queue.html", {"tasks": tasks, "waiting": waiting})


@require_POST
@staff_required
def review_save(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    response = selectors.review_response(source=source, pk=pk)
    try:
        services.response_review(
            response=response,
            reviewer=request.user,
            criteria_met=request.POST.getlist("met"),
            now=timezone.now(),
        )
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Saved: {response.score:.0%} credit.")
    return redirect("review_queue")
