"""The breach pages: who opens and posts what, and what they show."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.breaches import services
from counseling.breaches.forms import NO_STUDENT_CONTENT
from counseling.breaches.models import Breach, BreachNotice

from .conftest import record

Audience = BreachNotice.Audience


@pytest.fixture
def breach(seeded_log, dpo):
    breach = record(dpo, seeded_log)
    services.compute_exposure(breach, by=dpo)
    return breach


@pytest.fixture
def people(siti, dimas, bu_rina, admin, dpo, bu_wati):
    return {
        "student": siti,
        "other_student": dimas,
        "counselor": bu_rina,
        "admin": admin,
        "dpo": dpo,
        "teacher": bu_wati,
    }


def pages(breach, siti):
    letter = breach.notices.get(audience=Audience.STUDENT, counselee=siti.counselee)
    return {
        reverse("breach-list"): {"admin", "dpo"},
        reverse("breach-new"): {"admin", "dpo"},
        reverse("breach-detail", args=[breach.public_id]): {"admin", "dpo"},
        # A draft: not hers yet.
        reverse("breach-letter", args=[letter.public_id]): {"admin", "dpo"},
    }


@pytest.mark.parametrize(
    "role", ["student", "other_student", "counselor", "admin", "dpo", "teacher", "anonymous"]
)
def test_only_the_dpo_and_admins_open_the_breach_pages(client, client_for, people, breach, role):
    for url, allowed in pages(breach, people["student"]).items():
        if role == "anonymous":
            response = client.get(url)
            assert response.status_code == 302 and "login" in response["Location"]
            continue
        response = client_for(people[role]).get(url)
        assert response.status_code == (200 if role in allowed else 404), url


def test_an_unknown_breach_is_a_plain_404(client_for, dpo):
    unknown = "00000000-0000-4000-8000-000000000000"
    client = client_for(dpo)
    assert client.get(reverse("breach-detail", args=[unknown])).status_code == 404
    assert client.get(reverse("breach-letter", args=[unknown])).status_code == 404


@pytest.mark.parametrize("name", ["breach-compute", "breach-letter-sent"])
def test_changes_take_post_only(client_for, dpo, breach, name):
    target = breach if name == "breach-compute" else breach.notices.first()
    assert client_for(dpo).get(reverse(name, args=[target.public_id])).status_code == 405


@pytest.mark.parametrize("name", ["breach-list", "breach-detail"])
def test_read_only_pages_reject_post(client_for, dpo, breach, name):
    args = [breach.public_id] if name == "breach-detail" else []
    assert client_for(dpo).post(reverse(name, args=args)).status_code == 405


def test_a_counselor_cannot_compute_or_mark_sent(client_for, bu_rina, breach):
    client = client_for(bu_rina)
    letter = breach.notices.first()
    assert client.post(reverse("breach-compute", args=[breach.public_id])).status_code == 404
    assert client.post(reverse("breach-letter-sent", args=[letter.public_id])).status_code == 404
    letter.refresh_from_db()
    assert not letter.is_sent


def test_the_form_tells_the_dpo_not_to_write_students_names_or_words(client_for, dpo):
    page = client_for(dpo).get(reverse("breach-new")).content.decode()
    assert str(NO_STUDENT_CONTENT).split(".")[0] in page
    assert 'id="id_description_helptext"' in page


def test_the_dpo_records_a_breach_through_the_form(client_for, dpo, bu_rina):
    now = timezone.localtime().replace(second=0, microsecond=0)
    response = client_for(dpo).post(
        reverse("breach-new"),
        {
            "description": "Laptop hilang.",
            "how_found": "Dilaporkan pemiliknya.",
            "handling": "Kata sandi diganti.",
            "occurred_from": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "occurred_to": now.strftime("%Y-%m-%dT%H:%M"),
            "discovered_at": now.strftime("%Y-%m-%dT%H:%M"),
            "scope": "account",
            "account": bu_rina.username,
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("breach-detail", args=[breach.public_id])
    assert breach.scope_account == bu_rina and breach.recorded_by == dpo


def test_an_account_scope_needs_a_known_account(client_for, dpo):
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client_for(dpo).post(
        reverse("breach-new"),
        {
            "description": "x",
            "how_found": "x",
            "handling": "x",
            "occurred_from": now,
            "occurred_to": now,
            "discovered_at": now,
            "scope": "account",
            "account": "nobody",
        },
    )
    assert response.status_code == 400 and not Breach.objects.exists()


def test_the_detail_lists_students_and_letters_in_constant_queries(
    client_for, dpo, breach, django_assert_num_queries
):
    client = client_for(dpo)
    url = reverse("breach-detail", args=[breach.public_id])
    client.get(url)
    with django_assert_num_queries(7):
        page = client.get(url).content.decode()
    assert "Siti Nurhaliza" in page and "Draf" in page
    assert "Surat ke lembaga pelindungan data pribadi" in page


def test_the_list_shows_open_breaches_with_their_clock(
    client_for, admin, breach, django_assert_num_queries
):
    client = client_for(admin)
    client.get(reverse("breach-list"))
    with django_assert_num_queries(6):
        page = client.get(reverse("breach-list")).content.decode()
    assert reverse("breach-detail", args=[breach.public_id]) in page
    assert "Batas" in page


def test_marking_sent_through_the_page(client_for, dpo, siti, breach):
    letter = breach.notices.get(audience=Audience.STUDENT, counselee=siti.counselee)
    response = client_for(dpo).post(reverse("breach-letter-sent", args=[letter.public_id]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.marked_sent_by == dpo


def test_a_student_reads_her_own_letter_once_sent_and_no_one_elses(
    client, client_for, dpo, siti, dimas, breach
):
    hers = breach.notices.get(audience=Audience.STUDENT, counselee=siti.counselee)
    his = breach.notices.get(audience=Audience.STUDENT, counselee=dimas.counselee)
    guardian = breach.notices.get(audience=Audience.GUARDIAN, counselee=siti.counselee)
    for letter in (hers, his, guardian):
        services.mark_notice_sent(letter, by=dpo)
    client = client_for(siti)
    page = client.get(reverse("breach-letter", args=[hers.public_id]))
    assert page.status_code == 200
    assert "Data pribadimu yang terungkap" in page.content.decode()
    assert "Tandai terkirim" not in page.content.decode()
    assert client.get(reverse("breach-letter", args=[his.public_id])).status_code == 404
    assert client.get(reverse("breach-letter", args=[guardian.public_id])).status_code == 404
    # Her inbox holds the fixed headline and the link to this page, nothing else.
    inbox = client.get(reverse("inbox")).content.decode()
    assert "kegagalan pelindungan datamu" in inbox
    assert "Laptop sekolah" not in inbox
