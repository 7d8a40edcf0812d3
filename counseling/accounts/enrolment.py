"""One-time links with which counselors and admins enrol their second factor.

Whoever knows the password an admin typed must not be able to enrol the second factor
too. So enrolment needs a link sent to the person's own e-mail address: single use,
expiring after `AMANAH_ENROLMENT_LINK_LIFETIME`, replaced by any newer link, its token
stored only as a hash. The link reaches its owner as a notice (`Notice.Kind.ENROLMENT_LINK`);
its token is drawn when the e-mail is rendered for sending (`url_to_send`), so it never
passes through the admin's request, the task queue or the database in the clear.

The link is opened while signed in as its owner (`claim`); it then lets the setup page
enrol a device once (`complete`).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device

from counseling import notices, policy
from counseling.accounts.models import EnrolmentLink
from counseling.accounts.second_factor import AuthenticatorDevice
from counseling.audit import log
from counseling.notices.models import Notice

SESSION_KEY = "amanah_enrolment_link"


def _valid():
    return EnrolmentLink.objects.valid()


@transaction.atomic
def issue(user, *, by, deliver=True) -> EnrolmentLink:
    """A new enrolment link for `user`, replacing every earlier one; logged.

    With `deliver`, it is e-mailed to `user` once the transaction commits. `by` is the
    admin, or None for the system (the demo, a management command run on the server).
    A link that would replace a second factor `user` has already enrolled waits for a
    second admin (`approve`); the other admins are told, and so is `user`, in her inbox.
    """
    if by is not None and not policy.may_manage_accounts(by):
        raise PermissionDenied
    if not policy.enrols_second_factor(user):
        raise ValidationError(_("Hanya konselor dan admin yang memakai verifikasi dua langkah."))
    if deliver and not user.email:
        raise ValidationError(
            _("Akun %(username)s belum punya alamat e-mail. Isi alamatnya dulu.")
            % {"username": user.get_username()}
        )
    now = timezone.now()
    second_admin_needed = by is not None and user_has_device(user, confirmed=True)
    link = EnrolmentLink.objects.create(
        user=user,
        issued_by=by,
        expires_at=now + settings.AMANAH_ENROLMENT_LINK_LIFETIME,
        approved_at=None if second_admin_needed else now,
    )
    log.record(
        log.Action.ENROLMENT_LINK_ISSUED,
        actor=by,
        obj=user,
        purpose=log.Purpose.ADMINISTRATION if by is not None else log.Purpose.SYSTEM,
    )
    if second_admin_needed:
        deciders = policy.enrolment_approvers_for(link)
        notices.notify_all(deciders, Notice.Kind.ENROLMENT_APPROVAL, about=user.pk)
        notices.notify(user, Notice.Kind.SECOND_FACTOR_RESET_ASKED, about=user.pk)
        return link
    _replace_earlier(link)
    if deliver:
        notices.notify(user, Notice.Kind.ENROLMENT_LINK, about=link.pk)
    return link


def _replace_earlier(link: EnrolmentLink) -> None:
    EnrolmentLink.objects.open().filter(user=link.user).exclude(pk=link.pk).update(
        revoked_at=timezone.now()
    )


def pending_approval():
    """Links that would replace an enrolled second factor, waiting for a second admin."""
    return (
        EnrolmentLink.objects.open()
        .filter(approved_at__isnull=True)
        .select_related("user", "issued_by")
        .order_by("created_at")
    )


@transaction.atomic
def approve(link: EnrolmentLink, *, by) -> EnrolmentLink:
    """A second admin approves a link that replaces an enrolled second factor; it is then
    e-mailed to its owner and replaces every earlier link."""
    link = EnrolmentLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    policy.require(policy.may_approve_enrolment_link(by, link), link.user)
    if link.approved_at is not None:
        return link
    link.approved_at = timezone.now()
    link.approved_by = by
    link.save(update_fields=["approved_at", "approved_by"])
    log.record(
        log.Action.ENROLMENT_LINK_APPROVED,
        actor=by,
        obj=link.user,
        purpose=log.Purpose.ADMINISTRATION,
    )
    _replace_earlier(link)
    notices.notify(link.user, Notice.Kind.ENROLMENT_LINK, about=link.pk)
    return link


def path_for(token: str) -> str:
    return EnrolmentLink.path_for(token)


def mint(link: EnrolmentLink) -> str:
    return link.mint()


def find(user, token: str) -> EnrolmentLink | None:
    """`user`'s valid link with this token, or None (unknown, used, replaced, expired)."""
    if not token:
        return None
    return _valid().filter(user=user, token_hash=EnrolmentLink.hash_of(token)).first()


def claim(request, token: str) -> EnrolmentLink | None:
    """The signed-in user opens her link: this session may now enrol, once.

    A link that is not hers, or no longer valid, is refused and logged, without the token.
    """
    link = find(request.user, token)
    if link is None:
        log.record(log.Action.DENIED, actor=request.user, object_type="accounts.enrolmentlink")
        return None
    # A device left half-enrolled before (its key perhaps shown to someone else) goes:
    # the link starts a fresh one.
    AuthenticatorDevice.objects.filter(user=request.user, confirmed=False).delete()
    request.session[SESSION_KEY] = link.pk
    return link


def claimed(request) -> EnrolmentLink | None:
    """The valid link this session opened, if any."""
    link_id = request.session.get(SESSION_KEY)
    if link_id is None:
        return None
    return _valid().filter(pk=link_id, user=request.user).first()


def complete(request, link: EnrolmentLink) -> bool:
    """Use the link up; False if it was used, replaced or expired in the meantime.

    One conditional update: two sessions racing with one link enrol one device.
    """
    used = _valid().filter(pk=link.pk).update(used_at=timezone.now())
    request.session.pop(SESSION_KEY, None)
    return used == 1
