from django.contrib import admin
from django.http import HttpRequest

from adaptest.web.accounts.models import Accommodation, ApiToken


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin[Accommodation]):
    """Staff grant extra time here; it applies to attempts started afterwards."""

    list_display = ["user", "extra_time_percent", "note", "updated_at"]
    search_fields = ["user__username", "note"]
    autocomplete_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens can be seen and revoked (deleted), never created or read back: only digests are stored."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
