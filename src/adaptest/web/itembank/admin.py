from django.contrib import admin

from adaptest.web.itembank.models import Assessment, Bank, Item, ItemParameters, ItemRating, ItemVersion


class ReadOnlyContent(admin.ModelAdmin):
    """Content is edited in git and synced; the admin shows it but never edits it."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Bank)
class BankAdmin(ReadOnlyContent):
    list_display = ["bank_id", "title", "synced_at"]


class ItemVersionInline(admin.TabularInline):
    model = ItemVersion
    fields = ["content_hash", "kind", "domain", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Item)
class ItemAdmin(ReadOnlyContent):
    list_display = ["item_id", "bank", "is_active", "current_version"]
    list_filter = ["bank", "is_active", "current_version__kind", "current_version__domain"]
    search_fields = ["item_id"]
    inlines = [ItemVersionInline]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyContent):
    list_display = ["item", "content_hash", "kind", "domain", "created_at"]
    list_filter = ["kind", "domain"]
    search_fields = ["item__item_id", "content_hash"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyContent):
    list_display = ["title", "slug", "kind", "question_count", "time_limit_seconds", "pass_mark", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(ItemParameters)
class ItemParametersAdmin(ReadOnlyContent):
    """Set by bank sync (hints) and `adaptest calibrate`; shown here, not edited."""

    list_display = ["item", "a", "b", "source", "pretest", "responses", "updated_at"]
    list_filter = ["source", "pretest"]
    search_fields = ["item__item_id"]


@admin.register(ItemRating)
class ItemRatingAdmin(ReadOnlyContent):
    list_display = ["item_version", "user", "stars", "comment", "updated_at"]
    list_filter = ["stars"]
    search_fields = ["item_version__item__item_id", "comment"]
