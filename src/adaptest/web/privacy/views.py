"""Pages for a person's data rights: download everything as JSON, delete the account."""

from __future__ import annotations

import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from adaptest.web.core.http import AuthenticatedHttpRequest
from adaptest.web.privacy import selectors, services


@never_cache  # a personal file: no shared cache may keep it
@login_required
def data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = selectors.user_data_export(user=request.user)
    day = timezone.now().date().isoformat()
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="adaptest-data-{day}.json"'
    return response


@never_cache
@login_required
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            services.user_delete_confirmed(
                user=request.user, password=request.POST.get("password", ""), now=timezone.now()
            )
        except services.WrongPassword as wrong:
            error = str(wrong)
        else:
            logout(request)
            return redirect("account_deleted")
    return render(request, "privacy/delete.html", {"error": error})


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html")
