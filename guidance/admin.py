from django.contrib import admin, messages

from guidance.models import FunnelEvent, GuidanceText, Result, RoutineRequest, Technique
from guidance.services import results_erase


@admin.register(Technique)
class TechniqueAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order", "duration_minutes", "updated_at"]
    list_editable = ["order"]
    ordering = ["order"]


@admin.register(GuidanceText)
class GuidanceTextAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "updated_at"]
    readonly_fields = ["key"]  # the templates look texts up by key

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "pattern", "arch_side", "heel_side", "email"]
    list_filter = ["pattern"]
    search_fields = ["email"]
    actions = ["erase_people"]

    @admin.action(description="Erase these results and every other result of the same person")
    def erase_people(self, request, queryset):
        erased = sum(
            results_erase(token=token) for token in queryset.values_list("token", flat=True)
        )
        noun = "result" if erased == 1 else "results"
        self.message_user(request, f"Erased {erased} {noun}.", messages.SUCCESS)


@admin.register(RoutineRequest)
class RoutineRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "email", "wants_followups", "consent_version", "created_at"]
    search_fields = ["email"]


@admin.register(FunnelEvent)
class FunnelEventAdmin(ReadOnlyAdmin):
    list_display = ["kind", "step", "day", "order_number"]
    list_filter = ["kind", "day"]
