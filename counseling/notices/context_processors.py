from django.utils.functional import SimpleLazyObject

from counseling import notices, policy


def unread_notices(request):
    """The unread count for the header, counted only if the page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or policy.needs_second_factor(user):
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: notices.unread_count(user))}
