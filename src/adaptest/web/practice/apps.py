from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "adaptest.web.practice"
    label = "practice"
