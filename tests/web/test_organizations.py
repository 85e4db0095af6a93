"""Organisations through their services: invitations, campaigns, the retake limit, consent, the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from adaptest.bank import DONT_KNOW
from adaptest.web.assessments import services as assessments
from adaptest.web.assessments.models import Attempt
from adaptest.web.assessments.selectors import retake_status
from adaptest.web.itembank.models import Assessment
from adaptest.web.organizations import selectors, services
from adaptest.web.organizations.models import Candidate, ConsentEvent, Invitation, Membership
from adaptest.web.organizations.services import OrgError
from tests.web import orgs
from tests.web.orgs import OrgWorld, join, open_campaign, take_campaign

org_world = orgs.org_world  # the fixture


@pytest.fixture
def skills(shipped_bank) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment.objects.get(slug="dl-skills-assessment")


def dont_know(_item: object) -> object:
    return DONT_KNOW


# --- organisations, members, invitations ------------------------------------------------------------


def test_whoever_creates_an_organisation_is_its_admin(cora) -> None:  # type: ignore[no-untyped-def]
    acme = services.organization_create(user=cora, name="  Acme  ", now=timezone.now())
    assert acme.name == "Acme"
    assert Membership.objects.get(organization=acme, user=cora).is_admin
    with pytest.raises(OrgError, match="name"):
        services.organization_create(user=cora, name="   ", now=timezone.now())


def test_an_email_invitation_is_mailed_with_a_link_that_works_once(client, cora, ada, dan) -> None:  # type: ignore[no-untyped-def]
    acme = services.organization_create(user=cora, name="Acme", now=timezone.now())
    client.force_login(cora)
    client.post(reverse("invitation_new", args=[acme.pk]), {"email": "Ada@Example.org"})
    [message] = mail.outbox
    assert message.to == ["ada@example.org"] and "Acme" in message.subject
    link = next(word for word in message.body.split() if "/orgs/join/" in word)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in Invitation.objects.get().digest  # only the digest is kept
    services.invitation_accept(token=token, user=ada, now=timezone.now())
    assert Membership.objects.filter(organization=acme, user=ada, role="member").exists()
    with pytest.raises(OrgError, match="already been used"):
        services.invitation_accept(token=token, user=dan, now=timezone.now())
    assert not Membership.objects.filter(user=dan).exists()


def test_a_link_invitation_serves_many_until_withdrawn_or_expired(cora, ada, dan, ben) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    link = services.invitation_create(admin=cora, organization=acme, email="", now=now)
    services.invitation_accept(token=link.token, user=ada, now=now)
    services.invitation_accept(token=link.token, user=ada, now=now)  # joining twice changes nothing
    assert Membership.objects.filter(organization=acme).count() == 2
    with pytest.raises(OrgError, match="expired"):
        services.invitation_accept(token=link.token, user=dan, now=now + timedelta(days=15))
    services.invitation_revoke(admin=cora, invitation=link.invitation, now=now)
    with pytest.raises(OrgError, match="withdrawn"):
        services.invitation_accept(token=link.token, user=ben, now=now)
    with pytest.raises(services.NotAllowed):
        services.invitation_create(admin=ada, organization=acme, email="", now=now)


def test_a_member_may_belong_to_several_organisations_and_leave_one(cora, ada, dan) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    globex = services.organization_create(user=dan, name="Globex", now=now)
    join(ada, acme, cora, now)
    join(ada, globex, dan, now)
    assert services.membership_leave(user=ada, organization=acme, now=now) is False
    assert [m.organization.name for m in selectors.memberships_for_user(user=ada)] == ["Globex"]


def test_the_only_admin_cannot_leave_members_behind_and_the_last_member_leaving_deletes_it(cora, ada) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    join(ada, acme, cora, now)
    with pytest.raises(OrgError, match="only admin"):
        services.membership_leave(user=cora, organization=acme, now=now)
    services.membership_promote(admin=cora, membership=Membership.objects.get(user=ada))
    services.membership_leave(user=cora, organization=acme, now=now)
    assert services.membership_leave(user=ada, organization=acme, now=now) is True
    assert not type(acme).objects.filter(pk=acme.pk).exists()


# --- campaigns and the retake limit ---------------------------------------------------------------


def test_campaign_attempts_neither_count_toward_nor_are_blocked_by_the_retake_limit(
    cora, ada, skills
) -> None:  # type: ignore[no-untyped-def]
    t0 = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=t0)
    campaign = open_campaign(cora, acme, skills, t0)
    join(ada, acme, cora, t0)
    services.consent_decide(user=ada, campaign=campaign, share=False, now=t0)
    for day in range(3):  # the personal limit: 3 in 90 days
        attempt = assessments.attempt_start(user=ada, assessment=skills, now=t0 + timedelta(days=day))
        assessments.attempt_submit(attempt=attempt, now=t0 + timedelta(days=day, minutes=1))
    at_limit = t0 + timedelta(days=3)
    with pytest.raises(assessments.RetakeLimitReached):
        assessments.attempt_start(user=ada, assessment=skills, now=at_limit)
    taken = take_campaign(ada, campaign, dont_know, at_limit)  # not blocked
    assert taken.self_initiated is False and taken.status == Attempt.Status.SUBMITTED
    status = retake_status(user=ada, assessment=skills, now=at_limit + timedelta(minutes=5))
    assert status.used == 3  # not counted


def test_campaign_attempts_first_leave_every_personal_attempt_free(cora, ada, skills) -> None:  # type: ignore[no-untyped-def]
    t0 = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=t0)
    campaign = open_campaign(cora, acme, skills, t0)  # two attempts allowed
    join(ada, acme, cora, t0)
    services.consent_decide(user=ada, campaign=campaign, share=True, now=t0)
    for hour in range(2):
        take_campaign(ada, campaign, dont_know, t0 + timedelta(hours=hour))
    assert retake_status(user=ada, assessment=skills, now=t0 + timedelta(hours=3)).remaining == 3
    with pytest.raises(OrgError, match="all 2 attempt"):
        services.campaign_attempt_start(user=ada, campaign=campaign, now=t0 + timedelta(hours=3))


def test_a_campaign_starts_only_inside_its_window_and_after_a_sharing_decision(cora, ada, skills) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    join(ada, acme, cora, now)
    campaign = services.campaign_create(
        admin=cora,
        organization=acme,
        title="Spring intake",
        assessment=skills,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
        now=now,
    )
    with pytest.raises(OrgError, match="Decide first"):
        services.campaign_attempt_start(user=ada, campaign=campaign, now=now + timedelta(days=1, hours=1))
    services.consent_decide(user=ada, campaign=campaign, share=False, now=now)
    with pytest.raises(OrgError, match="opens on"):
        services.campaign_attempt_start(user=ada, campaign=campaign, now=now)
    with pytest.raises(OrgError, match="closed"):
        services.campaign_attempt_start(user=ada, campaign=campaign, now=now + timedelta(days=2))
    started = services.campaign_attempt_start(
        user=ada, campaign=campaign, now=now + timedelta(days=1, hours=1)
    )
    assert started.created and not started.attempt.self_initiated


def test_a_campaign_must_close_after_it_opens_and_in_the_future(cora, skills) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    for opens, closes, message in (
        (now, now - timedelta(hours=1), "close after"),
        (now - timedelta(days=3), now - timedelta(days=1), "already past"),
    ):
        with pytest.raises(OrgError, match=message):
            services.campaign_create(
                admin=cora,
                organization=acme,
                title="T",
                assessment=skills,
                opens_at=opens,
                closes_at=closes,
                now=now,
            )


def test_an_accommodation_extends_the_campaign_attempts_deadline(cora, ada, skills) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    campaign = open_campaign(cora, acme, skills, now)
    join(ada, acme, cora, now)
    services.accommodation_set(admin=cora, campaign=campaign, user=ada, extra_time_percent=50)
    services.consent_decide(user=ada, campaign=campaign, share=False, now=now)
    attempt = services.campaign_attempt_start(user=ada, campaign=campaign, now=now).attempt
    assert attempt.deadline - attempt.started_at == timedelta(seconds=skills.time_limit_seconds * 1.5)
    with pytest.raises(OrgError, match="0 to 400"):
        services.accommodation_set(admin=cora, campaign=campaign, user=ada, extra_time_percent=401)
    with pytest.raises(services.NotAllowed):
        services.accommodation_set(admin=ada, campaign=campaign, user=ada, extra_time_percent=100)


def test_a_personal_attempt_in_progress_is_not_taken_into_a_campaign(cora, ada, skills) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    campaign = open_campaign(cora, acme, skills, now)
    join(ada, acme, cora, now)
    services.consent_decide(user=ada, campaign=campaign, share=True, now=now)
    personal = assessments.attempt_start(user=ada, assessment=skills, now=now)
    with pytest.raises(OrgError, match="outside this campaign"):
        services.campaign_attempt_start(user=ada, campaign=campaign, now=now)
    assert personal.self_initiated and selectors.shared_results(campaign=campaign)[0].attempt is None


def test_outsiders_cannot_start_or_decide_in_a_campaign(org_world: OrgWorld) -> None:
    w = org_world
    for outsider in (w.dan, w.otto):
        with pytest.raises(services.NotAllowed):
            services.campaign_attempt_start(user=outsider, campaign=w.campaign, now=w.now)
        with pytest.raises(services.NotAllowed):
            services.consent_decide(user=outsider, campaign=w.campaign, share=True, now=w.now)


# --- consent and what the organisation sees -----------------------------------------------------------


def test_the_dashboard_holds_consenting_candidates_only(org_world: OrgWorld) -> None:
    w = org_world
    dashboard = selectors.campaign_dashboard(campaign=w.campaign)
    assert [r.name for r in dashboard.results] == ["ada"]
    [ada] = dashboard.results
    assert ada.attempt == w.ada_attempt and ada.report == w.ada_attempt.report
    overall = dict(dashboard.levels)["Overall"]
    assert sum(overall.values()) == 1 and overall[w.ada_attempt.report["overall"]["level"]] == 1
    csv_rows = selectors.results_table(campaign=w.campaign)
    assert [row[0] for row in csv_rows[1:]] == ["ada"]
    assert csv_rows[1][2].startswith(w.ada_attempt.report["overall"]["level"])


def test_revoking_hides_the_candidate_at_once_and_the_log_keeps_every_decision(org_world: OrgWorld) -> None:
    w = org_world
    later = w.now + timedelta(minutes=5)
    services.consent_decide(user=w.ada, campaign=w.campaign, share=False, now=later)
    assert selectors.shared_results(campaign=w.campaign) == []
    assert selectors.results_table(campaign=w.campaign)[1:] == []
    with pytest.raises(services.NotAllowed):
        selectors.candidate_shared(campaign=w.campaign, user_id=w.ada.pk)
    services.consent_decide(user=w.ada, campaign=w.campaign, share=False, now=later)  # no change, no event
    log = [(e.action, e.at) for e in selectors.consent_log(user=w.ada)]
    assert log == [("revoked", later), ("given", w.now)]
    nell_log = [e.action for e in selectors.consent_log(user=w.nell)]
    assert nell_log == ["declined"]


def test_leaving_or_being_removed_revokes_sharing_with_the_reason_logged(org_world: OrgWorld) -> None:
    w = org_world
    services.membership_leave(user=w.ada, organization=w.acme, now=w.now)
    assert selectors.shared_results(campaign=w.campaign) == []
    event = ConsentEvent.objects.filter(user=w.ada).latest("pk")
    assert (event.action, event.reason) == ("revoked", "left the organisation")
    join(w.nell, w.globex, w.otto, w.now)
    services.consent_decide(user=w.nell, campaign=w.other_campaign, share=True, now=w.now)
    services.membership_remove(
        admin=w.otto, membership=Membership.objects.get(user=w.nell, organization=w.globex), now=w.now
    )
    assert Candidate.objects.get(user=w.nell, campaign=w.other_campaign).consent == "revoked"


def test_a_candidate_who_rejoins_is_not_shared_again_without_a_new_decision(org_world: OrgWorld) -> None:
    w = org_world
    services.membership_leave(user=w.ada, organization=w.acme, now=w.now)
    join(w.ada, w.acme, w.cora, w.now)
    assert selectors.shared_results(campaign=w.campaign) == []


def test_another_organisations_admin_reaches_nothing_of_acme(org_world: OrgWorld) -> None:
    w = org_world
    with pytest.raises(services.NotAllowed):
        selectors.campaign_for_admin(user=w.otto, campaign_id=w.campaign.pk)
    with pytest.raises(services.NotAllowed):
        selectors.campaign_for_admin(user=w.ada, campaign_id=w.campaign.pk)
    assert selectors.shared_results(campaign=w.other_campaign) == []


def test_the_csv_cannot_smuggle_a_formula_into_a_spreadsheet(org_world: OrgWorld) -> None:
    w = org_world
    w.ada.first_name, w.ada.last_name = '=HYPERLINK("http://x")', ""
    w.ada.save()
    row = selectors.results_table(campaign=w.campaign)[1]
    assert row[0].startswith("'=")


# --- role profiles -------------------------------------------------------------------------------------


def test_an_organisations_own_role_profile_judges_its_campaign(org_world: OrgWorld, skills) -> None:  # type: ignore[no-untyped-def]
    w = org_world
    with pytest.raises(OrgError, match="No bank has the domain"):
        services.role_profile_create(
            admin=w.cora, organization=w.acme, title="X", rationale="", levels={"nope": "developing"}
        )
    with pytest.raises(OrgError, match="Levels are"):
        services.role_profile_create(
            admin=w.cora, organization=w.acme, title="X", rationale="", levels={"cnn": "expert"}
        )
    profile = services.role_profile_create(
        admin=w.cora,
        organization=w.acme,
        title="Vision engineer",
        rationale="Ships CNNs.",
        levels={"cnn": "developing"},
    )
    with pytest.raises(services.NotAllowed):
        services.campaign_create(
            admin=w.otto,
            organization=w.globex,
            title="T",
            assessment=skills,
            opens_at=w.now,
            closes_at=w.now + timedelta(days=1),
            profiles=[profile],
            now=w.now,
        )
    w.campaign.role_profiles.set([profile])
    cnn = next(d for d in w.ada_attempt.report["domains"] if d["id"] == "cnn")
    assert cnn["level"] == "accomplished"  # every answer right: above the level the role needs
    [result] = selectors.shared_results(campaign=w.campaign)
    assert [(r.title, r.verdict) for r in result.roles] == [("Vision engineer", "ready")]
    assert selectors.results_table(campaign=w.campaign)[0][-1] == "Vision engineer: readiness"


# --- deletion --------------------------------------------------------------------------------------------


def test_deleting_an_account_ends_the_organisations_access_and_hands_on_an_orphaned_organisation(
    org_world: OrgWorld,
) -> None:
    from adaptest.web.privacy.services import user_delete

    w = org_world
    w.ada.email = "ada@example.org"
    w.ada.save()
    services.invitation_create(admin=w.cora, organization=w.acme, email="ADA@example.org", now=w.now)
    user_delete(user=w.ada, now=w.now)
    assert selectors.shared_results(campaign=w.campaign) == []
    assert not Invitation.objects.filter(email="ada@example.org").exists()
    user_delete(user=w.cora, now=w.now)  # Acme's only admin: nell, the longest-standing member, takes over
    assert Membership.objects.get(organization=w.acme, user=w.nell).is_admin
    user_delete(user=w.otto, now=w.now)  # Globex's only member: it goes
    assert not type(w.globex).objects.filter(pk=w.globex.pk).exists()


# --- refusals on the pages ---------------------------------------------------------------------------


def test_a_refused_action_returns_to_the_campaign_page_with_the_reason(client, cora, ada, skills) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    campaign = open_campaign(cora, acme, skills, now)
    join(ada, acme, cora, now)
    client.force_login(ada)
    response = client.post(reverse("campaign_start", args=[campaign.pk]), follow=True)
    assert response.redirect_chain == [(reverse("campaign", args=[campaign.pk]), 302)]
    assert "Decide first whether to share" in response.content.decode()
    assert not Attempt.objects.filter(user=ada).exists()


def test_the_only_admin_is_told_why_leaving_is_refused(client, cora, ada) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    acme = services.organization_create(user=cora, name="Acme", now=now)
    join(ada, acme, cora, now)
    client.force_login(cora)
    response = client.post(reverse("organization_leave", args=[acme.pk]), follow=True)
    assert response.redirect_chain == [(reverse("organization", args=[acme.pk]), 302)]
    assert "only admin: make another member admin first" in response.content.decode()
    assert Membership.objects.filter(organization=acme, user=cora).exists()


def test_the_dashboard_gives_each_sharing_candidates_verdict_per_role(client, org_world: OrgWorld) -> None:  # type: ignore[no-untyped-def]
    w = org_world
    client.force_login(w.cora)
    html = client.get(reverse("campaign", args=[w.campaign.pk])).content.decode()
    [ada] = selectors.shared_results(campaign=w.campaign)
    verdicts = "".join(f"<td>{role.verdict}</td>" for role in ada.roles)
    assert len(ada.roles) == 3 and f'<tr><th scope="row">ada</th>{verdicts}</tr>' in html
    assert '<th scope="row">nell</th>' not in html
