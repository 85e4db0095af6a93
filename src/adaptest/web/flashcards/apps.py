from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    name = "adaptest.web.flashcards"
    label = "flashcards"
