"""The exposed students, computed from a seeded access log with a known answer."""

import datetime

from counseling.breaches import exposure
from counseling.breaches.models import Breach

from .conftest import record

Scope = Breach.Scope


def answer(breach):
    return {
        row.counselee_id: (row.events, row.first_seen, row.last_seen, row.object_types)
        for row in exposure.compute(breach)
    }


def test_by_account_counts_her_views_exports_and_break_glass_in_the_window_only(
    seeded_log, dpo, siti, dimas, nabila, bu_rina
):
    t = seeded_log.start
    minutes = datetime.timedelta(minutes=1)
    breach = record(dpo, seeded_log, scope=Scope.ACCOUNT, scope_account=bu_rina)
    assert answer(breach) == {
        # Two views and the window's last moment; not the view before it, not the change.
        siti.counselee.pk: (
            3,
            t + 20 * minutes,
            t + 180 * minutes,
            ("counseling_sessions.sessionnote", "records.counselee"),
        ),
        # The break-glass and the view under it.
        nabila.counselee.pk: (
            2,
            t + 60 * minutes,
            t + 65 * minutes,
            ("audit.emergencyaccess", "records.counselee"),
        ),
        # The export; not her denied attempt, not the view after the window.
        dimas.counselee.pk: (
            1,
            t + 120 * minutes,
            t + 120 * minutes,
            ("referrals.externalreferral",),
        ),
    }


def test_a_time_window_counts_every_account(seeded_log, dpo, siti, dimas, nabila):
    breach = record(dpo, seeded_log, scope=Scope.WINDOW)
    events = {pk: row[0] for pk, row in answer(breach).items()}
    # Pak Budi's view of Dimas counts now; the denial, login and change still do not.
    assert events == {siti.counselee.pk: 3, nabila.counselee.pk: 2, dimas.counselee.pk: 2}


def test_through_a_record_counts_that_student_or_that_object_alone(seeded_log, dpo, siti, dimas):
    by_student = record(dpo, seeded_log, scope=Scope.RECORD, scope_counselee=dimas.counselee)
    assert {pk: row[0] for pk, row in answer(by_student).items()} == {dimas.counselee.pk: 2}
    by_object = record(
        dpo,
        seeded_log,
        scope=Scope.RECORD,
        scope_object_type="counseling_sessions.sessionnote",
        scope_object_id="note-1",
    )
    # The view of the note; its change (an update) is not an exposure.
    assert {pk: row[0] for pk, row in answer(by_object).items()} == {siti.counselee.pk: 1}


def test_a_window_with_no_entries_exposes_nobody(seeded_log, dpo, bu_rina):
    later = seeded_log.start + datetime.timedelta(hours=4, minutes=30)
    breach = record(
        dpo,
        seeded_log,
        scope=Scope.ACCOUNT,
        scope_account=bu_rina,
        occurred_from=later,
        occurred_to=later + datetime.timedelta(minutes=10),
    )
    assert exposure.compute(breach) == []


def test_what_counts_as_exposure_is_the_documented_list():
    Action = exposure.Action
    assert {
        Action.VIEW,
        Action.EXPORT,
        Action.DISCLOSE,
        Action.EMERGENCY_ACCESS,
        Action.COPY_DOWNLOADED,
    } == exposure.EXPOSING_ACTIONS
    for action in exposure.EXPOSING_ACTIONS:
        assert f"`{action.value}`" in exposure.__doc__


def test_the_window_a_person_types_includes_its_last_minute(dpo):
    from counseling.breaches.forms import BreachForm

    form = BreachForm(
        {
            "description": "Laptop hilang.",
            "how_found": "Dilaporkan.",
            "handling": "Kata sandi diganti.",
            "occurred_from": "2026-11-30T08:00",
            "occurred_to": "2026-11-30T10:30",
            "discovered_at": "2026-11-30T12:00",
            "scope": "window",
        },
        user=dpo,
    )
    assert form.is_valid(), form.errors
    end = form.cleaned_data["occurred_to"]
    assert (end.hour, end.minute, end.second) == (10, 30, 59)
