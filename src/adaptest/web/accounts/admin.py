from django.contrib import admin

from adaptest.web.accounts.models import Accommodation, ApiToken


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin):
    """Staff grant extra time here; it applies to attempts started afterwards."""

    list_display = ["user", "extra_time_percent", "note", "updated_at"]
    search_fields = ["user__username", "note"]
    autocomplete_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked (deleted), never created or read back: only digests are stored."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
