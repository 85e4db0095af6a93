from django.urls import path

from adaptest.web.credentials import views

urlpatterns = [
    path("", views.credential_list, name="credential_list"),
    path("<uuid:credential_id>.jwt", views.credential_download, name="credential_download"),
    path("<uuid:credential_id>.png", views.credential_certificate, name="credential_certificate"),
    path("skills-report/<int:attempt_id>/", views.skills_report, name="skills_report"),
    path("verify/<uuid:credential_id>/", views.credential_verify, name="credential_verify"),
    path("status/<int:number>", views.status_list, name="credential_status_list"),
]
