from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "adaptest.web.core"
    label = "core"
