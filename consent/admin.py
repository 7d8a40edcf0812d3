from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consent import services
from consent.models import ConsentDocument
from counseling.adminsite import AdminRoleModelAdmin


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(AdminRoleModelAdmin):
    """Admins draft versions here and publish them; a published version is read-only."""

    list_display = ["version", "title_id", "published_at", "published_by"]
    readonly_fields = ["published_at", "published_by"]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Terbitkan versi terpilih"))
    def publish(self, request, queryset):
        for document in queryset.order_by("version"):
            try:
                services.publish(document, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Versi %(version)s diterbitkan. Siswa akan diminta menyetujuinya.")
                    % {"version": document.version},
                )
