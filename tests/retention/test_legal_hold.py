"""A legal hold needs a reason and a second person, pauses erasure, is reviewed yearly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.retention import erasure, schedule, services
from counseling.retention.models import Erasure, LegalHold

from .conftest import graduate

REASON = "Perkara di Polres: penyidik meminta catatan tetap disimpan."


def test_a_hold_needs_a_reason(admin, siti):
    with pytest.raises(ValidationError):
        services.request_legal_hold(siti.counselee, reason="  ", by=admin)


def test_the_person_who_asked_cannot_confirm_it(admin, siti):
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    with pytest.raises(policy.Denied):
        services.confirm_legal_hold(hold, by=admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalHold.objects.filter(pk=hold.pk).update(confirmed_by=admin)


def test_her_counselor_asks_and_a_second_admin_confirms(bu_rina, pak_budi, admin, siti):
    with pytest.raises(policy.Denied):
        services.request_legal_hold(siti.counselee, reason=REASON, by=pak_budi)  # not hers
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=bu_rina)
    with pytest.raises(policy.Denied):
        services.confirm_legal_hold(hold, by=pak_budi)  # counselors do not confirm
    hold = services.confirm_legal_hold(hold, by=admin)
    assert hold.review_due == timezone.localdate() + datetime.timedelta(days=365)
    assert LegalHold.objects.get(pk=hold.pk).reason == REASON
    actions = list(
        AccessEvent.objects.filter(object_id=str(hold.public_id)).values_list("action", flat=True)
    )
    assert actions == [
        AccessEvent.Action.LEGAL_HOLD_REQUESTED,
        AccessEvent.Action.LEGAL_HOLD_CONFIRMED,
    ]


def test_a_confirmed_hold_stops_erasure_until_it_is_released(admin, bu_sari, siti):
    today = datetime.date.today()
    graduate(siti.counselee, admin, years_ago=5, today=today)
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    hold = services.confirm_legal_hold(hold, by=bu_sari)
    assert erasure.erase_due(today).erased == []
    with pytest.raises(erasure.NotDue):
        erasure.erase(siti.counselee, today=today)
    services.release_legal_hold(hold, by=admin)
    assert erasure.erase_due(today).erased == [str(siti.counselee.public_id)]


def test_an_unconfirmed_hold_pauses_erasure_only_for_a_while(settings, admin, siti):
    settings.AMANAH_LEGAL_HOLD_CONFIRM_DAYS = 14
    today = datetime.date.today()
    graduate(siti.counselee, admin, years_ago=5, today=today)
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    assert not schedule.due_by(today).exists()
    LegalHold.objects.filter(pk=hold.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=15)
    )
    assert list(schedule.due_by(today)) == [siti.counselee]


def test_a_hold_is_reviewed_yearly(admin, bu_sari, siti):
    hold = services.confirm_legal_hold(
        services.request_legal_hold(siti.counselee, reason=REASON, by=admin), by=bu_sari
    )
    next_year = timezone.localdate() + datetime.timedelta(days=366)
    assert list(services.holds_due_for_review(next_year)) == [hold]
    LegalHold.objects.filter(pk=hold.pk).update(review_due=timezone.localdate())
    services.review_legal_hold(hold, by=admin)
    hold.refresh_from_db()
    assert hold.reviewed_at is not None
    assert hold.review_due == timezone.localdate() + datetime.timedelta(days=365)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.LEGAL_HOLD_REVIEWED).count() == 1


def test_no_hold_for_an_erased_counselee(admin, siti):
    today = datetime.date.today()
    graduate(siti.counselee, admin, years_ago=5, today=today)
    erasure.erase(siti.counselee, today=today)
    assert Erasure.objects.filter(counselee=siti.counselee).exists()
    with pytest.raises(policy.Denied):
        services.request_legal_hold(siti.counselee, reason=REASON, by=admin)


def test_the_admins_are_reminded_once_when_a_hold_is_a_year_old(admin, bu_sari, siti):
    from counseling.notices.models import Notice
    from counseling.retention import reminders

    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    services.confirm_legal_hold(hold, by=bu_sari)
    assert reminders.remind_hold_reviews() == 0  # a year to go
    # A year later: its review date has come.
    LegalHold.objects.filter(pk=hold.pk).update(review_due=timezone.localdate())
    assert reminders.remind_hold_reviews() == 2  # both admins
    assert reminders.remind_hold_reviews() == 0  # once per review date
    told = Notice.objects.filter(kind=Notice.Kind.LEGAL_HOLD_REVIEW)
    assert {n.recipient for n in told} == {admin, bu_sari}
    assert {n.about for n in told} == {str(hold.public_id)}
    # Reviewed, it waits another year; released, it is never put forward again.
    services.review_legal_hold(LegalHold.objects.get(pk=hold.pk), by=admin)
    a_year_on = timezone.localdate() + datetime.timedelta(days=365)
    assert reminders.remind_hold_reviews(a_year_on - datetime.timedelta(days=1)) == 0
    assert reminders.remind_hold_reviews(a_year_on) == 2
    services.release_legal_hold(LegalHold.objects.get(pk=hold.pk), by=admin)
    assert reminders.remind_hold_reviews(a_year_on + datetime.timedelta(days=365)) == 0
