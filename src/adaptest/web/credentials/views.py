"""Pages: the holder's credentials and downloads; public ones for verifiers (DID document, status lists,
a credential's verification page)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from adaptest.web.core.http import AuthenticatedHttpRequest
from adaptest.web.credentials import selectors, services
from adaptest.web.credentials.certificate import certificate_png
from adaptest.web.credentials.keys import issuer_for_request
from adaptest.web.credentials.models import Credential


def did_document(request: HttpRequest) -> JsonResponse:
    document = selectors.did_document(issuer=issuer_for_request(request))
    return JsonResponse(document, content_type="application/did+json")


def status_list(request: HttpRequest, number: int) -> HttpResponse:
    if not selectors.status_list_exists(number=number):
        raise Http404("No such status list.")
    token = selectors.status_list_credential(
        issuer=issuer_for_request(request), number=number, now=timezone.now()
    )
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Cache-Control"] = "no-cache"  # a revocation must show at once
    return response


def credential_verify(request: HttpRequest, credential_id: UUID) -> HttpResponse:
    credential = get_object_or_404(Credential, uuid=credential_id)
    state = selectors.credential_state(credential=credential, now=timezone.now())
    return render(request, "credentials/verify.html", {"credential": credential, "state": state})


@never_cache
@login_required
def credential_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    services.credentials_issue_missing(user=request.user, now=now, issuer=issuer_for_request(request))
    rows = [
        (credential, selectors.credential_state(credential=credential, now=now))
        for credential in selectors.credential_list(user=request.user)
    ]
    offered = selectors.skills_report_attempts(user=request.user).filter(credential__isnull=True)
    return render(request, "credentials/list.html", {"rows": rows, "offered": offered})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def skills_report(request: AuthenticatedHttpRequest, attempt_id: int) -> HttpResponse:
    """The skills report of one of the holder's adaptive attempts: what it would say, and a button to
    take it (POST). Never issued without that request; asking again returns the same credential."""
    attempt = selectors.skills_report_attempt_get(user=request.user, attempt_id=attempt_id)
    if request.method == "POST":
        services.skills_report_issue(attempt=attempt, now=timezone.now(), issuer=issuer_for_request(request))
        return redirect("skills_report", attempt_id=attempt.pk)
    credential = selectors.skills_report_for_attempt(attempt=attempt)
    state = credential and selectors.credential_state(credential=credential, now=timezone.now())
    return render(
        request,
        "credentials/skills_report.html",
        {"attempt": attempt, "report": attempt.report, "credential": credential, "state": state},
    )


@never_cache
@login_required
def credential_download(request: AuthenticatedHttpRequest, credential_id: UUID) -> HttpResponse:
    credential = selectors.credential_get_for_holder(user=request.user, credential_id=credential_id)
    response = HttpResponse(credential.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="adaptest-credential-{credential.uuid}.jwt"'
    return response


@never_cache
@login_required
def credential_certificate(request: AuthenticatedHttpRequest, credential_id: UUID) -> HttpResponse:
    credential = selectors.credential_get_for_holder(user=request.user, credential_id=credential_id)
    png = certificate_png(
        credential=credential,
        holder_name=request.user.get_full_name() or request.user.username,
        verification_url=issuer_for_request(request).base_url
        + reverse("credential_verify", args=[credential.uuid]),
    )
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="adaptest-certificate-{credential.uuid}.png"'
    return response
