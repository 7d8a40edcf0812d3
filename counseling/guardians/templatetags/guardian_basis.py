"""`{% guardian_basis_note %}`: the school's basis, told to the student on her consent page."""

from django import template

from counseling import policy
from counseling.guardians import basis

register = template.Library()


@register.inclusion_tag("guardians/basis_note.html", takes_context=True)
def guardian_basis_note(context, only_adult=False):
    """On the consent page: always; on the dashboard (`only_adult`): once she is 18."""
    counselee = policy.own_counselee(context["request"].user)
    if counselee is None:
        return {"text": ""}
    adult = policy.consent_is_hers_alone(counselee)
    if only_adult and not adult:
        return {"text": ""}
    return {"text": basis.for_student(policy.guardian_basis(), adult=adult), "adult": adult}
