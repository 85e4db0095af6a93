from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from adaptest.web.itembank.models import Assessment, Bank, Item, ItemParameters, ItemRating, ItemVersion

_M = TypeVar("_M", bound=Model)


class ReadOnlyContent(admin.ModelAdmin[_M]):
    """Content is edited in git and synced; the admin shows it but never edits it."""

    def has_add_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Bank)
class BankAdmin(ReadOnlyContent[Bank]):
    list_display = ["bank_id", "title", "synced_at"]


class ItemVersionInline(admin.TabularInline[ItemVersion, Item]):
    model = ItemVersion
    fields = readonly_fields = ("content_hash", "kind", "domain", "created_at")
    extra = 0
    can_delete = False


@admin.register(Item)
class ItemAdmin(ReadOnlyContent[Item]):
    list_display = ["item_id", "bank", "is_active", "current_version"]
    list_filter = ["bank", "is_active", "current_version__kind", "current_version__domain"]
    search_fields = ["item_id"]
    inlines = [ItemVersionInline]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyContent[ItemVersion]):
    list_display = ["item", "content_hash", "kind", "domain", "created_at"]
    list_filter = ["kind", "domain"]
    search_fields = ["item__item_id", "content_hash"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyContent[Assessment]):
    list_display = ["title", "slug", "kind", "question_count", "time_limit_seconds", "pass_mark", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(ItemParameters)
class ItemParametersAdmin(ReadOnlyContent[ItemParameters]):
    """Set by bank sync (hints) and `adaptest calibrate`; shown here, not edited."""

    list_display = ["item", "a", "b", "source", "pretest", "responses", "updated_at"]
    list_filter = ["source", "pretest"]
    search_fields = ["item__item_id"]


@admin.register(ItemRating)
class ItemRatingAdmin(ReadOnlyContent[ItemRating]):
    list_display = ["item_version", "user", "stars", "comment", "updated_at"]
    list_filter = ["stars"]
    search_fields = ["item_version__item__item_id", "comment"]
