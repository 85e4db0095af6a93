from django.urls import path

from adaptest.web.practice import views

urlpatterns = [
    path("", views.home, name="practice"),
    path("start/", views.start, name="practice_start"),
    path("<int:session_id>/", views.session, name="practice_session"),
    path("questions/<int:question_id>/", views.question, name="practice_question"),
    path("questions/<int:question_id>/figure.svg", views.figure, name="practice_figure"),
]
