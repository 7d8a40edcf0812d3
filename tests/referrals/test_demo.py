import pytest
from django.core.management import call_command

from counseling import policy
from counseling.accounts.models import User
from counseling.referrals.models import BkReferral, Referral


@pytest.mark.django_db
def test_the_demo_has_a_referral_in_each_state_and_a_teacher_with_one_referral(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="sandi-demo-uji")
    call_command("seed_demo", password="sandi-demo-uji")
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    guru1 = User.objects.get(username="guru1")
    assert guru1.role == User.Role.TEACHER
    assert list(
        BkReferral.objects.values_list("teacher__username", "counselee__user__username")
    ) == [("guru1", "siswa7")]
    konselor1 = User.objects.get(username="konselor1")
    maya = User.objects.get(username="siswa7").counselee
    # Handed over to konselor2; konselor1 reads her own note, read-only, for 14 days.
    assert policy.is_assigned(User.objects.get(username="konselor2"), maya)
    access = policy.record_access(konselor1, maya)
    assert access.read_counseling_data and not access.write_counseling_data
    call_command("verify_audit", verbosity=0)
