from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "adaptest.web.matches"
    label = "matches"
