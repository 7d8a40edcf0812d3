from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consent import rendering, services
from consent.changes import line_diff
from consent.models import ConsentDocument
from counseling import policy
from counseling.adminsite import AdminRoleModelAdmin


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(AdminRoleModelAdmin):
    """Admins draft versions here and publish them; a published version is read-only.

    Publishing goes through a preview: the text as students will see it, what changed
    from the current version, and how many students and upcoming sessions it touches.
    """

    list_display = ["version", "title_id", "published_at", "published_by", "preview_link"]
    readonly_fields = ["published_at", "published_by"]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="consent_consentdocument_publish",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Terbitkan"))
    def preview_link(self, document):
        if document.is_published:
            return "-"
        url = reverse("admin:consent_consentdocument_publish", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, _("Pratinjau dan terbitkan"))

    @admin.action(description=_("Pratinjau dan terbitkan versi terpilih"))
    def publish(self, request, queryset):
        drafts = list(queryset.filter(published_at__isnull=True).order_by("version")[:2])
        if len(drafts) != 1:
            self.message_user(
                request, _("Pilih tepat satu versi yang belum diterbitkan."), messages.ERROR
            )
            return None
        return redirect("admin:consent_consentdocument_publish", pk=drafts[0].pk)

    def publish_view(self, request, pk):
        if not policy.may_publish_consent(request.user):
            policy.deny(request.user, object_type="consent.consentdocument", object_id=str(pk))
        document = ConsentDocument.objects.filter(pk=pk).first()
        if document is None or document.is_published:
            messages.error(request, _("Versi ini tidak ada atau sudah diterbitkan."))
            return redirect("admin:consent_consentdocument_changelist")
        if request.method == "POST":
            try:
                services.publish(document, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Versi %(version)s diterbitkan. Siswa diminta menyetujuinya sebelum "
                        "sesi berikutnya; pemesanan jadwal tetap terbuka."
                    )
                    % {"version": document.version},
                )
                return redirect("admin:consent_consentdocument_changelist")
        current = services.current_document()
        languages = []
        for code, name in (("id", _("Bahasa Indonesia")), ("en", _("Bahasa Inggris"))):
            title, body = document.text(code)
            old_title, old_body = current.text(code) if current else ("", "")
            languages.append(
                {
                    "name": name,
                    "title": title,
                    "body": rendering.render(body),
                    "diff": line_diff(f"# {old_title}\n\n{old_body}", f"# {title}\n\n{body}")
                    if current
                    else [],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Pratinjau versi %(version)s") % {"version": document.version},
            "document": document,
            "current": current,
            "languages": languages,
            "impact": services.publication_impact(document),
        }
        return TemplateResponse(request, "admin/consent/publish_preview.html", context)
