from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling import notices, policy
from counseling.accounts import enrolment, lockout, passwords
from counseling.accounts.models import User
from counseling.adminsite import AdminRoleModelAdmin
from counseling.notices.models import Notice

# Roles, not groups, carry access in Amanah; second-factor secrets are nobody's to browse
# (Amanah's own devices, counseling.accounts.second_factor, are not registered either).
admin.site.unregister(Group)
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

STAFF_ROLES = (User.Role.COUNSELOR, User.Role.ADMIN, User.Role.DPO)


class UserCreationForm(AdminUserCreationForm):
    """A new account: its password, set by the admin, is temporary."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "role", "email"]

    def clean(self):
        cleaned = super().clean()
        # Counselors and admins receive their enrolment link by e-mail.
        if cleaned.get("role") in STAFF_ROLES and not cleaned.get("email"):
            self.add_error(
                "email",
                _("Konselor dan admin memerlukan alamat e-mail untuk tautan pendaftaran."),
            )
        return cleaned

    def set_password_and_save(self, user, commit=True, **kwargs):
        usable = self.cleaned_data["set_usable_password"]
        password = self.cleaned_data.get("password1") if usable else None
        return passwords.set_by_admin(user, password, commit=commit)


class TemporaryPasswordChangeForm(AdminPasswordChangeForm):
    """The admin sets or resets a password: it is temporary."""

    def set_password_and_save(self, user, commit=True, **kwargs):
        usable = self.cleaned_data["set_usable_password"]
        password = self.cleaned_data.get("password1") if usable else None
        return passwords.set_by_admin(user, password, commit=commit)


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        # A counselor who leaves hands each case over through referrals (the student
        # decides what travels); switching her off first would strand her caseload.
        leaving = "role" in self.changed_data or (
            "is_active" in self.changed_data and not cleaned.get("is_active")
        )
        if leaving and policy.must_hand_over_caseload(self.instance):
            self.add_error(
                "is_active",
                _(
                    "Konselor ini masih punya daftar kasus. Ia menyerahkan setiap kasus lewat "
                    "alih tangan kasus dulu, agar siswa memutuskan apa yang dibagikan."
                ),
            )
        return cleaned


@admin.register(User)
class UserAdmin(AdminRoleModelAdmin, DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserChangeForm
    change_password_form = TemporaryPasswordChangeForm
    list_display = ["username", "full_name", "role", "is_coordinator", "is_active", "last_login"]
    list_filter = ["role", "is_coordinator", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined", "password_is_temporary"]
    actions = ["send_enrolment_links", "unlock_sign_in"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Identitas"), {"fields": ["full_name", "email", "role", "is_coordinator"]}),
        (
            _("Status"),
            {"fields": ["is_active", "password_is_temporary", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "role",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def user_change_password(self, request, id, form_url=""):
        # The password and its access-log entry commit together, or neither does.
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def change_logged_elsewhere(self, obj) -> bool:
        return getattr(obj, "password_set_by_admin", False) and obj.password_is_temporary

    def log_change(self, request, obj, message):
        if self.change_logged_elsewhere(obj):
            passwords.record_set_by_admin(obj, by=request.user)
        return super().log_change(request, obj, message)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data and policy.enrols_second_factor(obj):
            # Her address is where her enrolment links go: she is told it changed.
            notices.notify(obj, Notice.Kind.EMAIL_CHANGED, about=obj.pk)
        if not change and obj.password_is_temporary:
            passwords.record_set_by_admin(obj, by=request.user)
        becomes_staff = not change or "role" in form.changed_data
        if becomes_staff and policy.enrols_second_factor(obj) and not user_has_device(obj):
            try:
                enrolment.issue(obj, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("Tautan pendaftaran verifikasi dua langkah dikirim ke %(email)s.")
                    % {"email": obj.email},
                )

    @admin.action(
        description=_("Kirim tautan pendaftaran verifikasi dua langkah"),
        permissions=["change"],
    )
    def send_enrolment_links(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                link = enrolment.issue(user, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{user.username}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                if link.approved_at is None:
                    self.message_user(
                        request,
                        _(
                            "%(username)s sudah punya perangkat terdaftar: tautan penggantinya "
                            "menunggu persetujuan admin lain di beranda admin."
                        )
                        % {"username": user.username},
                        messages.WARNING,
                    )
                    continue
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d tautan pendaftaran dikirim ke alamat e-mail pemiliknya.",
                    "%(count)d tautan pendaftaran dikirim ke alamat e-mail pemiliknya.",
                    sent,
                )
                % {"count": sent},
            )

    @admin.action(description=_("Buka kunci masuk"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        users = list(queryset)
        with transaction.atomic():
            for user in users:
                lockout.unlock(user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Kunci masuk %(count)d akun dibuka.",
                "Kunci masuk %(count)d akun dibuka.",
                len(users),
            )
            % {"count": len(users)},
        )
