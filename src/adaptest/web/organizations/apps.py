from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "adaptest.web.organizations"
    label = "organizations"
    verbose_name = "Organisations"
