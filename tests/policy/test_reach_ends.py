"""Seven holes a tester found when reads and writes were decided in different places.

Each test tells one of them as a story and fails if the hole opens again.
"""

import pytest
from django.urls import reverse

from consent import services as consent_services
from counseling import policy
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.notices.models import Notice
from counseling.records import services as records
from sessions import bookings, cases
from sessions import services as session_services
from sessions.models import Booking, CounselingSession
from tests.conftest import BOOKING_TOPIC, login, make_user, slot_at

Kind = Notice.Kind


def test_a_removed_counselor_cannot_confirm_her_way_back_onto_the_case(
    client, siti, bu_rina, admin, siti_booking
):
    # 1. Siti asked Bu Rina for a session; then the admin took Bu Rina off the case.
    cases.end_assignment(siti.counselee.assignments.get(counselor=bu_rina), by=admin)

    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.DECLINED
    assert siti_booking.decline_reason == Booking.DeclineReason.COUNSELOR_CHANGED
    assert Notice.objects.filter(
        booking=siti_booking, kind=Kind.BOOKING_DECLINED, recipient=siti
    ).exists()

    login(client, bu_rina)
    queue = client.get(reverse("booking-queue"))
    assert siti_booking not in [row["booking"] for row in queue.context["requests"]]
    confirm = client.post(reverse("booking-confirm", args=[siti_booking.public_id]))
    assert confirm.status_code == 404
    assert not policy.is_assigned(bu_rina, siti.counselee)


def test_a_request_made_before_her_assignment_ended_is_never_hers_to_confirm(
    siti, bu_rina, admin, rina_hours
):
    booking = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti)
    assignment = siti.counselee.assignments.get(counselor=bu_rina)
    # As if the booking had slipped past the withdrawal: the policy still refuses it.
    records.close_assignment(assignment, by=admin, reason="administration")
    with pytest.raises(policy.Denied):
        bookings.confirm(booking, by=bu_rina)
    assert not policy.is_assigned(bu_rina, siti.counselee)


def test_a_declared_conflict_cuts_topics_queue_and_emergency_access_at_once(
    client, siti, pak_budi, bu_rina, admin, rina_hours, budi_hours
):
    # 2. Siti has no counselor of her own; she books Pak Budi, who opened her record under
    # emergency access too. Then he declares that she is family.
    cases.end_assignment(siti.counselee.assignments.get(counselor=bu_rina), by=admin)
    booking = bookings.book(
        siti.counselee, pak_budi, slot_at(pak_budi).start, by=siti, topic=BOOKING_TOPIC
    )
    from counseling.audit import services as audit_services

    grant = audit_services.grant_emergency_access(
        siti.counselee, "Siti tidak masuk tiga hari dan tidak bisa dihubungi.", by=pak_budi
    )
    login(client, pak_budi)
    assert client.get(reverse("booking-detail", args=[booking.public_id])).status_code == 200

    cases.declare_conflict(siti.counselee, "family", by=pak_budi)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    page = client.get(reverse("booking-detail", args=[booking.public_id]))
    assert page.status_code == 404
    assert BOOKING_TOPIC not in page.text
    queue = client.get(reverse("booking-queue"))
    assert not queue.context["requests"]
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert not EmergencyAccess.objects.filter(pk=grant.pk, revoked_at__isnull=True).exists()
    record = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert record.status_code == 404
    # Siti is offered another counselor: Pak Budi is no longer bookable, Bu Rina is.
    assert list(policy.bookable_counselors_for(siti)) == [bu_rina]


def test_a_student_who_reschedules_is_the_one_the_log_names(siti, bu_rina, rina_hours):
    # 3. A confirmed booking, moved by Siti.
    booking = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti)
    bookings.confirm(booking, by=bu_rina)
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()

    moved = bookings.reschedule(booking, slot_at(bu_rina, days=3).start, by=siti)

    entries = AccessEvent.objects.filter(id__gt=mark)
    assert entries.exists()
    assert set(entries.values_list("actor", flat=True)) == {siti.pk}
    # The new time goes back to Bu Rina to confirm.
    assert moved.status == Booking.Status.REQUESTED


def test_every_alerted_counselor_can_open_and_take_an_urgent_request(
    client, siti, bu_rina, pak_budi, rina_hours
):
    # 4. Siti's urgent request to Bu Rina alerts Pak Budi too.
    urgent = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti, topic=BOOKING_TOPIC, urgent=True
    )
    assert Notice.objects.filter(kind=Kind.URGENT_REQUEST, recipient=pak_budi).exists()

    login(client, pak_budi)
    queue = client.get(reverse("booking-queue"))
    assert list(queue.context["urgent_elsewhere"]) == [urgent]
    page = client.get(reverse("urgent-request", args=[urgent.public_id]))
    assert page.status_code == 200
    assert BOOKING_TOPIC not in page.text
    taken = client.post(reverse("urgent-request-take", args=[urgent.public_id]))
    assert taken.status_code == 302

    urgent.refresh_from_db()
    assert urgent.counselor == pak_budi
    assert urgent.status == Booking.Status.CONFIRMED
    assert BOOKING_TOPIC in client.get(reverse("booking-detail", args=[urgent.public_id])).text
    # Bu Rina learns it is handled, and who handles it; the topic is no longer hers.
    assert Notice.objects.filter(kind=Kind.URGENT_TAKEN, recipient=bu_rina).exists()
    login(client, bu_rina)
    assert client.get(reverse("booking-detail", args=[urgent.public_id])).status_code == 404
    too_late = client.post(reverse("urgent-request-take", args=[urgent.public_id]), follow=True)
    assert "Permintaan ini sudah ditangani oleh Budi Hartono." in too_late.text


def test_a_conflicted_counselor_is_neither_alerted_nor_able_to_take_it(
    client, siti, bu_rina, pak_budi, rina_hours
):
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    urgent = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti, urgent=True)
    assert not Notice.objects.filter(kind=Kind.URGENT_REQUEST, recipient=pak_budi).exists()
    login(client, pak_budi)
    assert not client.get(reverse("booking-queue")).context["urgent_elsewhere"]
    assert client.get(reverse("urgent-request", args=[urgent.public_id])).status_code == 404
    assert client.post(reverse("urgent-request-take", args=[urgent.public_id])).status_code == 404


def test_a_newly_assigned_counselor_reads_no_earlier_notes_and_siti_is_told(
    client, siti, bu_rina, admin
):
    # 5. Bu Rina ran a session and wrote notes (one final, one draft); then the admin
    # assigns a new counselor, Bu Dewi.
    session = session_services.start_session(
        session_services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    final = session_services.finalise_note(
        session_services.write_note(session, by=bu_rina, body="Yang final dari Bu Rina."),
        by=bu_rina,
    )
    session_services.write_note(session, by=bu_rina, body="Draf Bu Rina yang belum selesai.")
    bu_dewi = make_user("bu_dewi", "Dewi Lestari", "counselor")
    assignment = records.assign(bu_dewi, siti.counselee, by=admin)

    login(client, bu_dewi)
    record = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert record.status_code == 200
    assert list(record.context["sessions"]) == [session]  # that it took place, and with whom
    page = client.get(reverse("session-detail", args=[session.public_id]))
    assert "Yang final dari Bu Rina." not in page.text
    assert "Draf Bu Rina" not in page.text
    assert client.get(reverse("note-edit", args=[final.public_id])).status_code in (404, 405)
    assert not policy.notes_for(bu_dewi).exists()

    # Siti sees it on her dashboard, and may say she did not ask for it.
    login(client, siti)
    dashboard = client.get(reverse("student-dashboard"))
    assert assignment in dashboard.context["new_assignments"]
    assert "Dewi Lestari" in dashboard.text
    client.post(reverse("assignment-answer", args=[assignment.public_id]), {"answer": "no"})
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert not policy.is_assigned(bu_dewi, siti.counselee)


def test_a_closed_case_cancels_what_was_booked_and_tells_the_student(
    client, siti, bu_rina, rina_hours
):
    # 6. A confirmed session and a waiting request, then Bu Rina closes the case.
    confirmed = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti)
    bookings.confirm(confirmed, by=bu_rina)
    waiting = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, days=3).start, by=siti)

    login(client, bu_rina)
    response = client.post(reverse("close-case", args=[siti.counselee.public_id]))
    assert response.status_code == 302

    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Booking.Status.CANCELLED
    assert confirmed.session.status == CounselingSession.Status.CANCELLED
    assert waiting.status == Booking.Status.DECLINED
    told = Notice.objects.filter(recipient=siti)
    assert told.filter(booking=confirmed, kind=Kind.BOOKING_CANCELLED).exists()
    assert told.filter(booking=waiting, kind=Kind.BOOKING_DECLINED).exists()
    assert not told.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H], cancelled_at=None)


def test_a_draft_is_saved_after_the_student_withdrew_consent(client, siti, bu_rina):
    # 7. The session began with Siti's consent; she withdraws it before the note is done.
    session = session_services.start_session(
        session_services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    draft = session_services.write_note(session, by=bu_rina, body="Setengah jadi.")
    consent_services.withdraw_consent(siti, by=siti)

    login(client, bu_rina)
    response = client.post(
        reverse("note-edit", args=[draft.public_id]), {"body": "Selesai ditulis."}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Selesai ditulis."
