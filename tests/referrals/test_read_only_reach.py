"""The referring counselor's 14 read-only days: one rule ends her reach to her notes,
to the record and to the referral page; the days show her own notes, never the
record's background notes."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from counseling import policy
from counseling.records.models import Counselee
from counseling.referrals.models import Referral
from tests.conftest import login
from tests.referrals.conftest import SUMMARY

BACKGROUND = "RAHASIA-LATAR-7710: orang tua bercerai tahun lalu."


@pytest.fixture
def with_background(siti):
    counselee = Counselee.objects.get(pk=siti.counselee.pk)
    counselee.background_notes = BACKGROUND
    counselee.save(update_fields=["background_notes"])
    return counselee


def past_the_days(referral):
    Referral.objects.filter(pk=referral.pk).update(
        read_only_until=referral.read_only_until - datetime.timedelta(days=14, seconds=1)
    )
    referral.refresh_from_db()


def test_the_referrer_reads_the_referral_during_her_days(handed_over, bu_rina):
    assert policy.may_read_referral(bu_rina, handed_over)
    assert handed_over in policy.referrals_for(bu_rina)


def test_the_referrers_reach_to_the_referral_ends_with_her_notes(handed_over, bu_rina, siti):
    past_the_days(handed_over)
    assert not policy.can_read_counseling_data(bu_rina, siti.counselee)
    assert not policy.may_read_referral(bu_rina, handed_over)
    assert handed_over not in policy.referrals_for(bu_rina)
    with pytest.raises(Http404):
        policy.get_referral_for(bu_rina, handed_over.public_id)


def test_the_receiver_and_the_student_keep_reading_it(handed_over, siti, pak_budi):
    past_the_days(handed_over)
    assert policy.may_read_referral(siti, handed_over)
    assert policy.may_read_referral(pak_budi, handed_over)


def test_a_declined_referral_stays_readable_for_its_counselor(proposed, siti, bu_rina):
    from counseling.referrals import services as referrals

    referrals.answer_as_student(proposed, by=siti, accept=False)
    proposed.refresh_from_db()
    assert policy.may_read_referral(bu_rina, proposed)


def test_the_page_answers_404_after_the_days(client, handed_over, bu_rina):
    login(client, bu_rina)
    url = reverse("referral-detail", args=[handed_over.public_id])
    assert SUMMARY in client.get(url).text
    past_the_days(handed_over)
    response = client.get(url)
    assert response.status_code == 404
    assert SUMMARY not in response.text
    assert str(handed_over.public_id) not in client.get(reverse("referral-list")).text


def test_read_only_days_do_not_show_the_background_notes(
    client, with_background, handed_over, bu_rina, pak_budi
):
    access = policy.record_access(bu_rina, with_background)
    assert access.purpose == policy.Purpose.REFERRAL
    assert access.read_counseling_data and not access.read_background
    login(client, bu_rina)
    record = client.get(reverse("counselee-detail", args=[with_background.public_id]))
    assert record.status_code == 200
    assert "hanya baca" in record.text
    assert BACKGROUND not in record.text
    assert "Catatan latar belakang" not in record.text


def test_the_counselor_on_the_case_reads_the_background_notes(
    client, with_background, handed_over, pak_budi
):
    assert policy.record_access(pak_budi, with_background).read_background
    login(client, pak_budi)
    record = client.get(reverse("counselee-detail", args=[with_background.public_id]))
    assert BACKGROUND in record.text
