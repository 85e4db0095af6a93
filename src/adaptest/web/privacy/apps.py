from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "adaptest.web.privacy"
    label = "privacy"
