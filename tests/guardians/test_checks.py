"""GUARDIAN_BASIS is checked at start-up (amanah.E090)."""

import pytest

from counseling.guardians.checks import check_guardian_basis


@pytest.mark.parametrize("basis", ["consent_required", "notice_only", "public_duty"])
def test_each_basis_the_readme_explains_passes(settings, basis):
    settings.GUARDIAN_BASIS = basis
    assert check_guardian_basis() == []


@pytest.mark.parametrize("basis", ["", "consent", "PUBLIC_DUTY", None])
def test_any_other_value_stops_start_up(settings, basis):
    settings.GUARDIAN_BASIS = basis
    errors = check_guardian_basis()
    assert [error.id for error in errors] == ["amanah.E090"]
    assert "consent_required, notice_only or public_duty" in errors[0].hint


def test_the_default_is_the_strictest_basis():
    from counseling import settings as project_settings

    assert project_settings.GUARDIAN_BASIS == "consent_required"
