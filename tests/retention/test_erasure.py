"""Erasure is crypto-shredding: her key destroyed, her rows deleted, a tombstone left,
the access log untouched and still verifying, and any older copy unreadable."""

import datetime

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connection, transaction

from consent.models import Disclosure
from counseling import keys
from counseling.audit import verification
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.encryption import ErasedValueError
from counseling.fernet import raw
from counseling.records.models import Counselee
from counseling.retention import erasure, tasks
from counseling.retention.models import DataKey, Erasure
from sessions.models import Booking, CounselingSession, NoteAddendum, SessionNote

from .conftest import graduate


def her_tokens(counselee):
    """Every sealed value about her, as a dump of the database would hold it."""
    tokens = []
    for model, path, names in erasure.sealed_models():
        rows = erasure.rows_of(model, path, counselee)
        for name in names:
            tokens += [t for t in rows.annotate(t=raw(name)).values_list("t", flat=True) if t]
    return tokens


@pytest.fixture
def due(siti_record, admin, siti_booking):
    today = datetime.date.today()
    graduate(siti_record, admin, years_ago=3, today=today, days=1)
    return today


def test_it_destroys_her_key_and_deletes_her_content(due, siti_record, dimas):
    uid = siti_record.public_id
    assert SessionNote.objects.filter(session__counselee=siti_record).exists()
    erasure.erase(siti_record, today=due)

    key = DataKey.objects.get(counselee_uid=uid)
    assert key.wrapped == "" and key.destroyed_at is not None
    for model in (NoteAddendum, SessionNote, Booking, CounselingSession, Disclosure):
        assert not model._base_manager.filter(**{model_path(model): siti_record}).exists()
    # The emergency access stays (the log points at it), its text erased in place.
    access = EmergencyAccess.objects.get(counselee=siti_record)
    assert access.justification is keys.ERASED
    # Her record stays as a tombstone: no name, no NIS, no way in.
    counselee = Counselee.objects.select_related("user").get(pk=siti_record.pk)
    assert counselee.nis == f"erased-{counselee.pk}"
    assert counselee.class_name == "" and counselee.date_of_birth is None
    assert counselee.guardian_name is keys.ERASED
    assert counselee.user.full_name == "" and not counselee.user.is_active
    assert not counselee.user.has_usable_password()
    tombstone = Erasure.objects.get(counselee=counselee)
    assert tombstone.pseudonym == uid
    assert tombstone.counts["counseling_sessions.sessionnote"] == 1
    assert tombstone.counts["counseling_sessions.booking"] == 1
    event = AccessEvent.objects.get(action=AccessEvent.Action.COUNSELEE_ERASED)
    assert event.counselee_id == counselee.pk and event.actor is None
    # Dimas is untouched.
    assert Counselee.objects.get(pk=dimas.counselee.pk).guardian_name == "Bapak Hendra"


def model_path(model):
    return {
        NoteAddendum: "note__session__counselee",
        SessionNote: "session__counselee",
    }.get(model, "counselee")


def test_a_dump_taken_before_cannot_be_decrypted_after_even_with_the_master_key(due, siti_record):
    dump = her_tokens(siti_record)
    wrapped = dict(DataKey.objects.values_list("pk", "wrapped"))
    assert len(dump) >= 10
    erasure.erase(siti_record, today=due)
    keys.clear_cache()

    master = MultiFernet([Fernet(k) for k in settings.FIELD_ENCRYPTION_KEY])
    remaining = dict(DataKey.objects.values_list("pk", "wrapped"))
    for token in dump:
        key_id, body = keys.split(token)
        assert key_id is not None and remaining[key_id] == ""
        with pytest.raises(InvalidToken):
            master.decrypt(body.encode())  # the master key never sealed content itself
    # With the key as it was before, the same tokens did open: the key is what is gone.
    key_id, body = keys.split(dump[0])
    assert Fernet(master.decrypt(wrapped[key_id].encode())).decrypt(body.encode())

    # Restored into the database, an old value reads as the marker, never as text.
    access = EmergencyAccess.objects.get(counselee=siti_record)
    old = next(t for t in dump if t.startswith(f"k{key_id}$"))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_emergencyaccess SET justification = %s WHERE id = %s", [old, access.pk]
        )
    assert EmergencyAccess.objects.get(pk=access.pk).justification is keys.ERASED


def test_the_access_log_still_verifies_after_erasures(due, siti_record, dimas, admin):
    graduate(dimas.counselee, admin, years_ago=4, today=due)
    before = AccessEvent.objects.filter(counselee=siti_record).count()
    outcome = tasks.erase_due_counselees()
    assert outcome == {"told": 4, "reviews": 0, "erased": 2, "failed": 0}
    # Her entries stay, pointing at her tombstone, and the chain is whole.
    assert AccessEvent.objects.filter(counselee=siti_record).count() == before + 1
    _head, broken = verification.verify()
    assert broken is None


def test_nothing_more_is_written_about_an_erased_counselee(due, siti_record, bu_rina):
    erasure.erase(siti_record, today=due)
    counselee = Counselee.objects.get(pk=siti_record.pk)
    with pytest.raises(ErasedValueError), transaction.atomic():
        counselee.save()  # her erased values cannot be saved back as text
    counselee.background_notes = "baru"
    with pytest.raises(keys.CounseleeErased):
        counselee.save(update_fields=["background_notes"])


def test_it_refuses_a_counselee_who_is_not_due(siti_record):
    with pytest.raises(erasure.NotDue):
        erasure.erase(siti_record)
    assert DataKey.objects.filter(counselee_uid=siti_record.public_id, destroyed_at=None).exists()


def test_running_twice_erases_once(due, siti_record):
    assert len(erasure.erase_due(due).erased) == 1
    assert erasure.erase_due(due).erased == []
    assert AccessEvent.objects.filter(action=AccessEvent.Action.COUNSELEE_ERASED).count() == 1


def test_a_status_set_late_still_gives_her_the_notice_period(settings, admin, siti_record):
    from counseling.retention import services
    from counseling.retention.models import SchoolStatus

    today = datetime.date.today()
    services.set_school_status(
        siti_record,
        status=SchoolStatus.Status.LEFT,
        since=today.replace(year=today.year - 10),
        by=admin,
    )
    assert erasure.erase_due(today).erased == []
    later = today + datetime.timedelta(days=settings.AMANAH_RETENTION_NOTICE_DAYS)
    assert erasure.erase_due(later).erased == [str(siti_record.public_id)]


def test_the_admin_site_shows_an_erased_record_and_refuses_to_change_it(
    due, siti_record, admin, client_for
):
    from django.urls import reverse

    erasure.erase(siti_record, today=due)
    url = reverse("admin:records_counselee_change", args=[siti_record.pk])
    page = client_for(admin).get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client_for(admin).post(url, {"nis": "9999", "class_name": "X-9"})
    assert response.status_code == 403
    siti_record.refresh_from_db()
    assert siti_record.nis == f"erased-{siti_record.pk}"
