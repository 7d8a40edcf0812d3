"""A new consent version never breaks live work.

Before, publishing one sent every student to the consent page before she could book, and
the admin published blind. Now booking stays open, the new version is asked for before
the next session starts (never in the middle of one), the admin sees a preview, the
changes and the counts first, and students see what changed above the text.
"""

import pytest
from django.urls import reverse

from consent import services
from consent.changes import changed_sections
from consent.models import ConsentDocument
from sessions import bookings
from sessions import services as session_services
from tests.conftest import acknowledge, time_has_come

V1_BODY = (
    "Pembuka.\n\n## Apa itu konseling?\n\nWaktu bicara.\n\n## Batas kerahasiaan\n\nEmpat keadaan."
)
V2_BODY = (
    "Pembuka.\n\n## Apa itu konseling?\n\nWaktu bicara.\n\n## Batas kerahasiaan\n\n"
    "Empat keadaan, dan satu lagi.\n\n## Berapa lama catatan disimpan\n\nTiga tahun."
)


@pytest.fixture
def v2_draft(consent_v1):
    return ConsentDocument.objects.create(
        version=2,
        title_id="Persetujuan v2",
        body_id=V2_BODY,
        title_en="Consent v2",
        body_en="Opening.\n\n## Limits\n\nFive cases.",
    )


@pytest.fixture
def v2(v2_draft, admin):
    services.publish(v2_draft, by=admin)
    return v2_draft


def test_the_changed_sections_are_named():
    changes = changed_sections(V1_BODY, V2_BODY)
    assert [(c.heading, c.kind) for c in changes] == [
        ("Batas kerahasiaan", "changed"),
        ("Berapa lama catatan disimpan", "new"),
    ]


def test_a_student_who_accepted_an_earlier_version_still_books(client_for, siti, v2, rina_hours):
    client = client_for(siti)
    assert client.get(reverse("home"))["Location"] == reverse("student-dashboard")
    assert client.get(reverse("book")).status_code in (200, 302)
    slots = client.get(reverse("book-slots", args=["bu_rina"]))
    assert slots.status_code == 200
    dashboard = client.get(reverse("student-dashboard")).text
    assert "Ada versi baru" in dashboard


def test_she_sees_what_changed_above_the_text(client_for, siti, consent_v1, admin):
    consent_v1_text = consent_v1.body_id
    v2 = ConsentDocument.objects.create(
        version=2,
        title_id="v2",
        body_id=consent_v1_text + "\n\n## Bagian baru\n\nTeks baru.",
        title_en="v2",
        body_en=consent_v1.body_en,
    )
    services.publish(v2, by=admin)
    page = client_for(siti).get(reverse("consent")).text
    assert "Yang berubah sejak versi 1 yang kamu setujui" in page
    assert page.index("Bagian baru") < page.index('class="document"')
    acknowledge(siti, v2)
    assert "Yang berubah" not in client_for(siti).get(reverse("consent")).text


def test_a_session_in_progress_is_written_up_to_its_end(siti, bu_rina, admin, v2_draft):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    session_services.start_session(session, by=bu_rina, limits_explained=True)
    services.publish(v2_draft, by=admin)
    note = session_services.write_note(session, by=bu_rina, body="Ditulis setelah v2 terbit.")
    session_services.finalise_note(note, by=bu_rina)
    session_services.complete_session(session, by=bu_rina)


def test_the_next_session_waits_for_the_new_version(siti, bu_rina, siti_booking, v2):
    bookings.confirm(siti_booking, by=bu_rina)
    siti_booking.refresh_from_db()
    session = time_has_come(siti_booking.session)
    with pytest.raises(services.ConsentRequired):
        session_services.start_session(session, by=bu_rina, limits_explained=True)
    acknowledge(siti, v2)
    session_services.start_session(session, by=bu_rina, limits_explained=True)


def test_the_admin_previews_the_changes_and_counts_before_publishing(
    client_for, admin, siti, dimas, bu_rina, siti_booking, v2_draft
):
    bookings.confirm(siti_booking, by=bu_rina)
    client = client_for(admin)
    url = reverse("admin:consent_consentdocument_publish", args=[v2_draft.pk])

    page = client.get(url)

    assert page.status_code == 200
    text = page.text
    assert "2 siswa aktif akan diminta" in text
    assert "1 sesi terjadwal" in text
    assert "Tiga tahun." in text  # the preview
    assert 'class="diff-added">+ Empat keadaan, dan satu lagi.' in text
    assert 'class="diff-removed">' in text
    assert services.current_document().version == 1

    client.post(url)
    assert services.current_document() == v2_draft


def test_only_an_admin_reaches_the_preview(client_for, bu_rina, siti, v2_draft):
    url = reverse("admin:consent_consentdocument_publish", args=[v2_draft.pk])
    for user in (bu_rina, siti):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url).status_code == 404
    assert not ConsentDocument.objects.get(pk=v2_draft.pk).is_published
