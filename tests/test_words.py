"""One voice in each language: no English in the Indonesian pages, no Indonesian in the
English ones; "kamu" to students, "Anda" to staff; each language named in itself."""

import re

from django.urls import reverse

from sessions import bookings
from tests.conftest import slot_at


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_the_language_picker_names_each_language_in_itself(client, db):
    page = client.get(reverse("login")).text
    assert ">Bahasa Indonesia</option>" in page
    assert ">English</option>" in page
    assert "Inggris" not in page


def test_the_admin_site_speaks_english_in_english(client_for, admin, siti):
    client = _english(client_for(admin))
    index = client.get(reverse("admin:index")).text
    assert "Akun" not in index and "Accounts" in index
    changelist = client.get(reverse("admin:records_caseassignment_changelist")).text
    assert "Akhiri penugasan terpilih" not in changelist
    assert "End the selected assignments" in changelist


def test_the_access_log_shows_roles_in_the_pages_language(client_for, admin, siti, bu_rina):
    from counseling.audit import log

    log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    page = client_for(admin).get(reverse("audit-log")).text
    assert "(counselor)" not in page and "counselor<" not in page


def test_the_reschedule_page_has_no_double_period(client_for, siti, bu_rina, rina_hours):
    bu_rina.full_name = "Rina Wulandari, M.Pd."
    bu_rina.save(update_fields=["full_name"])
    booking = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti)
    page = client_for(siti).get(reverse("booking-reschedule", args=[booking.public_id])).text
    assert "M.Pd.." not in page


STUDENT_PAGES = ["student-dashboard", "book", "my-bookings", "my-access-log", "consent"]


def test_students_are_addressed_as_kamu(client_for, siti, rina_hours):
    client = client_for(siti)
    for name in STUDENT_PAGES:
        page = client.get(reverse(name), follow=True).text
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        assert not re.search(r"\bAnda\b", main), name
        assert not re.search(r"\bAnda\b", page.split('id="idle-warning"', 1)[1]), name


def test_a_finished_session_reads_started_and_ended_in_english(client_for, siti, bu_rina):
    from sessions import services

    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    services.start_session(session, by=bu_rina, limits_explained=True)
    services.complete_session(session, by=bu_rina)
    page = _english(client_for(bu_rina)).get(reverse("session-detail", args=[session.public_id]))
    assert "<dt>Ended</dt>" in page.text
    assert "Expires" not in page.text
