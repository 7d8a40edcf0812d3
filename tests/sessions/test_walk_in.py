"""A walk-in session recorded from the counselee's record page."""

from django.urls import reverse

from sessions.models import CounselingSession

WALK_IN = {"mode": "face_to_face", "place": "Ruang BK", "minutes": "45"}


def walk_in_url(student):
    return reverse("walk-in-create", args=[student.counselee.public_id])


def record_url(student):
    return reverse("counselee-detail", args=[student.counselee.public_id])


def test_the_record_page_offers_the_walk_in_form_to_her_counselor(client_for, siti, bu_rina):
    response = client_for(bu_rina).get(record_url(siti))
    assert walk_in_url(siti) in response.text


def test_the_record_page_hides_the_walk_in_form_under_emergency_access(client_for, siti, pak_eko):
    response = client_for(pak_eko).get(record_url(siti))
    assert response.status_code == 200
    assert walk_in_url(siti) not in response.text


def test_the_student_sees_no_walk_in_form_on_her_own_record(client_for, siti):
    response = client_for(siti).get(record_url(siti))
    assert response.status_code == 200
    assert walk_in_url(siti) not in response.text


def test_a_walk_in_creates_a_session_and_opens_it(client_for, siti, bu_rina):
    response = client_for(bu_rina).post(walk_in_url(siti), WALK_IN)

    session = CounselingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("session-detail", args=[session.public_id])
    assert session.counselee == siti.counselee
    assert session.counselor == bu_rina
    assert session.place == "Ruang BK"
    assert session.status == CounselingSession.Status.SCHEDULED


def test_an_invalid_walk_in_is_sent_back_with_errors(client_for, siti, bu_rina):
    response = client_for(bu_rina).post(walk_in_url(siti), {**WALK_IN, "minutes": "2"})
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert CounselingSession.objects.count() == 0


def test_another_counselor_cannot_record_a_walk_in_for_siti(client_for, siti, pak_budi):
    response = client_for(pak_budi).post(walk_in_url(siti), WALK_IN)
    assert response.status_code == 404
    assert CounselingSession.objects.count() == 0
