"""The school lifecycle, the retention setting quoted by the consent text, the list."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from consent.demo_document import BODY_EN, BODY_ID
from consent.models import RETENTION_PLACEHOLDER, ConsentDocument
from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.retention import schedule, services
from counseling.retention.models import SchoolStatus
from tests.conftest import make_counselee, make_user

from .conftest import graduate

Status = SchoolStatus.Status


def test_the_consent_text_quotes_the_retention_setting(settings, admin):
    document = ConsentDocument.objects.create(
        version=7, title_id="P", body_id=BODY_ID, title_en="C", body_en=BODY_EN
    )
    assert document.quotes_retention
    settings.AMANAH_RETENTION_YEARS = 3
    assert "ditambah \\\n3 tahun" not in document.text("id")[1]
    assert "3 tahun setelah kamu meninggalkan sekolah" in document.text("id")[1]
    assert "3 years after you leave the school" in document.text("en")[1]
    settings.AMANAH_RETENTION_YEARS = 5
    assert "5 tahun setelah kamu meninggalkan sekolah" in document.text("id")[1]
    assert RETENTION_PLACEHOLDER not in document.text("en")[1]


def test_the_schedule_runs_on_the_same_setting(settings):
    settings.AMANAH_RETENTION_YEARS = 5
    assert schedule.due_on(datetime.date(2030, 6, 30)) == datetime.date(2035, 6, 30)
    assert schedule.due_on(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)


def test_a_whole_class_graduates_at_once_and_each_change_is_logged(admin, siti, dimas):
    ayu = make_counselee(make_user("ayu", "Ayu", "student"), "1009", class_name="X-1")
    services.set_school_status(ayu, status=Status.MOVED, since=datetime.date(2030, 1, 5), by=admin)
    count = services.set_class_status(
        "X-1", status=Status.GRADUATED, since=datetime.date(2030, 6, 20), by=admin
    )
    assert count == 1  # Siti; Ayu had moved already and keeps her own date
    assert siti.counselee.school_status.status == Status.GRADUATED
    assert SchoolStatus.objects.get(counselee=ayu).since == datetime.date(2030, 1, 5)
    assert not SchoolStatus.objects.filter(counselee=dimas.counselee).exists()
    events = AccessEvent.objects.filter(action=AccessEvent.Action.SCHOOL_STATUS_SET)
    assert sorted(e.counselee_id for e in events) == sorted([ayu.pk, siti.counselee.pk])


def test_only_the_admin_sets_the_lifecycle(bu_rina, siti):
    with pytest.raises(policy.Denied):
        services.set_school_status(
            siti.counselee, status=Status.LEFT, since=datetime.date(2030, 1, 1), by=bu_rina
        )
    with pytest.raises(policy.Denied):
        services.set_class_status("X-1", status=Status.LEFT, since=datetime.date.today(), by=siti)


def test_the_to_be_erased_list_shows_her_30_days_before_to_her_counselor_and_the_admin(
    settings, admin, bu_rina, pak_budi, siti, dimas
):
    today = datetime.date.today()
    settings.AMANAH_RETENTION_YEARS = 3
    graduate(siti.counselee, admin, years_ago=3, today=today + datetime.timedelta(days=29))
    graduate(dimas.counselee, admin, years_ago=3, today=today + datetime.timedelta(days=31))
    assert list(policy.to_be_erased_for(admin)) == [siti.counselee]
    assert list(policy.to_be_erased_for(bu_rina)) == [siti.counselee]
    assert list(policy.to_be_erased_for(pak_budi)) == []  # Dimas: 31 days away
    assert list(policy.to_be_erased_for(siti)) == []


def test_an_erased_students_status_cannot_be_set_again(admin, siti):
    from counseling.retention import erasure

    today = datetime.date.today()
    graduate(siti.counselee, admin, years_ago=4, today=today)
    erasure.erase(siti.counselee, today=today)
    with pytest.raises(ValidationError):
        services.set_school_status(siti.counselee, status=Status.ACTIVE, since=today, by=admin)
