"""The pages of "Data saya" and the DPO's decisions: who opens and posts what."""

import json

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent
from counseling.rights import services
from counseling.rights.models import DataRequest
from sessions.models import NoteAddendum

Kind = DataRequest.Kind


@pytest.fixture
def people(siti, dimas, bu_rina, pak_budi, admin, bu_wati, dpo):
    return {
        "student": siti,
        "other_student": dimas,
        "counselor": bu_rina,
        "other_counselor": pak_budi,
        "admin": admin,
        "teacher": bu_wati,
        "dpo": dpo,
    }


@pytest.fixture
def objection(siti, dpo):
    return services.make_request(
        siti.counselee, by=siti, kind=Kind.OBJECTION, details="Keberatan Siti soal wali kelas."
    )


STUDENT_PAGES = [
    reverse("my-data"),
    reverse("data-request-new", args=["copy"]),
    reverse("data-request-new", args=["erasure"]),
    reverse("data-note-view"),
]


@pytest.mark.parametrize("path", STUDENT_PAGES)
@pytest.mark.parametrize(
    "role", ["student", "counselor", "admin", "teacher", "dpo", "other_counselor"]
)
def test_only_a_student_opens_her_data_pages(client_for, people, path, role):
    response = client_for(people[role]).get(path)
    assert response.status_code == (200 if role == "student" else 404)


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("my-data"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unknown_kind_is_not_found(client_for, siti):
    assert client_for(siti).get(reverse("data-request-new", args=["nothing"])).status_code == 404


@pytest.mark.parametrize(
    "role, status",
    [
        ("student", 200),
        ("counselor", 200),
        ("dpo", 200),
        ("other_student", 404),
        ("other_counselor", 404),
        ("admin", 404),
        ("teacher", 404),
    ],
)
def test_who_reads_a_request(client_for, people, objection, role, status):
    response = client_for(people[role]).get(reverse("data-request", args=[objection.public_id]))
    assert response.status_code == status
    if status == 200:
        assert "Keberatan Siti soal wali kelas." in response.content.decode()
        assert AccessEvent.objects.filter(
            action=AccessEvent.Action.VIEW,
            actor=people[role],
            object_id=str(objection.public_id),
        ).exists()
    else:
        assert "soal wali kelas" not in response.content.decode()


@pytest.mark.parametrize("role", ["counselor", "dpo"])
def test_the_handlers_list(client_for, people, objection, role):
    response = client_for(people[role]).get(reverse("data-request-list"))
    assert response.status_code == 200
    assert str(objection.public_id) in response.content.decode()
    # The list is metadata: kind, name, clock; never what she wrote.
    assert "soal wali kelas" not in response.content.decode()


@pytest.mark.parametrize("role", ["student", "admin", "teacher", "other_counselor"])
def test_others_do_not_see_the_list_or_its_rows(client_for, people, objection, role):
    response = client_for(people[role]).get(reverse("data-request-list"))
    assert response.status_code == 404 or str(objection.public_id) not in response.content.decode()


def test_she_asks_for_a_correction_from_her_phone_form(client_for, siti, dpo):
    response = client_for(siti).post(
        reverse("data-request-new", args=["correction"]),
        {"class_name": "X-3", "details": "Aku pindah kelas."},
    )
    data_request = DataRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("data-request", args=[data_request.public_id])
    assert json.loads(data_request.proposed) == {"class_name": "X-3"}


def test_an_empty_correction_says_what_to_fill_in(client_for, siti):
    response = client_for(siti).post(reverse("data-request-new", args=["correction"]), {})
    assert response.status_code == 200
    assert "Isi paling sedikit satu data" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_an_erasure_request_asks_her_to_confirm_she_understands(client_for, siti):
    response = client_for(siti).post(reverse("data-request-new", args=["erasure"]), {})
    assert response.status_code == 200 and not DataRequest.objects.exists()
    client_for(siti).post(reverse("data-request-new", args=["erasure"]), {"understood": "on"})
    assert DataRequest.objects.get().kind == Kind.ERASURE


def test_her_view_of_a_note_from_the_form(client_for, siti, siti_note):
    response = client_for(siti).post(
        reverse("data-note-view"), {"note": str(siti_note.public_id), "view": "Tidak begitu."}
    )
    assert response.status_code == 302
    assert NoteAddendum.objects.get(note=siti_note).author == siti


def test_the_dpo_decides_from_the_request_page(client_for, siti, dpo, objection):
    url = reverse("data-request-decide", args=[objection.public_id])
    assert client_for(dpo).get(url).status_code == 405
    response = client_for(dpo).post(url, {"decision": "refuse"})
    assert response.status_code == 400
    assert "Pilih dasar penolakan" in response.content.decode()
    response = client_for(dpo).post(
        url, {"decision": "refuse", "ground": "not_applicable", "answer": "Tidak ada."}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == DataRequest.Status.REFUSED


@pytest.mark.parametrize("role", ["student", "counselor", "admin"])
def test_nobody_but_the_dpo_posts_a_decision(client_for, people, objection, role):
    url = reverse("data-request-decide", args=[objection.public_id])
    response = client_for(people[role]).post(url, {"decision": "grant", "answer": "x"})
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.is_open


def test_she_withdraws_from_her_request_page(client_for, siti, dimas, objection):
    url = reverse("data-request-withdraw", args=[objection.public_id])
    assert client_for(siti).get(url).status_code == 405
    assert client_for(dimas).post(url).status_code == 404
    assert client_for(siti).post(url).status_code == 302
    objection.refresh_from_db()
    assert objection.status == DataRequest.Status.WITHDRAWN


def test_she_ends_her_restriction_from_data_saya(client_for, siti, dpo):
    restriction = services.make_request(siti.counselee, by=siti, kind=Kind.RESTRICTION)
    services.decide(restriction, by=dpo, grant=True)
    page = client_for(siti).get(reverse("my-data")).content.decode()
    assert "Pemrosesan datamu sedang dibatasi" in page
    assert client_for(siti).post(reverse("end-restriction")).status_code == 302
    siti.counselee.refresh_from_db()
    assert siti.counselee.processing_restricted_at is None


def test_her_access_page_tells_each_step_of_her_request(client_for, siti, dpo, objection):
    client_for(dpo).get(reverse("data-request", args=[objection.public_id]))
    services.decide(objection, by=dpo, grant=True, answer="Dijawab.")
    page = client_for(siti).get(reverse("my-access-log")).content.decode()
    assert "Larasati Putri (Petugas pelindungan data)" in page
    assert "membuka permintaanmu tentang datamu" in page
    assert "memutus permintaan hak atas data: permintaanmu tentang datamu" in page


def test_a_restricted_student_is_told_why_she_cannot_book(
    client_for, siti, bu_rina, dpo, rina_hours
):
    from sessions import bookings
    from tests.conftest import slot_at

    restriction = services.make_request(siti.counselee, by=siti, kind=Kind.RESTRICTION)
    services.decide(restriction, by=dpo, grant=True)
    response = client_for(siti).get(reverse("book"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my-data")
    assert "Pemrosesan datamu sedang dibatasi atas permintaanmu" in response.content.decode()
    siti.counselee.refresh_from_db()
    with pytest.raises(bookings.BookingRefused, match="dibatasi"):
        bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti)


def test_the_decision_page_shown_again_records_the_look(client_for, dpo, objection):
    url = reverse("data-request-decide", args=[objection.public_id])
    response = client_for(dpo).post(url, {"decision": "refuse"})
    assert response.status_code == 400
    assert "Keberatan Siti soal wali kelas." in response.content.decode()
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.VIEW, actor=dpo, object_id=str(objection.public_id)
    ).exists()
