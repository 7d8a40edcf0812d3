"""policy.record_access: what it decides, and that a page decides it once."""

from counseling import policy
from counseling.records.models import CaseAssignment
from sessions import cases


def test_the_counselor_on_the_case_reads_and_writes(siti, bu_rina):
    access = policy.record_access(bu_rina, siti.counselee)
    assert access.purpose == policy.Purpose.CASELOAD
    assert access.read_counseling_data and access.write_counseling_data and access.read_contact


def test_another_counselor_and_the_admin_decide_nothing_about_content(siti, pak_budi, admin):
    for user in (pak_budi, admin):
        access = policy.record_access(user, siti.counselee)
        assert not access.read_counseling_data
        assert not access.write_counseling_data
        assert not access.read_contact


def test_a_student_reads_her_own_contact_but_not_the_notes(siti, dimas):
    own = policy.record_access(siti, siti.counselee)
    assert own.purpose == policy.Purpose.OWN and own.read_contact
    assert not own.read_counseling_data
    assert policy.record_access(dimas, siti.counselee).purpose == policy.Purpose.NONE


def test_inside_one_page_the_decision_is_made_once(siti, bu_rina, django_assert_num_queries):
    with policy.one_decision_per_record():
        with django_assert_num_queries(1):
            first = policy.record_access(bu_rina, siti.counselee)
        with django_assert_num_queries(0):
            assert policy.record_access(bu_rina, siti.counselee) is first
            assert policy.can_write_counseling_data(bu_rina, siti.counselee)


def test_each_user_gets_their_own_decision_in_the_block(siti, bu_rina, pak_budi):
    with policy.one_decision_per_record():
        assert policy.record_access(bu_rina, siti.counselee).read_counseling_data
        assert not policy.record_access(pak_budi, siti.counselee).read_counseling_data


def test_outside_the_block_a_changed_assignment_is_seen_at_once(siti, bu_rina, admin):
    with policy.one_decision_per_record():
        assert policy.can_write_counseling_data(bu_rina, siti.counselee)
    assignment = CaseAssignment.objects.active().get(counselor=bu_rina, counselee=siti.counselee)
    cases.end_assignment(assignment, by=admin)
    assert not policy.can_write_counseling_data(bu_rina, siti.counselee)
    assert not policy.record_access(bu_rina, siti.counselee).read_counseling_data
