"""Staff see organisations for support; consent and its log are read-only here, since only the candidate
may decide about sharing (a staff edit would bypass the log)."""

from django.contrib import admin
from django.http import HttpRequest

from adaptest.web.organizations.models import Campaign, Candidate, ConsentEvent, Membership, Organization


class MembershipInline(admin.TabularInline[Membership, Organization]):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["user", "joined_at"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ["title", "organization", "assessment", "opens_at", "closes_at"]
    list_filter = ["assessment"]
    search_fields = ["title", "organization__name"]


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Candidate)
class CandidateAdmin(ReadOnly, admin.ModelAdmin[Candidate]):
    list_display = ["user", "campaign", "consent", "extra_time_percent"]
    list_filter = ["consent"]
    search_fields = ["user__username", "campaign__title"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnly, admin.ModelAdmin[ConsentEvent]):
    list_display = ["at", "user", "action", "reason", "candidate"]
    list_filter = ["action"]
    search_fields = ["user__username"]
