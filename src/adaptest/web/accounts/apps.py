from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "adaptest.web.accounts"
    label = "accounts"
