from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "adaptest.web.assessments"
    label = "assessments"
