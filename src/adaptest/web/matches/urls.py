from django.urls import path

from adaptest.web.matches import views

urlpatterns = [
    path("", views.hub, name="matches"),
    path("challenge/", views.challenge, name="matches_challenge"),
    path("recorded/", views.ghost, name="matches_ghost"),
    path("settings/", views.player_settings, name="matches_settings"),
    path("join/<str:token>/", views.join, name="match_join"),
    path("<int:match_id>/", views.match_page, name="match"),
    path("<int:match_id>/accept/", views.accept, name="match_accept"),
    path("<int:match_id>/play/", views.play, name="match_play"),
    path("<int:match_id>/result/", views.result, name="match_result"),
    path("questions/<int:question_id>/figure.svg", views.figure, name="match_figure"),
    path("leaderboards/", views.leaderboards, name="matches_leaderboards"),
    # Two routes rather than a <scope> parameter: any other scope is simply not a page.
    path(
        "leaderboards/deck/<str:key>/", views.leaderboard, {"scope": "deck"}, name="matches_leaderboard_deck"
    ),
    path(
        "leaderboards/domain/<str:key>/",
        views.leaderboard,
        {"scope": "domain"},
        name="matches_leaderboard_domain",
    ),
]
