"""Staff see flashcard activity; the schedule itself changes only through reviews (services.card_review)."""

from django.contrib import admin
from django.http import HttpRequest

from adaptest.web.flashcards.models import PersonalDeck, Review, StudySettings


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ["user", "card", "rating", "mode", "reviewed_at", "due_after"]
    list_filter = ["mode", "rating"]
    readonly_fields = [
        "user",
        "card",
        "rating",
        "reviewed_at",
        "duration_ms",
        "mode",
        "state_after",
        "due_after",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Review | None = None) -> bool:
        return False


@admin.register(PersonalDeck)
class PersonalDeckAdmin(admin.ModelAdmin[PersonalDeck]):
    list_display = ["title", "owner", "created_at"]
    readonly_fields = ["owner", "created_at"]


@admin.register(StudySettings)
class StudySettingsAdmin(admin.ModelAdmin[StudySettings]):
    list_display = ["user", "desired_retention"]
