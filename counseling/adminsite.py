"""Django's admin site, open to the admin role only and blind to encrypted content.

Access is decided by `counseling.policy`, not by `is_staff` or model permissions.
Encrypted fields are never listed, shown, searched or exported here.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _

from counseling import policy

# A name, a NIS, a class: nobody searches with more words than this. Django's admin ANDs
# one OR-clause per word, and SQLite refuses a query that deep (about 1,000 words failed
# with "Expression tree is too large" and a server error).
MAX_SEARCH_WORDS = 10


class AmanahAdminSite(admin.AdminSite):
    site_header = _("Amanah: administrasi")
    site_title = _("Amanah")
    index_title = _("Akun, penugasan kasus dan konflik kepentingan")
    enable_nav_sidebar = False

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                policy.deny(request.user, object_type="page", object_id=request.path)
            return inner(request, *args, **kwargs)

        return guarded

    def has_permission(self, request):
        return policy.can_use_admin_site(request.user) and not policy.needs_second_factor(
            request.user
        )

    def login(self, request, extra_context=None):
        # Anonymous visitors sign in on Amanah's own login page; other roles must not
        # learn that this site exists.
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if self.has_permission(request):
            return redirect(reverse("admin:index", current_app=self.name))
        raise Http404


class AdminRoleModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every permission is the policy's admin-site decision, and whose
    every change (password resets and role changes included) goes into the access log.

    Set `changes_logged_by_service` where a service already records the change.
    """

    changes_logged_by_service = False

    def get_search_results(self, request, queryset, search_term):
        """Search with the first MAX_SEARCH_WORDS distinct words (quoted phrases count as one)."""
        words = list(dict.fromkeys(smart_split(search_term)))[:MAX_SEARCH_WORDS]
        return super().get_search_results(request, queryset, " ".join(words))

    def _record(self, request, obj, action):
        if self.changes_logged_by_service:
            return
        from counseling.audit import log
        from counseling.records.models import Counselee

        counselee = obj if isinstance(obj, Counselee) else getattr(obj, "counselee", None)
        log.record(
            action,
            actor=request.user,
            obj=obj,
            counselee=counselee if isinstance(counselee, Counselee) else None,
            purpose=log.Purpose.ADMINISTRATION,
        )

    def log_addition(self, request, obj, message):
        from counseling.audit import log

        self._record(request, obj, log.Action.CREATE)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        from counseling.audit import log

        if not self.change_logged_elsewhere(obj):
            self._record(request, obj, log.Action.UPDATE)
        return super().log_change(request, obj, message)

    def change_logged_elsewhere(self, obj) -> bool:
        """True when a service has already logged this change as what it was."""
        return False

    def has_module_permission(self, request):
        return policy.can_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_use_admin_site(request.user)

    def has_add_permission(self, request):
        return policy.can_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_use_admin_site(request.user)

    def has_delete_permission(self, request, obj=None):
        # Records are kept: accounts are deactivated, assignments ended, never deleted.
        return False
