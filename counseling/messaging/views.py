"""Online counseling pages: the list, a thread, sending, retracting, the poll, drafts.

Thin views: the policy decides (`counseling.policy.messaging`), the services change and
log. A thread open is one access-log entry; the poll that keeps it live is not another,
and a poll with nothing new costs one query of its own and decrypts nothing.
"""

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from consent import services as consent_services
from counseling import policy
from counseling.messaging import hours, services
from counseling.messaging.models import Message, MessageDraft
from counseling.policy import Role

# The thread pages this session has opened (and logged): their polls log nothing more.
OPENED_KEY = "messaging_opened"


@require_GET
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def conversation_list(request):
    conversations = policy.conversations_for(request.user).order_by("-last_message_at", "-pk")
    student = policy.has_role(request.user, Role.STUDENT)
    return render(
        request,
        "messaging/list.html",
        {
            "conversations": conversations,
            "student": student,
            "partners": policy.message_partners_for(request.user) if student else [],
        },
    )


@require_POST
@policy.role_required(Role.STUDENT)
def conversation_start(request, username):
    counselor = policy.get_message_partner_for(request.user, username)
    conversation = services.open_conversation(request.user, counselor, by=request.user)
    return redirect("conversation", conversation.public_id)


def _page(conversation, access, before=None):
    """One page of the thread, newest last: a constant number of queries."""
    per_page = settings.AMANAH_MESSAGES_PER_PAGE
    rows = policy.visible_messages(conversation, access).select_related("sender")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: per_page + 1])
    older = page[per_page].pk + 1 if len(page) > per_page else None
    page = page[:per_page]
    page.reverse()
    return page, (page[0].pk if older and page else None)


def _thread_context(request, conversation, access, before=None):
    page, older = _page(conversation, access, before)
    return {
        "conversation": conversation,
        "access": access,
        "page": page,
        "older": older,
        "retract_window": int(policy.RETRACT_WINDOW.total_seconds()),
        "now": timezone.now(),
        "user": request.user,
    }


@require_GET
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def conversation_detail(request, public_id):
    with policy.one_decision_per_record():
        conversation = policy.get_conversation_for(request.user, public_id)
        access = policy.conversation_access(request.user, conversation)
    services.record_open(conversation, by=request.user, access=access)
    opened = set(request.session.get(OPENED_KEY, []))
    if str(conversation.public_id) not in opened:
        request.session[OPENED_KEY] = sorted(opened | {str(conversation.public_id)})[-20:]
    before = request.GET.get("before")
    context = _thread_context(
        request, conversation, access, int(before) if before and before.isdigit() else None
    )
    draft = MessageDraft.objects.filter(conversation=conversation, author=request.user).first()
    context.update(
        {
            "draft": draft.body if draft else "",
            "needs_consent": access.student_side
            and access.write
            and not consent_services.has_online_consent(request.user),
            "hours": hours.office_hours(conversation.counselor)
            if access.student_side and access.write
            else None,
            "version": conversation.version,
            "intake_counselors": policy.intake_counselors_for(request.user, conversation)
            if conversation.intake and not access.student_side
            else [],
        }
    )
    return render(request, "messaging/thread.html", context)


@require_POST
@policy.role_required(Role.COUNSELOR)
def intake_assign(request, public_id):
    """The coordinator assigns a counselor to a student who wrote without one."""
    conversation = policy.get_conversation_for(request.user, public_id)
    username = request.POST.get("counselor", "")
    counselor = (
        policy.intake_counselors_for(request.user, conversation).filter(username=username).first()
    )
    if counselor is None:
        policy.deny(request.user, object_type="messaging.conversation", object_id=str(public_id))
    try:
        services.assign_from_intake(conversation, counselor, by=request.user)
    except ValidationError as error:
        flash.error(request, error.messages[0])
    else:
        flash.success(request, _("Guru BK ditugaskan. Siswa akan melihatnya di berandanya."))
    return redirect("conversation", public_id)


@require_GET
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def conversation_poll(request, public_id):
    """204 while nothing changed since `?v=`; else the newest page of the thread.

    With nothing new: one query here (the version, through the policy's list), nothing
    decrypted, nothing logged. What changed is shown only to a page this session opened
    (and logged) already; any other poll logs a look of its own.
    """
    version = policy.polled_version(request.user, public_id)
    if version is None:
        policy.deny(request.user, object_type="messaging.conversation", object_id=str(public_id))
    seen = request.GET.get("v", "")
    if seen.isdigit() and int(seen) == version:
        return HttpResponse(status=204)
    with policy.one_decision_per_record():
        conversation = policy.get_conversation_for(request.user, public_id)
        access = policy.conversation_access(request.user, conversation)
    if str(conversation.public_id) not in request.session.get(OPENED_KEY, []):
        services.record_open(conversation, by=request.user, access=access)
    else:
        services.mark_read(conversation, access=access)
    response = render(
        request, "messaging/messages.html", _thread_context(request, conversation, access)
    )
    response["X-Conversation-Version"] = str(conversation.version)
    return response


@sensitive_post_parameters("body")
@require_POST
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def message_send(request, public_id):
    conversation = policy.get_conversation_for(request.user, public_id)
    try:
        services.send(
            conversation,
            by=request.user,
            body=request.POST.get("body", ""),
            urgent=request.POST.get("urgent") == "on",
        )
    except services.OnlineConsentRequired:
        consent = reverse("consent") + "?next=" + reverse("conversation", args=[public_id])
        return redirect(consent)
    except ValidationError as error:
        flash.error(request, error.messages[0])
    else:
        if request.POST.get("urgent") == "on":
            flash.warning(
                request,
                _(
                    "Pesanmu ditandai mendesak: guru BK yang bertugas sudah diberi tahu. "
                    "Kalau kamu dalam bahaya sekarang, hubungi 112."
                ),
            )
    return redirect("conversation", public_id)


@require_POST
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def message_retract(request, public_id):
    message = policy.fetch(
        request.user,
        Message.objects.filter(conversation__in=policy.conversations_for(request.user)),
        public_id,
        may=lambda message: policy.may_retract(request.user, message),
        counselee_of=lambda message: message.conversation.counselee,
    )
    services.retract(message, by=request.user)
    return redirect("conversation", message.conversation.public_id)


@sensitive_post_parameters("body")
@require_POST
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def draft_save(request, public_id):
    """The composer's autosave (static/js/autosave.js): JSON, never the text back."""
    conversation = policy.get_conversation_for(request.user, public_id)
    draft = services.save_draft(conversation, by=request.user, body=request.POST.get("body", ""))
    saved_at = timezone.localtime(draft.updated_at) if draft else timezone.localtime()
    return JsonResponse(
        {
            "saved": True,
            "saved_at": formats.time_format(saved_at, "H.i"),
            "autosave_url": reverse("message-draft", args=[public_id]),
            "edit_url": reverse("message-send", args=[public_id]),
        }
    )
