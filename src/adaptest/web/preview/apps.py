from django.apps import AppConfig


class PreviewConfig(AppConfig):
    name = "adaptest.web.preview"
    label = "preview"
    verbose_name = "Author's preview"
