"""The copy's pages: the counselor's review and release, her links, the download."""

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent
from counseling.rights import copies
from counseling.rights.models import CopyLink, DataRequest, WithheldNote
from tests.rights.conftest import FIRST, WITHHELD, pdf_text


def review_url(data_request, name="copy-review"):
    return reverse(name, args=[data_request.public_id])


def test_the_counselor_sees_every_final_note_with_a_reason_to_choose(
    client_for, bu_rina, copy_request, story
):
    response = client_for(bu_rina).get(review_url(copy_request))

    assert response.status_code == 200
    page = response.content.decode()
    assert "tekanan ujian bersama Dimas Pratama" in page  # she reviews the unredacted text
    assert WITHHELD in page
    assert "Draf yang belum" not in page
    assert str(WithheldNote.Reason.ENDANGERS_OTHERS.label) in page
    assert "no-store" in response["Cache-Control"]


def test_the_request_page_leads_her_counselor_to_the_review(client_for, bu_rina, copy_request):
    page = client_for(bu_rina).get(reverse("data-request", args=[copy_request.public_id]))
    assert review_url(copy_request) in page.content.decode()


def test_the_preview_counts_without_releasing(client_for, bu_rina, copy_request, story):
    data = {f"withhold-{story['withheld'].public_id}": "endangers_student", "phrases": "ujian"}
    response = client_for(bu_rina).post(review_url(copy_request, "copy-preview"), data)

    assert response.status_code == 200
    assert response.context["counts"].notes_withheld == 1
    assert response.context["counts"].notes_released == 2
    copy_request.refresh_from_db()
    assert copy_request.status == DataRequest.Status.RECEIVED


def test_release_withholds_the_chosen_note_and_returns_to_the_request(
    client_for, bu_rina, copy_request, story
):
    page = client_for(bu_rina).get(review_url(copy_request, "copy-review"))
    data = {
        f"withhold-{story['withheld'].public_id}": "endangers_student",
        "phrases": "",
        "reviewed": page.context["reviewed"],
    }
    response = client_for(bu_rina).post(review_url(copy_request, "copy-release"), data)

    assert response.status_code == 302
    copy_request.refresh_from_db()
    assert copy_request.status == DataRequest.Status.DONE
    assert WithheldNote.objects.get().note == story["withheld"]


def test_a_bad_reason_is_answered_on_the_page(client_for, bu_rina, copy_request, story):
    data = {f"withhold-{story['withheld'].public_id}": "nope"}
    response = client_for(bu_rina).post(review_url(copy_request, "copy-release"), data)
    assert response.status_code == 200
    assert response.context["errors"]


@pytest.mark.parametrize("name", ["copy-review", "copy-preview", "copy-release"])
def test_an_outsider_counselor_gets_404(client_for, pak_budi, copy_request, name):
    client = client_for(pak_budi)
    response = (
        client.get(review_url(copy_request))
        if name == "copy-review"
        else client.post(review_url(copy_request, name), {})
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["copy-review", "copy-preview", "copy-release"])
def test_the_student_and_the_dpo_cannot_review(client_for, siti, copy_request, name):
    client = client_for(siti)
    response = (
        client.get(review_url(copy_request))
        if name == "copy-review"
        else client.post(review_url(copy_request, name), {})
    )
    assert response.status_code == 404


def test_the_review_refuses_the_wrong_methods(client_for, bu_rina, copy_request):
    client = client_for(bu_rina)
    assert client.post(review_url(copy_request), {}).status_code == 405
    assert client.get(review_url(copy_request, "copy-preview")).status_code == 405
    assert client.get(review_url(copy_request, "copy-release")).status_code == 405


def test_her_page_shows_the_withheld_note_its_reason_and_the_downloads(client_for, siti, released):
    page = client_for(siti).get(reverse("data-request", args=[released.public_id])).content
    page = page.decode()
    assert str(WithheldNote.Reason.ENDANGERS_STUDENT.label) in page
    assert WITHHELD not in page
    assert reverse("copy-link", args=[released.public_id, "pdf"]) in page
    assert reverse("copy-link", args=[released.public_id, "json"]) in page


def test_she_gets_a_link_and_downloads_her_pdf_once(client_for, siti, released):
    client = client_for(siti)
    page = client.post(reverse("copy-link", args=[released.public_id, "pdf"]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    url = reverse("copy-download", args=[page.context["token"]])
    assert url in page.content.decode()

    file = client.get(url)

    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"].startswith("attachment;")
    assert "no-store" in file["Cache-Control"]
    assert FIRST.split(" bersama")[0] in pdf_text(file.content)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.COPY_DOWNLOADED).count() == 1

    again = client.get(url)
    assert again.status_code == 410
    text = again.content.decode()
    assert "Tautan ini sudah dipakai pada" in text
    assert "ajukan permintaan salinan lagi" in text


def test_her_json_is_an_attachment_too(client_for, siti, released):
    client = client_for(siti)
    token = client.post(reverse("copy-link", args=[released.public_id, "json"])).context["token"]
    file = client.get(reverse("copy-download", args=[token]))
    assert file["Content-Type"] == "application/json"
    assert file["Content-Disposition"].startswith("attachment;")
    assert file.json()["format"] == "amanah-copy"


def test_an_expired_link_says_so(client_for, siti, released):
    from django.utils import timezone

    token = copies.issue_link(released, by=siti, format="pdf")
    CopyLink.objects.update(expires_at=timezone.now())
    response = client_for(siti).get(reverse("copy-download", args=[token]))
    assert response.status_code == 410
    assert "kedaluwarsa" in response.content.decode()


def test_her_link_followed_by_someone_else_is_404(client_for, siti, dimas, bu_rina, released):
    token = copies.issue_link(released, by=siti, format="pdf")
    url = reverse("copy-download", args=[token])
    assert client_for(dimas).get(url).status_code == 404
    assert client_for(bu_rina).get(url).status_code == 404
    assert CopyLink.objects.get().used_at is None


def test_links_are_hers_alone(client_for, dimas, bu_rina, released):
    url = reverse("copy-link", args=[released.public_id, "pdf"])
    assert client_for(dimas).post(url).status_code == 404
    assert client_for(bu_rina).post(url).status_code == 404


def test_link_and_download_refuse_the_wrong_methods(client_for, siti, released):
    client = client_for(siti)
    assert client.get(reverse("copy-link", args=[released.public_id, "pdf"])).status_code == 405
    token = copies.issue_link(released, by=siti, format="pdf")
    assert client.post(reverse("copy-download", args=[token])).status_code == 405


def test_an_unknown_format_is_refused(client_for, siti, released):
    response = client_for(siti).post(reverse("copy-link", args=[released.public_id, "xml"]))
    assert response.status_code == 302
    assert not CopyLink.objects.exists()
