from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "adaptest.web.credentials"
    label = "credentials"
