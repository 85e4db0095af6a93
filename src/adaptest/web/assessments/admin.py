from django.contrib import admin
from django.http import HttpRequest

from adaptest.web.assessments.models import Attempt, AttemptItem, Response


class AttemptItemInline(admin.TabularInline[AttemptItem, Attempt]):
    model = AttemptItem
    fields = readonly_fields = ("position", "item_version")
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin[Attempt]):
    """Attempts are records: staff read them; the exam's services alone write them."""

    list_display = [
        "user",
        "assessment",
        "status",
        "started_at",
        "deadline",
        "finished_at",
        "score",
        "passed",
    ]
    list_filter = ["status", "assessment", "passed"]
    search_fields = ["user__username"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [AttemptItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin[Response]):
    list_display = ["slot", "learner", "dont_know", "score", "correct", "revisions", "saved_at"]
    list_filter = ["correct", "dont_know", "slot__item_version__kind", "slot__attempt__assessment"]
    search_fields = ["slot__attempt__user__username", "slot__item_version__item__item_id"]
    readonly_fields = [f.name for f in Response._meta.fields]
    list_select_related = ["slot__attempt__user", "slot__item_version__item"]

    @admin.display(description="learner")
    def learner(self, obj: Response) -> str:
        return str(obj.slot.attempt.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Response | None = None) -> bool:
        return False
