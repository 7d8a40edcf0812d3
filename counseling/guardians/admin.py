"""The guardian consent document in the admin site: drafts edited, one action publishes.

Guardians, acknowledgements and exemptions are not registered: they hold encrypted
contact data and details, which the admin site never shows.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from counseling.adminsite import AdminRoleModelAdmin
from counseling.guardians import services
from counseling.guardians.models import GuardianConsentDocument


@admin.register(GuardianConsentDocument)
class GuardianConsentDocumentAdmin(AdminRoleModelAdmin):
    list_display = ["version", "title", "published_at", "published_by"]
    readonly_fields = ["published_at", "published_by"]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Terbitkan versi terpilih"))
    def publish(self, request, queryset):
        drafts = list(queryset.filter(published_at__isnull=True).order_by("version")[:2])
        if len(drafts) != 1:
            self.message_user(
                request, _("Pilih tepat satu versi yang belum diterbitkan."), messages.ERROR
            )
            return
        try:
            services.publish_document(drafts[0], by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("Versi diterbitkan."), messages.SUCCESS)
