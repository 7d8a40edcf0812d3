"""Recording a breach, computing its exposure and drafting, sending its letters."""

import datetime

import pytest
from django.urls import reverse

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.breaches import services
from counseling.breaches.models import Breach, BreachNotice
from counseling.guardians.models import GuardianExemption
from counseling.notices import kinds
from counseling.notices.models import Notice

from .conftest import record

Audience = BreachNotice.Audience
Action = AccessEvent.Action


def letters_of(breach):
    return sorted(
        (n.audience, n.counselee.user.username if n.counselee else "") for n in breach.notices.all()
    )


def test_recording_starts_the_clock_logs_it_and_tells_dpo_and_admins(seeded_log, dpo, admin):
    breach = record(dpo, seeded_log)
    assert breach.deadline == breach.discovered_at + datetime.timedelta(hours=72)
    event = AccessEvent.objects.get(action=Action.BREACH_RECORDED)
    assert (event.actor, event.object_id, event.purpose) == (
        dpo,
        str(breach.public_id),
        "data_protection",
    )
    told = Notice.objects.filter(kind=Notice.Kind.BREACH_RECORDED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["agus", "larasati"]
    assert {n.about for n in told} == {str(breach.public_id)}


def test_a_counselor_cannot_record_a_breach(seeded_log, bu_rina):
    with pytest.raises(policy.Denied):
        record(bu_rina, seeded_log)
    assert not Breach.objects.exists()


def test_letters_go_to_each_student_guardians_of_minors_without_exemption_and_the_authority(
    seeded_log, dpo, siti, dimas, nabila, pak_budi, admin
):
    # Nabila is of age; Dimas's guardians must not be told (an approved exemption).
    nabila.counselee.date_of_birth = datetime.date(2000, 1, 1)
    nabila.counselee.save(update_fields=["date_of_birth"])
    GuardianExemption.objects.create(
        counselee=dimas.counselee,
        recorded_by=pak_budi,
        reason=GuardianExemption.Reason.VIOLENCE_AT_HOME,
        detail="Rincian pengecualian.",
        status=GuardianExemption.Status.APPROVED,
        decided_by=admin,
    )
    breach = record(dpo, seeded_log)
    rows = services.compute_exposure(breach, by=dpo)
    assert {(r.counselee.user.username, r.minor, r.guardian_exempt) for r in rows} == {
        ("siti", True, False),
        ("dimas", True, True),
        ("nabila", False, False),
    }
    assert letters_of(breach) == [
        ("authority", ""),
        ("guardian", "siti"),
        ("student", "dimas"),
        ("student", "nabila"),
        ("student", "siti"),
    ]
    event = AccessEvent.objects.get(action=Action.BREACH_EXPOSURE_COMPUTED)
    assert event.object_id == str(breach.public_id) and event.counselee is None


def test_recomputing_keeps_sent_letters_and_replaces_the_rest(seeded_log, dpo, bu_rina):
    breach = record(dpo, seeded_log)
    services.compute_exposure(breach, by=dpo)
    sent = breach.notices.get(audience=Audience.STUDENT, counselee__user__username="dimas")
    services.mark_notice_sent(sent, by=dpo)
    # Narrowed to Bu Rina's account: the same three students, Dimas's letter still sent.
    Breach.objects.filter(pk=breach.pk).update(scope="account", scope_account=bu_rina)
    breach.refresh_from_db()
    services.compute_exposure(breach, by=dpo)
    sent.refresh_from_db()
    assert sent.is_sent
    assert breach.notices.count() == 1 + 3 + 3
    assert breach.exposures.count() == 3


def test_marking_a_students_letter_sent_logs_it_and_tells_her_without_content(
    seeded_log, dpo, siti
):
    breach = record(dpo, seeded_log)
    services.compute_exposure(breach, by=dpo)
    letter = breach.notices.get(audience=Audience.STUDENT, counselee=siti.counselee)
    services.mark_notice_sent(letter, by=dpo)
    letter.refresh_from_db()
    assert letter.marked_sent_by == dpo and letter.marked_sent_at is not None
    event = AccessEvent.objects.get(action=Action.BREACH_NOTICE_SENT)
    assert (event.object_id, event.counselee) == (str(letter.public_id), siti.counselee)
    notice = Notice.objects.get(kind=Notice.Kind.BREACH_NOTICE)
    assert notice.recipient == siti and notice.about == str(letter.public_id)
    assert kinds.link(notice) == reverse("breach-letter", args=[letter.public_id])
    # Sent once: a second mark is refused.
    with pytest.raises(policy.Denied):
        services.mark_notice_sent(letter, by=dpo)


def test_guardian_and_authority_letters_reach_no_inbox(seeded_log, dpo):
    breach = record(dpo, seeded_log)
    services.compute_exposure(breach, by=dpo)
    for letter in breach.notices.exclude(audience=Audience.STUDENT):
        services.mark_notice_sent(letter, by=dpo)
    assert not Notice.objects.filter(kind=Notice.Kind.BREACH_NOTICE).exists()


def test_the_last_letter_sent_closes_the_breach(seeded_log, dpo):
    breach = record(dpo, seeded_log)
    services.compute_exposure(breach, by=dpo)
    letters = list(breach.notices.all())
    for letter in letters[:-1]:
        services.mark_notice_sent(letter, by=dpo)
    breach.refresh_from_db()
    assert breach.is_open
    services.mark_notice_sent(letters[-1], by=dpo)
    breach.refresh_from_db()
    assert not breach.is_open
    with pytest.raises(policy.Denied):
        services.compute_exposure(breach, by=dpo)
