from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from adaptest.web.accounts import services
from adaptest.web.accounts.forms import SignupForm
from adaptest.web.accounts.models import ApiToken


def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        return redirect(next_url or "home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


def _account_page(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/account.html", {"tokens": tokens, **extra}, status=status)


@never_cache  # the page carries the new token in clear: no cache may keep it
@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "")
    try:
        token, plaintext = services.api_token_create(user=request.user, name=name, now=timezone.now())
    except services.TokenNameInvalid as invalid:
        return _account_page(request, status=422, error=str(invalid), name=name)
    # Rendered, not redirected: the plaintext must not travel through the session or a URL.
    return _account_page(request, new_token=token, plaintext=plaintext)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The token was revoked: it no longer works.")
    else:
        messages.error(request, "No such token.")
    return redirect("account")
