from django.urls import reverse

from sessions import cases


def record_url(student):
    return reverse("counselee-detail", args=[student.counselee.public_id])


def test_the_assigned_counselor_reads_the_whole_record(client_for, siti, bu_rina):
    response = client_for(bu_rina).get(record_url(siti))
    assert response.status_code == 200
    assert "Sering cemas menjelang ujian." in response.text
    # Her guardians' contact is on a page of its own (counseling.guardians).
    assert reverse("guardians", args=[siti.counselee.public_id]) in response.text


def test_the_student_sees_her_record_but_not_the_counselors_notes(client_for, siti):
    response = client_for(siti).get(record_url(siti))
    assert response.status_code == 200
    assert "1001" in response.text
    assert "Sering cemas menjelang ujian." not in response.text
    # Guardians' contact is for her counselor and the admin.
    assert reverse("guardians", args=[siti.counselee.public_id]) not in response.text


def test_an_ended_assignment_ends_the_counselors_access(client_for, siti, bu_rina, admin):

    cases.end_assignment(siti.counselee.assignments.get(), by=admin)
    assert client_for(bu_rina).get(record_url(siti)).status_code == 404


def test_html_in_a_record_is_shown_as_text(client_for, siti, bu_rina):
    siti.counselee.background_notes = "<script>alert('x')</script>"
    siti.counselee.save()
    response = client_for(bu_rina).get(record_url(siti))
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_the_page_title_holds_the_name_only(client_for, siti, bu_rina):
    # Browsers keep titles in their history, on shared school computers.
    response = client_for(bu_rina).get(record_url(siti))
    title = response.text.split("<title>")[1].split("</title>")[0]
    assert title == "Siti Nurhaliza · Amanah"
