from django.urls import path

from adaptest.web.organizations import signals, views

urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("<int:organization_id>/", views.organization_detail, name="organization"),
    path("<int:organization_id>/invite/", views.invitation_new, name="invitation_new"),
    path(
        "<int:organization_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:organization_id>/members/<int:membership_id>/", views.member_manage, name="member_manage"),
    path("<int:organization_id>/leave/", views.leave, name="organization_leave"),
    path("<int:organization_id>/roles/new/", views.role_profile_new, name="role_profile_new"),
    path("<int:organization_id>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("join/<str:token>/", views.join, name="organization_join"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/consent/", views.consent, name="campaign_consent"),
    path("campaigns/<int:campaign_id>/start/", views.campaign_start, name="campaign_start"),
    path("campaigns/<int:campaign_id>/results.csv", views.results_csv, name="campaign_csv"),
    path("campaigns/<int:campaign_id>/candidates/<int:user_id>/", views.candidate, name="campaign_candidate"),
    path("campaigns/<int:campaign_id>/accommodations/", views.accommodation, name="campaign_accommodation"),
    path("consents/", views.consent_history, name="consent_log"),
    path("signals/<int:attempt_id>/", signals.signal_post, name="integrity_signal"),
]
