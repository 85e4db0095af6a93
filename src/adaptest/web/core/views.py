from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from adaptest.web.assessments.selectors import attempt_list_for_user
from adaptest.web.itembank.selectors import assessment_list_active


def home(request: HttpRequest) -> HttpResponse:
    attempts = attempt_list_for_user(user=request.user)[:10] if request.user.is_authenticated else []
    return render(request, "core/home.html", {"assessments": assessment_list_active(), "attempts": attempts})
