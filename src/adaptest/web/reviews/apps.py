from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "adaptest.web.reviews"
    label = "reviews"
