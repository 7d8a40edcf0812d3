"""Reviewing, releasing and downloading Siti's copy: the services."""

import base64
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from counseling.rights import copies
from counseling.rights.models import CopyLink, DataRequest, SealedCopy, WithheldNote
from tests.conftest import sealed
from tests.rights.conftest import WITHHELD, release

Action = AccessEvent.Action


def test_the_review_shows_every_final_note_and_logs_each_one(copy_request, bu_rina, story):
    notes = copies.notes_for_review(copy_request, by=bu_rina)

    assert {n.pk for n in notes} == {story[k].pk for k in ("first", "contacts", "withheld")}
    logged = AccessEvent.objects.filter(
        action=Action.VIEW,
        purpose=AccessEvent.Purpose.DATA_PROTECTION,
        object_type="counseling_sessions.sessionnote",
        counselee=copy_request.counselee,
        actor=bu_rina,
    )
    assert set(logged.values_list("object_id", flat=True)) == {str(n.public_id) for n in notes}


def test_the_review_includes_notes_of_an_earlier_counselor(copy_request, bu_rina, pak_budi, admin):
    from counseling.records import services as records
    from counseling.records.models import CaseAssignment
    from sessions.models import SessionNote
    from tests.referrals.conftest import session_with_note

    counselee = copy_request.counselee
    records.assign(pak_budi, counselee, by=admin)
    _, earlier = session_with_note(counselee, pak_budi, "Catatan konselor sebelumnya.")
    ended = CaseAssignment.objects.get(counselor=pak_budi, counselee=counselee)
    records.close_assignment(ended, by=admin, reason=CaseAssignment.EndReason.ADMINISTRATION)

    notes = copies.notes_for_review(copy_request, by=bu_rina)

    assert earlier.pk in {n.pk for n in notes}
    assert all(n.status == SessionNote.Status.FINAL for n in notes)


def test_another_counselor_cannot_review_or_release(copy_request, pak_budi, story):
    assert copies.notes_for_review(copy_request, by=pak_budi) == []
    with pytest.raises(policy.Denied):
        release(copy_request, pak_budi, story)


def test_release_marks_the_request_done_and_tells_her_without_content(
    copy_request, bu_rina, siti, story
):
    release(copy_request, bu_rina, story)

    copy_request.refresh_from_db()
    assert copy_request.status == DataRequest.Status.DONE
    assert copy_request.reviewed_by == bu_rina
    assert copy_request.events.filter(step="released", by=bu_rina).exists()
    assert AccessEvent.objects.filter(
        action=Action.COPY_REVIEWED, counselee=copy_request.counselee, actor=bu_rina
    ).exists()
    notice = Notice.objects.get(recipient=siti, kind=Notice.Kind.COPY_READY)
    assert WITHHELD not in str(notice.__dict__)
    withheld = WithheldNote.objects.get(request=copy_request)
    assert withheld.note == story["withheld"]
    assert withheld.reason == WithheldNote.Reason.ENDANGERS_STUDENT


def test_the_stored_copy_is_sealed_under_her_key(released):
    copy = SealedCopy.objects.get(request=released)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pdf, json FROM rights_sealedcopy WHERE id = %s", [copy.pk])
        pdf, raw_json = cursor.fetchone()
    assert sealed(pdf) and sealed(raw_json)
    assert base64.b64decode(copy.pdf).startswith(b"%PDF")
    assert json.loads(copy.json)["format"] == "amanah-copy"


def test_a_withhold_reason_outside_the_closed_list_is_refused(copy_request, bu_rina, story):
    with pytest.raises(ValidationError):
        copies.release(
            copy_request,
            by=bu_rina,
            withheld={str(story["withheld"].public_id): "because"},
            phrases=[],
            reviewed=copies.fingerprint(copies.notes_for_review(copy_request, by=bu_rina)),
        )


def test_a_draft_cannot_be_withheld_because_it_never_travels(copy_request, bu_rina, story):
    with pytest.raises(ValidationError):
        copies.release(
            copy_request,
            by=bu_rina,
            withheld={str(story["draft"].public_id): WithheldNote.Reason.OTHERS_DATA},
            phrases=[],
            reviewed=copies.fingerprint(copies.notes_for_review(copy_request, by=bu_rina)),
        )


def test_a_released_request_cannot_be_released_twice(released, bu_rina, story):
    with pytest.raises(policy.Denied):
        release(released, bu_rina, story)


def test_the_preview_counts_what_the_copy_would_hold(copy_request, bu_rina, story):
    counts = copies.preview(
        copy_request,
        by=bu_rina,
        withheld={str(story["withheld"].public_id): WithheldNote.Reason.OTHERS_DATA},
        phrases=["tekanan ujian"],
    )
    assert counts.notes_released == 2
    assert counts.notes_withheld == 1
    assert counts.bookings == 1
    assert counts.disclosures == 1
    # Dimas's name, the phone, the e-mail, the mother's name, the phrase at least.
    assert counts.redactions >= 5
    assert not WithheldNote.objects.exists()
    assert not SealedCopy.objects.exists()


def test_a_link_downloads_once_and_then_says_it_was_used(released, siti):
    token = copies.issue_link(released, by=siti, format=CopyLink.Format.PDF)

    file = copies.download(token, by=siti)

    assert file.content.startswith(b"%PDF")
    assert file.filename.endswith(".pdf")
    with pytest.raises(copies.LinkUsed):
        copies.download(token, by=siti)
    assert AccessEvent.objects.filter(action=Action.COPY_DOWNLOADED, actor=siti).count() == 1
    assert SealedCopy.objects.get(request=released).pdf == ""


def test_a_second_link_to_a_downloaded_format_is_not_issued(released, siti):
    copies.download(copies.issue_link(released, by=siti, format="pdf"), by=siti)
    with pytest.raises(ValidationError):
        copies.issue_link(released, by=siti, format="pdf")


def test_two_links_to_one_format_give_one_file(released, siti):
    first = copies.issue_link(released, by=siti, format="json")
    second = copies.issue_link(released, by=siti, format="json")
    copies.download(first, by=siti)
    with pytest.raises(copies.LinkUsed):
        copies.download(second, by=siti)


def test_both_files_downloaded_leave_nothing_stored(released, siti):
    copies.download(copies.issue_link(released, by=siti, format="pdf"), by=siti)
    copies.download(copies.issue_link(released, by=siti, format="json"), by=siti)
    assert not SealedCopy.objects.filter(request=released).exists()


def test_the_conditional_update_claims_a_link_once(released, siti):
    token = copies.issue_link(released, by=siti, format="pdf")
    link = CopyLink.objects.get(token_hash=copies.token_hash(token))
    now = timezone.now()
    claim = CopyLink.objects.filter(pk=link.pk, used_at__isnull=True)
    assert claim.update(used_at=now) == 1
    assert claim.update(used_at=now) == 0


def test_an_expired_copy_is_refused_and_purged(released, siti):
    token = copies.issue_link(released, by=siti, format="pdf")
    past = timezone.now() - timezone.timedelta(minutes=1)
    CopyLink.objects.update(expires_at=past)
    SealedCopy.objects.update(expires_at=past)

    with pytest.raises(copies.LinkExpired):
        copies.download(token, by=siti)
    assert copies.purge_expired() == 1
    assert not SealedCopy.objects.exists()


def test_someone_else_following_her_link_gets_404(released, siti, dimas, bu_rina):
    from django.http import Http404

    token = copies.issue_link(released, by=siti, format="pdf")
    for other in (dimas, bu_rina):
        with pytest.raises(Http404):
            copies.download(token, by=other)
    assert (
        AccessEvent.objects.filter(action=Action.DENIED, object_type="rights.copylink").count() == 2
    )
    # Still hers to download.
    assert copies.download(token, by=siti).content.startswith(b"%PDF")


def test_only_she_gets_a_link(released, bu_rina):
    with pytest.raises(policy.Denied):
        copies.issue_link(released, by=bu_rina, format="pdf")


def test_the_hourly_task_purges_expired_copies(released, settings):
    from counseling.rights.copy_tasks import purge_expired_copies

    assert "purge-expired-copies" in settings.CELERY_BEAT_SCHEDULE
    SealedCopy.objects.update(expires_at=timezone.now())
    assert purge_expired_copies.apply().get() == 1
    assert not SealedCopy.objects.exists()


def test_a_note_finalised_after_the_review_page_is_not_released_unseen(
    copy_request, bu_rina, story, siti
):
    from tests.referrals.conftest import session_with_note

    seen = copies.fingerprint(copies.notes_for_review(copy_request, by=bu_rina))
    session_with_note(siti.counselee, bu_rina, "Catatan yang belum ditinjau.")
    with pytest.raises(ValidationError, match="Tinjau"):
        copies.release(copy_request, by=bu_rina, withheld={}, phrases=[], reviewed=seen)
    copy_request.refresh_from_db()
    assert copy_request.status == DataRequest.Status.RECEIVED


def test_an_addendum_written_after_the_review_page_is_not_released_unseen(
    copy_request, bu_rina, story
):
    from sessions import services as session_services

    seen = copies.fingerprint(copies.notes_for_review(copy_request, by=bu_rina))
    session_services.add_addendum(story["first"], by=bu_rina, body="Tambahan baru.")
    with pytest.raises(ValidationError, match="Tinjau"):
        copies.release(copy_request, by=bu_rina, withheld={}, phrases=[], reviewed=seen)
