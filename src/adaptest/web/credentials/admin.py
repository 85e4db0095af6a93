from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from adaptest.web.credentials.models import Credential
from adaptest.web.credentials.services import credential_revoke


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin[Credential]):
    list_display = ["uuid", "kind", "achievement_name", "user", "issued_at", "valid_until", "revoked_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["uuid", "user__username"]
    readonly_fields = [field.name for field in Credential._meta.fields]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected credentials (sets their status-list bit)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Credential]) -> None:
        now = timezone.now()
        for credential in queryset:
            credential_revoke(credential=credential, now=now)
        self.message_user(request, f"Revoked {queryset.count()} credential(s).")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
