"""The in-app inbox: every notice a person has, content-free, newest first."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from counseling import notices, policy
from counseling.notices import kinds

PER_PAGE = 30


@require_GET
def inbox(request):
    """Headline, time and where to look, for each of the signed-in person's notices."""
    page = Paginator(policy.notices_for(request.user).with_booking(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"notice": notice, "headline": kinds.headline(notice), "link": kinds.link(notice)}
        for notice in page
    ]
    return render(request, "notices/inbox.html", {"page": page, "rows": rows})


@require_POST
def mark_read(request, public_id):
    notices.mark_read(policy.get_notice_for(request.user, public_id))
    return redirect("inbox")


@require_POST
def mark_all_read(request):
    notices.mark_all_read(request.user)
    return redirect("inbox")
