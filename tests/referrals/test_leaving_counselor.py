"""A counselor leaving the school hands her caseload over through referrals: the admin
cannot switch her off (or change her role) while she still holds cases."""

from django.forms.models import model_to_dict

from counseling.accounts.admin import UserChangeForm
from counseling.referrals import services as referrals
from tests.referrals.conftest import propose


def form_for(user, **changes):
    data = {
        key: value
        for key, value in model_to_dict(user).items()
        if value is not None and key not in ("groups", "user_permissions", "password")
    }
    data.update(changes)
    for flag in ("is_active", "is_coordinator", "is_staff", "is_superuser"):
        if data.get(flag) is False:
            data.pop(flag)
    return UserChangeForm(data=data, instance=user)


def test_a_counselor_with_a_caseload_cannot_be_switched_off(siti, bu_rina):
    form = form_for(bu_rina, is_active=False)
    assert not form.is_valid()
    assert "is_active" in form.errors
    assert not form_for(bu_rina, role="teacher").is_valid()


def test_after_handing_her_cases_over_she_can(siti, bu_rina, pak_budi, history):
    referral = propose(siti.counselee, bu_rina, pak_budi)
    referrals.answer_as_student(referral, by=siti, accept=True)
    referrals.answer_as_receiver(referral, by=pak_budi, accept=True)
    form = form_for(bu_rina, is_active=False)
    assert form.is_valid(), form.errors
