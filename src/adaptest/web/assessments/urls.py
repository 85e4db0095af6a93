from django.urls import path

from adaptest.web.assessments import views

urlpatterns = [
    path("assessments/<slug:slug>/", views.assessment_detail, name="assessment"),
    path("assessments/<slug:slug>/start/", views.attempt_start, name="attempt_start"),
    path("attempts/<int:attempt_id>/", views.attempt_resume, name="attempt"),
    path("attempts/<int:attempt_id>/questions/<int:position>/", views.question, name="question"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
    path("attempts/<int:attempt_id>/review/<int:position>/", views.review, name="review"),
    path("attempts/<int:attempt_id>/review/<int:position>/rate/", views.rate, name="rate"),
    path("attempts/<int:attempt_id>/figures/<int:position>.svg", views.figure, name="figure"),
    path("results/", views.my_results, name="my_results"),
    path("banks/<slug:bank_id>/skills/<slug:skill_id>/", views.skill, name="skill"),
]
