from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from .models import Contact, EmailContent, PlannedEmail
from .services import contact_unsubscribe, planned_email_requeue


class SuperuserOnly:
    """Staff run follow-ups from the dashboard (shop.followups.dashboard); the admin's raw
    rows are for superusers."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(PlannedEmail)
class PlannedEmailAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["kind", "contact", "due_at", "state", "attempts", "skip_reason", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["contact__email", "key"]
    date_hierarchy = "due_at"
    list_select_related = ["contact"]
    raw_id_fields = ["contact", "result", "order"]
    readonly_fields = [
        "key",
        "state",
        "attempts",
        "claimed_at",
        "sent_at",
        "message_id",
        "skip_reason",
        "last_error",
        "created_at",
        "updated_at",
    ]
    actions = ["requeue"]

    @admin.action(description="Send again now (failed or skipped; the checks still apply)")
    def requeue(self, request, queryset):
        count = sum(planned_email_requeue(planned_email=row) for row in queryset)
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)


@admin.register(Contact)
class ContactAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["email", "consent_confirmed_at", "unsubscribed_at", "bounced_at", "created_at"]
    list_filter = [
        ("unsubscribed_at", admin.EmptyFieldListFilter),
        ("bounced_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    readonly_fields = [
        "consent_text",
        "consent_version",
        "consent_requested_at",
        "consent_confirmed_at",
        "created_at",
    ]
    actions = ["unsubscribe"]

    @admin.action(description="Unsubscribe from all follow-up emails")
    def unsubscribe(self, request, queryset):
        for contact in queryset:
            contact_unsubscribe(contact=contact)
        self.message_user(request, f"{queryset.count()} contact(s) unsubscribed.", messages.SUCCESS)


@admin.register(EmailContent)
class EmailContentAdmin(admin.ModelAdmin):  # the words: until a dashboard page edits them
    list_display = ["kind", "subject", "updated_at", "preview"]

    @admin.display(description="Preview")
    def preview(self, obj):
        url = reverse("followups:preview", kwargs={"kind": obj.kind})
        return format_html('<a href="{}">HTML</a> · <a href="{}text/">text</a>', url, url)

    def has_delete_permission(self, request, obj=None):
        return False  # the defaults would come back; edit the words instead
