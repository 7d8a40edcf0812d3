"""The policy for changes, as a matrix: every role against every state-changing action.

Each action is taken on Siti's case (or, for a student's own actions, on the actor's own
data) through its page, as a browser would. The answer is one of:

- "done": the change happened (a redirect, or the page again with its message);
- "refused": the page says why, and nothing changed (an action on a target the user typed
  in, such as a NIS, where a 404 would make no sense);
- 404 for everyone else, with nothing changed and the attempt in the access log;
- anonymous visitors are sent to the login page.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent import rendering
from consent import services as consent_services
from consent.models import ConsentAcknowledgement, ConsentWithdrawal, Disclosure
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.crisis import services as crisis_services
from counseling.crisis.models import CrisisRequest, DutyShift, SafetyPlan
from counseling.records.models import CaseAssignment, ConflictOfInterest
from counseling.referrals import bk
from counseling.referrals import services as referral_services
from counseling.referrals.models import BkReferral, Referral
from counseling.retention import services as retention_services
from counseling.retention.models import LegalHold
from sessions import bookings, hours
from sessions import services as session_services
from sessions.models import (
    AvailabilityRule,
    Booking,
    CounselingSession,
    DayOff,
    NoteAddendum,
    SessionNote,
)
from tests.conftest import PASSWORD, login, slot_at

ROLES = [
    "anonymous",
    "siti",
    "dimas",
    "bu_rina",
    "bu_lama",
    "pak_konflik",
    "pak_eko",
    "pak_budi",
    "admin",
    "bu_wati",
    "dpo",
]
STUDENTS = {"siti", "dimas"}
COUNSELORS = {"bu_rina", "bu_lama", "pak_konflik", "pak_eko", "pak_budi"}

# action -> (roles for which it is done, roles for which it is refused with a message).
# Every other signed-in role gets 404.
EXPECTED = {
    "book": ({"siti"}, set()),
    "cancel booking": ({"siti"}, set()),
    "reschedule booking": ({"siti"}, set()),
    "confirm booking": ({"bu_rina"}, set()),
    "decline booking": ({"bu_rina"}, set()),
    "take urgent request": (COUNSELORS - {"pak_konflik"}, set()),
    "record walk-in": ({"bu_rina"}, set()),
    "start session": ({"bu_rina"}, set()),
    "complete session": ({"bu_rina"}, set()),
    "mark no-show": ({"bu_rina"}, set()),
    "write note": ({"bu_rina"}, set()),
    "edit draft": ({"bu_rina"}, set()),
    "finalise note": ({"bu_rina"}, set()),
    "add addendum": ({"bu_rina"}, set()),
    "record disclosure": ({"bu_rina"}, set()),
    "mark student informed": ({"bu_rina"}, set()),
    "close case": ({"bu_rina"}, set()),
    "answer assignment": ({"siti"}, set()),
    # A student's own relationship, consent and hours are hers: each does it for herself.
    "end counseling": (STUDENTS, set()),
    "withdraw consent": (STUDENTS, set()),
    "acknowledge consent": (STUDENTS, set()),
    "declare conflict": (COUNSELORS - {"pak_konflik"}, {"pak_konflik"}),
    "request emergency access": (
        {"bu_lama", "pak_eko", "pak_budi"},
        {"bu_rina", "pak_konflik"},
    ),
    "review emergency access": ({"admin"}, set()),
    "publish hours": (COUNSELORS, set()),
    "remove hours": ({"bu_rina"}, set()),
    "add day off": (COUNSELORS, set()),
    "remove day off": ({"bu_rina"}, set()),
    # Alih tangan kasus of Siti's case from Bu Rina to Pak Budi (a receiver cannot be one
    # with a declared conflict; the student answers first, then the receiver).
    "propose referral": ({"bu_rina"}, set()),
    "answer referral as student": ({"siti"}, set()),
    "answer referral as receiver": ({"pak_budi"}, set()),
    "withdraw referral": ({"bu_rina"}, set()),
    # Referral into BK: Bu Wati teaches Siti's class; BK's steps are for its counselors.
    "refer into BK": ({"bu_wati"}, set()),
    "receive BK referral": (COUNSELORS - {"pak_konflik"}, set()),
    "invite referred student": (COUNSELORS - {"pak_konflik"}, set()),
    "follow up BK referral": (COUNSELORS - {"pak_konflik"}, set()),
    "answer BK invitation": ({"siti"}, set()),
    # The crisis pathway: any student asks for herself; every counselor without a
    # conflict takes; the taker starts the crisis session; the student keeps her (Dimas,
    # whose request Bu Lama took); the counselor on duty (Pak Budi) opens a walk-in.
    "ask for help now": (STUDENTS, set()),
    "take crisis request": (COUNSELORS - {"pak_konflik"}, set()),
    "start crisis session": ({"bu_rina"}, set()),
    "keep crisis counselor": ({"dimas"}, set()),
    "open crisis walk-in": ({"pak_budi"}, set()),
    "save safety plan": ({"bu_rina"}, set()),
    "edit duty roster": ({"admin"}, set()),
    # A legal hold Bu Rina asked for: a second person, an admin, confirms or releases it.
    # The data protection officer lists holds; she decides none.
    "confirm legal hold": ({"admin"}, set()),
    "release legal hold": ({"admin"}, set()),
}


@pytest.fixture
def case(
    siti, dimas, bu_rina, bu_lama, pak_konflik, pak_eko, pak_budi, admin, rina_hours, bu_wati, dpo
):
    """Siti's case with something of every kind to act on."""
    requested = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=2, hour=9).start, by=siti, topic="Topik."
    )
    urgent = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=3, hour=9).start, by=siti, urgent=True
    )
    scheduled = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    running = session_services.start_session(
        session_services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    draft = session_services.write_note(running, by=bu_rina, body="Draf.")
    final = session_services.finalise_note(
        session_services.write_note(running, by=bu_rina, body="Final."), by=bu_rina
    )
    disclosure = consent_services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason=Disclosure.Reason.DANGER_TO_SELF,
        recipient_name="Ibu Suryani",
        recipient_role="parent",
        what_was_shared="Yang perlu saja.",
        disclosed_at=timezone.now(),
        student_informed=False,
        not_informed_reason="Menunggu waktu yang aman.",
    )
    crisis_taken = crisis_services.take(crisis_services.ask_for_help(siti), by=bu_rina)
    crisis_waiting = crisis_services.ask_for_help(siti)
    crisis_dimas = crisis_services.take(crisis_services.ask_for_help(dimas), by=bu_lama)
    DutyShift.objects.create(
        counselor=pak_budi,
        weekday=timezone.localtime().weekday(),
        start_time=datetime.time(0),
        end_time=datetime.time(23, 59, 59),
    )
    rule = AvailabilityRule.objects.filter(counselor=bu_rina).first()
    day_off = hours.add_day_off(timezone.localdate() + datetime.timedelta(days=20), by=bu_rina)
    return {
        "people": {
            "siti": siti,
            "dimas": dimas,
            "bu_rina": bu_rina,
            "bu_lama": bu_lama,
            "pak_konflik": pak_konflik,
            "pak_eko": pak_eko,
            "pak_budi": pak_budi,
            "admin": admin,
            "bu_wati": bu_wati,
            "dpo": dpo,
        },
        "requested": requested,
        "urgent": urgent,
        "scheduled": scheduled,
        "running": running,
        "draft": draft,
        "final": final,
        "disclosure": disclosure,
        "assignment": CaseAssignment.objects.active().get(
            counselee=siti.counselee, opened_by=CaseAssignment.OpenedBy.ADMIN
        ),
        "grant": EmergencyAccess.objects.get(counselor=pak_eko),
        "rule": rule,
        "day_off": day_off,
        "crisis_taken": crisis_taken,
        "crisis_waiting": crisis_waiting,
        "crisis_dimas": crisis_dimas,
    }


def request_for(action, case, actor):
    """(url, data) of the POST that takes `action`."""
    siti = case["people"]["siti"]
    if action == "book":
        slot = slot_at(case["people"]["bu_rina"], days=4, hour=11)
        return reverse("book-confirm", args=["bu_rina", slot.key]), {"topic": ""}
    if action == "cancel booking":
        return reverse("booking-cancel", args=[case["requested"].public_id]), {}
    if action == "reschedule booking":
        slot = slot_at(case["people"]["bu_rina"], days=5, hour=10)
        return reverse("booking-reschedule", args=[case["requested"].public_id]), {"slot": slot.key}
    if action == "confirm booking":
        return reverse("booking-confirm", args=[case["requested"].public_id]), {}
    if action == "decline booking":
        return reverse("booking-decline", args=[case["requested"].public_id]), {
            "reason": Booking.DeclineReason.UNAVAILABLE
        }
    if action == "take urgent request":
        return reverse("urgent-request-take", args=[case["urgent"].public_id]), {}
    if action == "record walk-in":
        return reverse("walk-in-create", args=[siti.counselee.public_id]), {
            "mode": "face_to_face",
            "place": "Ruang BK",
            "minutes": "45",
        }
    if action == "start session":
        return reverse("session-start", args=[case["scheduled"].public_id]), {}
    if action == "complete session":
        return reverse("session-complete", args=[case["running"].public_id]), {}
    if action == "mark no-show":
        return reverse("session-no-show", args=[case["scheduled"].public_id]), {}
    if action == "write note":
        return reverse("note-create", args=[case["running"].public_id]), {"body": "Baru."}
    if action == "edit draft":
        return reverse("note-edit", args=[case["draft"].public_id]), {"body": "Diubah."}
    if action == "finalise note":
        return reverse("note-finalise", args=[case["draft"].public_id]), {
            "confirm": "yes",
            "version": session_services.note_version(case["draft"]),
        }
    if action == "add addendum":
        return reverse("addendum-create", args=[case["final"].public_id]), {"body": "Tambahan."}
    if action == "record disclosure":
        return reverse("disclosure-create", args=[siti.counselee.public_id]), {
            "reason": Disclosure.Reason.LEGAL_DUTY,
            "recipient_name": "Pak Kepala",
            "recipient_role": "principal",
            "what_was_shared": "Seperlunya.",
            "disclosed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "student_informed": "on",
        }
    if action == "mark student informed":
        return reverse("disclosure-informed", args=[case["disclosure"].public_id]), {}
    if action == "close case":
        return reverse("close-case", args=[siti.counselee.public_id]), {}
    if action == "answer assignment":
        return reverse("assignment-answer", args=[case["assignment"].public_id]), {"answer": "fine"}
    if action == "end counseling":
        return reverse("end-counseling"), {}
    if action == "withdraw consent":
        return reverse("consent-withdraw"), {}
    if action == "acknowledge consent":
        document = consent_services.current_document()
        return reverse("consent"), {
            "version": document.version,
            "text_hash": rendering.text_hash(document.title_id, document.body_id),
            "typed_name": actor.full_name if actor else "",
            "understood": "on",
        }
    if action == "declare conflict":
        return reverse("conflicts"), {"nis": siti.counselee.nis, "relation": "close_friend"}
    if action == "request emergency access":
        return reverse("emergency-access-request"), {
            "nis": siti.counselee.nis,
            "justification": "Siti mengirim pesan bahwa ia tidak aman di rumah malam ini.",
            "password": PASSWORD,
        }
    if action == "review emergency access":
        return reverse("emergency-access-review", args=[case["grant"].public_id]), {
            "comment": "Sesuai prosedur."
        }
    if action == "publish hours":
        return reverse("availability-weekly"), {
            "weekly-weekday": "2",
            "weekly-start_time": "15:00",
            "weekly-end_time": "16:00",
            "weekly-slot_minutes": "45",
            "weekly-buffer_minutes": "0",
            "weekly-mode": "face_to_face",
            "weekly-place": "Ruang BK 3",
        }
    if action == "remove hours":
        return reverse("availability-delete", args=[case["rule"].pk]), {}
    if action == "add day off":
        day = timezone.localdate() + datetime.timedelta(days=30)
        return reverse("day-off-add"), {"off-date": day.isoformat()}
    if action == "remove day off":
        return reverse("day-off-delete", args=[case["day_off"].pk]), {}
    if action == "refer into BK":
        return reverse("teacher-refer", args=[siti.counselee.public_id]), {"reason": "Murung."}
    if "BK" in action or action == "invite referred student":
        teacher = case["people"]["bu_wati"]
        referral = bk.refer(siti.counselee, by=teacher, reason="Murung.")
        if action == "receive BK referral":
            return reverse("bk-referral-receive", args=[referral.public_id]), {}
        bk.receive(referral, by=case["people"]["bu_rina"])
        if action == "invite referred student":
            return reverse("bk-referral-invite", args=[referral.public_id]), {}
        if action == "follow up BK referral":
            return reverse("bk-referral-follow-up", args=[referral.public_id]), {}
        bk.invite(referral, by=case["people"]["bu_rina"])
        return reverse("bk-invitation-answer", args=[referral.public_id]), {"answer": "no"}
    if action == "propose referral":
        return reverse("referral-create", args=[siti.counselee.public_id]), {
            "to_counselor": case["people"]["pak_budi"].pk,
            "reason": Referral.Reason.WORKLOAD,
            "summary": "Ringkasan.",
            "scope": Referral.Scope.ALL,
        }
    if action.endswith("referral") or action.startswith("answer referral"):
        referral = referral_services.propose(
            siti.counselee,
            by=case["people"]["bu_rina"],
            to=case["people"]["pak_budi"],
            reason=Referral.Reason.WORKLOAD,
            reason_text="",
            summary="Ringkasan.",
            scope=Referral.Scope.ALL,
        )
        if action == "answer referral as student":
            return reverse("referral-student-answer", args=[referral.public_id]), {
                "answer": "accept"
            }
        if action == "withdraw referral":
            return reverse("referral-withdraw", args=[referral.public_id]), {}
        referral_services.answer_as_student(referral, by=siti, accept=True)
        return reverse("referral-receiver-answer", args=[referral.public_id]), {"answer": "accept"}
    if action == "ask for help now":
        return reverse("crisis-ask"), {"text": "Aku butuh bicara."}
    if action == "take crisis request":
        return reverse("crisis-take", args=[case["crisis_waiting"].public_id]), {}
    if action == "start crisis session":
        return reverse("crisis-start", args=[case["crisis_taken"].public_id]), {
            "limits_explained": "on"
        }
    if action == "keep crisis counselor":
        return reverse("crisis-keep", args=[case["crisis_dimas"].public_id]), {}
    if action == "open crisis walk-in":
        return reverse("crisis-walk-in-open", args=[siti.counselee.public_id]), {}
    if action == "save safety plan":
        return reverse("safety-plan-edit", args=[siti.counselee.public_id]), {
            "warning_signs": "Tidak bisa tidur.",
            "shared_with_student": "on",
        }
    if action == "edit duty roster":
        return reverse("crisis-roster"), {
            "counselor": case["people"]["bu_rina"].pk,
            "weekday": "1",
            "start_time": "07:00",
            "end_time": "09:00",
            "place": "Ruang BK 1",
        }
    if action.endswith("legal hold"):
        hold = retention_services.request_legal_hold(
            siti.counselee, reason="Perkara di Polres.", by=case["people"]["bu_rina"]
        )
        name = "legal-hold-confirm" if action == "confirm legal hold" else "legal-hold-release"
        return reverse(name, args=[hold.public_id]), {}
    raise AssertionError(action)


def state():
    """Everything an action could change, as counts and statuses."""
    return {
        "bookings": sorted(Booking.objects.values_list("pk", "status", "counselor_id")),
        "sessions": sorted(CounselingSession.objects.values_list("pk", "status")),
        "notes": sorted(SessionNote.objects.values_list("pk", "status", "updated_at")),
        "addenda": NoteAddendum.objects.count(),
        "disclosures": sorted(Disclosure.objects.values_list("pk", "student_informed")),
        "assignments": sorted(
            CaseAssignment.objects.values_list(
                "pk", "ended_at", "student_answered_at", "expires_at"
            )
        ),
        "crisis": sorted(
            CrisisRequest.objects.values_list("pk", "status", "taken_by_id", "updated_at")
        ),
        "safety_plans": SafetyPlan.objects.count(),
        "duty_shifts": DutyShift.objects.count(),
        "conflicts": ConflictOfInterest.objects.count(),
        "grants": sorted(EmergencyAccess.objects.values_list("pk", "reviewed_at", "revoked_at")),
        "rules": AvailabilityRule.objects.count(),
        "days_off": DayOff.objects.count(),
        "acknowledgements": ConsentAcknowledgement.objects.count(),
        "withdrawals": ConsentWithdrawal.objects.count(),
        "referrals": sorted(Referral.objects.values_list("pk", "status")),
        "legal_holds": sorted(LegalHold.objects.values_list("pk", "confirmed_at", "released_at")),
        "bk_referrals": sorted(
            BkReferral.objects.values_list("pk", "status", "invited_at", "student_answer")
        ),
    }


@pytest.mark.parametrize("action", EXPECTED)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_take_only_its_actions(client, case, role, action):
    actor = case["people"].get(role)
    if actor is not None:
        login(client, actor)
    url, data = request_for(action, case, actor)
    before = state()
    last_event = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()

    response = client.post(url, data)

    done, refused = EXPECTED[action]
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert state() == before
    elif role in done:
        assert response.status_code in (200, 302), response.status_code
        assert state() != before, "the page answered, but nothing changed"
    elif role in refused:
        assert response.status_code == 200
        assert state() == before
    else:
        assert response.status_code == 404
        assert state() == before
        denial = AccessEvent.objects.filter(id__gt=last_event).order_by("-id").first()
        assert denial is not None and denial.action == AccessEvent.Action.DENIED
        assert denial.actor == actor
