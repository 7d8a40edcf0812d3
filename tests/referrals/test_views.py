"""The referral pages: every role against every page and answer, in each state."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.records.models import CaseAssignment
from counseling.referrals.models import Referral
from tests.conftest import login
from tests.referrals.conftest import FIRST, REASON_TEXT, SECOND, SUMMARY, propose

ROLES = ["siti", "dimas", "bu_rina", "bu_lama", "pak_konflik", "pak_eko", "pak_budi", "admin"]
Status = Referral.Status


@pytest.fixture
def people(request, siti, dimas, bu_rina, bu_lama, pak_konflik, pak_eko, pak_budi, admin):
    return {name: request.getfixturevalue(name) for name in ROLES}


# state -> the roles that may open the referral's page.
READERS = {
    "proposed": {"siti", "bu_rina"},
    "student_accepted": {"siti", "bu_rina", "pak_budi"},
    "handed_over": {"siti", "bu_rina", "pak_budi"},
}


@pytest.mark.parametrize("state", READERS)
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_each_role_opens_only_the_referrals_it_may_know(request, client, people, state, role):
    referral = request.getfixturevalue(state)
    url = reverse("referral-detail", args=[referral.public_id])
    if role == "anonymous":
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    login(client, people[role])
    response = client.get(url)
    if role in READERS[state]:
        assert response.status_code == 200
        assert SUMMARY in response.text
    else:
        assert response.status_code == 404
        assert SUMMARY not in response.text
        denial = AccessEvent.objects.order_by("-id").first()
        assert denial.action == AccessEvent.Action.DENIED


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_each_role_only_its_referrals(client, people, student_accepted, role):
    login(client, people[role])
    response = client.get(reverse("referral-list"))
    if role in ("siti", "dimas", "bu_rina", "bu_lama", "pak_konflik", "pak_eko", "pak_budi"):
        assert response.status_code == 200
        listed = str(student_accepted.public_id) in response.text
        assert listed == (role in {"siti", "bu_rina", "pak_budi"})
    else:
        assert response.status_code == 404


def test_the_student_sees_who_why_and_what_and_not_the_counselors_reason(
    client, proposed, siti, history
):
    login(client, siti)
    response = client.get(reverse("referral-detail", args=[proposed.public_id]))
    assert "Budi Hartono" in response.text
    assert "konflik kepentingan" in response.text  # the reason, in her words
    assert REASON_TEXT not in response.text
    assert SUMMARY in response.text
    assert str(history["first"].public_id) in response.text  # a box per shared session
    assert FIRST not in response.text and SECOND not in response.text
    assert str(history["draft"].session.public_id) not in response.text


def test_the_receiver_reads_the_reason_and_summary_only_after_the_student_accepted(
    client, student_accepted, pak_budi, history
):
    login(client, pak_budi)
    response = client.get(reverse("referral-detail", args=[student_accepted.public_id]))
    assert REASON_TEXT in response.text and SUMMARY in response.text
    session = client.get(reverse("session-detail", args=[history["first"].public_id]))
    assert session.status_code == 404


def test_one_internal_referral_from_proposal_to_the_receiver_reading_the_notes(
    client, siti, bu_rina, pak_budi, history
):
    login(client, bu_rina)
    create = reverse("referral-create", args=[siti.counselee.public_id])
    page = client.get(create)
    assert page.status_code == 200
    assert "Budi Hartono" in page.text
    response = client.post(
        create,
        {
            "to_counselor": pak_budi.pk,
            "reason": Referral.Reason.SPECIALIST,
            "reason_text": REASON_TEXT,
            "summary": SUMMARY,
            "scope": Referral.Scope.CHOSEN,
            "sessions": [str(history["first"].public_id), str(history["second"].public_id)],
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == Status.WAITING_STUDENT

    login(client, siti)
    dashboard = client.get(reverse("student-dashboard"))
    assert reverse("referral-detail", args=[referral.public_id]) in dashboard.text
    client.post(
        reverse("referral-student-answer", args=[referral.public_id]),
        {"answer": "accept", "sessions": [str(history["second"].public_id)]},
    )
    referral.refresh_from_db()
    assert referral.status == Status.WAITING_RECEIVER

    login(client, pak_budi)
    client.post(
        reverse("referral-receiver-answer", args=[referral.public_id]), {"answer": "accept"}
    )
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    second = client.get(reverse("session-detail", args=[history["second"].public_id]))
    assert second.status_code == 200
    assert SECOND in second.text
    first = client.get(reverse("session-detail", args=[history["first"].public_id]))
    assert FIRST not in first.text  # left out by the student

    login(client, siti)
    log_page = client.get(reverse("my-access-log"))
    assert "alih tangan kasusmu" in log_page.text
    assert "Budi Hartono" in log_page.text


def test_the_referring_counselor_sees_a_read_only_record(client, handed_over, siti, bu_rina):
    login(client, bu_rina)
    record = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert record.status_code == 200
    assert "hanya baca" in record.text
    assert reverse("referral-create", args=[siti.counselee.public_id]) not in record.text
    assert (
        client.get(reverse("referral-create", args=[siti.counselee.public_id])).status_code == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_the_counselor_on_the_case_opens_the_proposal_page(client, people, siti, role):
    login(client, people[role])
    response = client.get(reverse("referral-create", args=[siti.counselee.public_id]))
    assert response.status_code == (200 if role == "bu_rina" else 404)


def test_the_proposal_form_lists_no_conflicted_receiver(client, siti, bu_rina, pak_konflik):
    login(client, bu_rina)
    response = client.get(reverse("referral-create", args=[siti.counselee.public_id]))
    assert "Konrad Flik" not in response.text
    posted = client.post(
        reverse("referral-create", args=[siti.counselee.public_id]),
        {
            "to_counselor": pak_konflik.pk,
            "reason": Referral.Reason.WORKLOAD,
            "summary": SUMMARY,
            "scope": Referral.Scope.SUMMARY,
        },
    )
    assert posted.status_code == 200
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "page", ["referral-student-answer", "referral-receiver-answer", "referral-withdraw"]
)
def test_answers_reject_get(client, proposed, siti, bu_rina, page):
    login(client, siti if page == "referral-student-answer" else bu_rina)
    response = client.get(reverse(page, args=[proposed.public_id]))
    assert response.status_code == 405


def test_declining_keeps_the_case(client, proposed, siti, bu_rina):
    login(client, siti)
    client.post(reverse("referral-student-answer", args=[proposed.public_id]), {"answer": "no"})
    proposed.refresh_from_db()
    assert proposed.status == Status.STUDENT_DECLINED
    assert CaseAssignment.objects.active().get(counselee=siti.counselee).counselor == bu_rina


def test_a_second_proposal_is_refused_while_one_is_open(client, proposed, siti, bu_rina, pak_eko):
    login(client, bu_rina)
    response = client.get(reverse("referral-create", args=[siti.counselee.public_id]))
    assert "sudah punya alih tangan kasus" in response.text
    with pytest.raises((policy.Denied, ValidationError)):
        propose(siti.counselee, bu_rina, pak_eko)
