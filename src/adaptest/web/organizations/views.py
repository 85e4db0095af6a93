"""Organisation pages: create and join, members and invitations, campaigns, consent, the dashboard.

Thin: services decide, selectors read. Anything a person may not see answers 404, the same as a page
that does not exist, so an outsider cannot even learn which organisations or campaigns exist.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from adaptest.web.core.http import AuthenticatedHttpRequest
from adaptest.web.itembank.selectors import all_domain_titles
from adaptest.web.organizations import selectors, services
from adaptest.web.organizations.forms import (
    AccommodationForm,
    CampaignForm,
    InvitationForm,
    OrganizationForm,
    RoleProfileForm,
)
from adaptest.web.organizations.models import Invitation, Membership, Organization

View = TypeVar("View", bound=Callable[..., HttpResponse])


def hidden_unless_allowed(view: View) -> View:
    """Log-in required; NotAllowed becomes 404, OrgError a message on the campaign's or organisation's page
    (never the action's own URL: most accept POST only)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except services.NotAllowed:
            raise Http404("No such page.") from None
        except services.OrgError as refusal:
            messages.error(request, str(refusal))
            return redirect(_back(kwargs))

    return wrapper  # type: ignore[return-value]


def _back(kwargs: dict[str, Any]) -> str:
    """Where a refused action returns to, with its message: the campaign's or organisation's page."""
    if "campaign_id" in kwargs:
        return reverse("campaign", args=[kwargs["campaign_id"]])
    if "organization_id" in kwargs:
        return reverse("organization", args=[kwargs["organization_id"]])
    return reverse("organization_list")


def _organization(request: AuthenticatedHttpRequest, organization_id: int) -> tuple[Organization, Membership]:
    return selectors.organization_for_member(user=request.user, organization_id=organization_id)


def _admin_organization(request: AuthenticatedHttpRequest, organization_id: int) -> Organization:
    return selectors.organization_for_admin(user=request.user, organization_id=organization_id)


# --- organisations and members ----------------------------------------------------------------------


@hidden_unless_allowed
@require_http_methods(["GET", "POST"])
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_create(
            user=request.user, name=form.cleaned_data["name"], now=timezone.now()
        )
        messages.success(request, f"{organization.name} is created; you are its admin.")
        return redirect("organization", organization.pk)
    memberships = selectors.memberships_for_user(user=request.user)
    return render(request, "organizations/list.html", {"memberships": memberships, "form": form})


@hidden_unless_allowed
def organization_detail(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization, membership = _organization(request, organization_id)
    now = timezone.now()
    context: dict[str, Any] = {
        "organization": organization,
        "membership": membership,
        "campaigns": selectors.member_campaigns(user=request.user, organization=organization, now=now),
    }
    if membership.is_admin:
        context |= {
            "members": organization.memberships.select_related("user").order_by("user__username"),
            "invitations": organization.invitations.filter(revoked_at__isnull=True, expires_at__gt=now),
            "invitation_form": InvitationForm(),
            "profiles": organization.role_profiles.all(),
            "domains": all_domain_titles(),
            "now": now,
        }
    return render(request, "organizations/detail.html", context)


@hidden_unless_allowed
@require_POST
def invitation_new(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid e-mail address, or leave it empty for a link.")
        return redirect("organization", organization.pk)
    email = form.cleaned_data["email"]
    new = services.invitation_create(
        admin=request.user, organization=organization, email=email, now=timezone.now()
    )
    link = request.build_absolute_uri(reverse("organization_join", args=[new.token]))
    if email:
        email = new.invitation.email  # as stored: lower-cased
        _send_invitation(request, organization, email, link)
        messages.success(request, f"An invitation to join {organization.name} was sent to {email}.")
        return redirect("organization", organization.pk)
    return render(request, "organizations/invitation_link.html", {"organization": organization, "link": link})


def _send_invitation(
    request: AuthenticatedHttpRequest, organization: Organization, email: str, link: str
) -> None:
    context = {
        "organization": organization,
        "link": link,
        "inviter": request.user.username,
        "days": services.INVITATION_DAYS,
    }
    send_mail(
        f"Join {organization.name} on Adaptest",
        render_to_string("organizations/invitation_email.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )


@hidden_unless_allowed
@require_POST
def invitation_revoke(
    request: AuthenticatedHttpRequest, organization_id: int, invitation_id: int
) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    invitation = Invitation.objects.filter(organization=organization, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    services.invitation_revoke(admin=request.user, invitation=invitation, now=timezone.now())
    messages.success(request, "The invitation is withdrawn; its link no longer works.")
    return redirect("organization", organization.pk)


@hidden_unless_allowed
@require_POST
def member_manage(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    membership = organization.memberships.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such member.")
    action = request.POST.get("action")
    if action == "promote":
        services.membership_promote(admin=request.user, membership=membership)
        messages.success(request, f"{membership.user.username} is now an admin.")
    elif action == "remove":
        services.membership_remove(admin=request.user, membership=membership, now=timezone.now())
        messages.success(
            request, f"{membership.user.username} is no longer a member; their results are hidden."
        )
    else:
        return HttpResponse("Choose promote or remove.", status=400, content_type="text/plain")
    return redirect("organization", organization.pk)


@hidden_unless_allowed
@require_http_methods(["GET", "POST"])
def leave(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization, membership = _organization(request, organization_id)
    alone = not organization.memberships.exclude(pk=membership.pk).exists()
    if request.method == "POST":
        name = organization.name
        deleted = services.membership_leave(user=request.user, organization=organization, now=timezone.now())
        messages.success(request, f"You left {name}" + (", and it is deleted." if deleted else "."))
        return redirect("organization_list")
    return render(request, "organizations/leave.html", {"organization": organization, "alone": alone})


@hidden_unless_allowed
@require_http_methods(["GET", "POST"])
def join(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        invitation = services.invitation_find(token=token, now=now)
    except services.OrgError as refusal:
        return render(request, "organizations/join.html", {"refusal": str(refusal)}, status=410)
    if request.method == "POST":
        membership = services.invitation_accept(token=token, user=request.user, now=now)
        messages.success(request, f"You joined {membership.organization.name}.")
        return redirect("organization", membership.organization_id)
    already = Membership.objects.filter(organization=invitation.organization, user=request.user).exists()
    return render(request, "organizations/join.html", {"invitation": invitation, "already": already})


# --- role profiles and campaigns --------------------------------------------------------------------


@hidden_unless_allowed
@require_http_methods(["GET", "POST"])
def role_profile_new(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    form = RoleProfileForm(request.POST or None, domains=all_domain_titles())
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.role_profile_create(
                admin=request.user,
                organization=organization,
                title=form.cleaned_data["title"],
                rationale=form.cleaned_data["rationale"],
                levels=form.levels(),
            )
        except services.OrgError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"The role “{profile.title}” can now be chosen for campaigns.")
            return redirect("organization", organization.pk)
    return render(
        request, "organizations/role_profile_new.html", {"organization": organization, "form": form}
    )


@hidden_unless_allowed
@require_http_methods(["GET", "POST"])
def campaign_new(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = _admin_organization(request, organization_id)
    form = CampaignForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                admin=request.user,
                organization=organization,
                title=data["title"],
                assessment=data["assessment"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                attempts_allowed=data["attempts_allowed"],
                profiles=list(data.get("role_profiles") or []),
                now=timezone.now(),
            )
        except services.OrgError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"The campaign “{campaign.title}” is created.")
            return redirect("campaign", campaign.pk)
    return render(request, "organizations/campaign_new.html", {"organization": organization, "form": form})


@hidden_unless_allowed
def campaign_detail(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign, membership = selectors.campaign_for_member(user=request.user, campaign_id=campaign_id)
    now = timezone.now()
    context: dict[str, Any] = {
        "campaign": campaign,
        "membership": membership,
        "mine": selectors.member_campaign(user=request.user, campaign=campaign, now=now),
        "domains": [title for _, title in selectors.campaign_domains(campaign=campaign)],
        "profiles": selectors.campaign_profiles(campaign=campaign),
    }
    if membership.is_admin:
        context |= {
            "dashboard": selectors.campaign_dashboard(campaign=campaign),
            "accommodation_form": AccommodationForm(organization=campaign.organization),
            "accommodations": campaign.candidates.filter(extra_time_percent__gt=0).select_related("user"),
        }
    return render(request, "organizations/campaign.html", context)


@hidden_unless_allowed
@require_POST
def consent(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign, _ = selectors.campaign_for_member(user=request.user, campaign_id=campaign_id)
    choice = request.POST.get("share")
    if choice not in ("yes", "no"):
        return HttpResponse("Choose whether to share: yes or no.", status=400, content_type="text/plain")
    candidate = services.consent_decide(
        user=request.user, campaign=campaign, share=choice == "yes", now=timezone.now()
    )
    if candidate.shares:
        messages.success(request, f"{campaign.organization.name} can now see your results in this campaign.")
    else:
        messages.success(request, f"{campaign.organization.name} cannot see your results in this campaign.")
    return redirect("campaign", campaign.pk)


@hidden_unless_allowed
@require_POST
def campaign_start(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign, _ = selectors.campaign_for_member(user=request.user, campaign_id=campaign_id)
    started = services.campaign_attempt_start(user=request.user, campaign=campaign, now=timezone.now())
    return redirect("attempt", started.attempt.pk)


@hidden_unless_allowed
def candidate(request: AuthenticatedHttpRequest, campaign_id: int, user_id: int) -> HttpResponse:
    campaign = selectors.campaign_for_admin(user=request.user, campaign_id=campaign_id)
    result, signals = selectors.candidate_shared(campaign=campaign, user_id=user_id)
    return render(
        request, "organizations/candidate.html", {"campaign": campaign, "result": result, "signals": signals}
    )


@hidden_unless_allowed
@require_POST
def accommodation(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_for_admin(user=request.user, campaign_id=campaign_id)
    form = AccommodationForm(request.POST, organization=campaign.organization)
    if not form.is_valid():
        messages.error(request, "Choose a member and an extra time from 0 to 400 %.")
        return redirect("campaign", campaign.pk)
    user: User = form.cleaned_data["user"]
    services.accommodation_set(
        admin=request.user,
        campaign=campaign,
        user=user,
        extra_time_percent=form.cleaned_data["extra_time_percent"],
    )
    messages.success(
        request,
        f"{user.username} gets {form.cleaned_data['extra_time_percent']} % extra time in new attempts.",
    )
    return redirect("campaign", campaign.pk)


@hidden_unless_allowed
def results_csv(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_for_admin(user=request.user, campaign_id=campaign_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-results.csv"'
    writer = csv.writer(response)
    for row in selectors.results_table(campaign=campaign):
        writer.writerow(row)
    return response


@hidden_unless_allowed
def consent_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "organizations/consents.html", {"events": selectors.consent_log(user=request.user)}
    )
