from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from adaptest.web.accounts import services
from adaptest.web.accounts.forms import EmailChangeForm, SignupForm
from adaptest.web.accounts.models import ApiToken
from adaptest.web.core.http import AuthenticatedHttpRequest
from adaptest.web.core.throttling import (
    client_ip,
    describe_wait,
    rate_limit_wait,
    retry_after,
    throttled_page,
)

TOO_MANY_SIGNUPS = "Too many accounts were created from your address recently."
TOO_MANY_TOKENS = "You created too many API tokens recently."
TOO_MANY_RESETS = "Too many password resets were asked for from your address recently."


def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        # Only accounts actually created count against the address; a mistyped password does not.
        address, rate = client_ip(request) or "unknown", settings.ADAPTEST_SIGNUP_THROTTLE
        wait = rate_limit_wait(scope="signup", ident=address, rate=rate, consume=False)
        if wait is not None:
            return throttled_page(request, wait=wait, what=TOO_MANY_SIGNUPS)
        if form.is_valid():
            user = form.save()
            rate_limit_wait(scope="signup", ident=address, rate=rate)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


class PasswordReset(PasswordResetView):
    """Django's password-reset request, rate-limited per client address (ADAPTEST_PASSWORD_RESET_THROTTLE)
    so the form cannot be used to flood mailboxes or to probe many addresses.

    Every well-formed request counts, whether or not the address has an account: counting only real
    mails would let the limit tell which addresses have one.
    """

    scope = "password-reset"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = rate_limit_wait(scope=self.scope, ident=self._client(), rate=self._rate(), consume=False)
        if wait is not None:
            return throttled_page(request, wait=wait, what=TOO_MANY_RESETS)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        rate_limit_wait(scope=self.scope, ident=self._client(), rate=self._rate())
        return super().form_valid(form)

    def _client(self) -> str:
        return client_ip(self.request) or "unknown"

    def _rate(self) -> tuple[int, int]:
        rate: tuple[int, int] = (
            settings.ADAPTEST_PASSWORD_RESET_THROTTLE
        )  # read per request, as tests change it
        return rate


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """What django-axes answers (settings.AXES_LOCKOUT_CALLABLE) to a log-in while it is locked out.

    Every attempt during the lock-out starts the cool-off again, so the wait is the whole cool-off.
    """
    cool_off: timedelta = get_cool_off(request) or timedelta(0)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        "wait": describe_wait(cool_off.total_seconds()),
        "until": timezone.now() + cool_off,
    }
    page = render(request, "registration/locked_out.html", context, status=429)
    page["Retry-After"] = retry_after(cool_off.total_seconds())
    return page


NEW_TOKEN_KEY = "adaptest-new-api-token"
"""Where a just-created token waits, in the server-side session, for the one page that shows it."""


@never_cache  # right after a token is created, the page carries it in clear: no cache may keep it
@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    created = request.session.pop(NEW_TOKEN_KEY, None)  # shown once: a reload no longer has it
    if created is None:
        return _account_page(request)
    token = ApiToken.objects.filter(pk=created["id"], user=request.user).first()
    return _account_page(request, new_token=token, plaintext=created["plaintext"] if token else None)


def _account_page(request: AuthenticatedHttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user=request.user))
    context = {
        "tokens": tokens,
        "max_tokens": settings.ADAPTEST_MAX_TOKENS,
        "email_form": EmailChangeForm(initial={"email": request.user.email}),
        **extra,
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_POST
def email_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            changed = services.user_email_change(
                user=request.user, email=email, password=form.cleaned_data["password"]
            )
        except services.EmailWrongPassword as wrong:
            form.add_error("password", str(wrong))
        except services.EmailInUse as in_use:
            form.add_error("email", str(in_use))
        else:
            if not changed:
                messages.info(request, "Your e-mail address is unchanged.")
            elif email:
                messages.success(request, f"Your e-mail address is now {email}.")
            else:
                messages.success(
                    request,
                    "Your e-mail address was removed: a forgotten password can no longer be reset by e-mail.",
                )
            return redirect("account")
    return _account_page(request, status=422, email_form=form)


@never_cache  # the page carries the new token in clear: no cache may keep it
@login_required
@require_POST
def api_token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    name = request.POST.get("name", "")
    user_id, rate = str(request.user.pk), settings.ADAPTEST_TOKEN_THROTTLE
    wait = rate_limit_wait(scope="token", ident=user_id, rate=rate, consume=False)
    if wait is not None:
        page = _account_page(
            request, status=429, error=f"{TOO_MANY_TOKENS} Try again in {describe_wait(wait)}."
        )
        page["Retry-After"] = retry_after(wait)
        return page
    try:
        token, plaintext = services.api_token_create(user=request.user, name=name, now=timezone.now())
    except services.TokenRefused as refused:
        return _account_page(request, status=422, error=str(refused), name=name)
    rate_limit_wait(scope="token", ident=user_id, rate=rate)
    # Post/redirect/get, so reloading the page cannot create a second token. The plaintext waits in the
    # session (a database row on the server, never a cookie or a URL) for the next page, which removes it.
    request.session[NEW_TOKEN_KEY] = {"id": token.pk, "plaintext": plaintext}
    return redirect("account")


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The token was revoked: it no longer works.")
    else:
        messages.error(request, "No such token.")
    return redirect("account")
