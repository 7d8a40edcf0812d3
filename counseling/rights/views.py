from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from counseling import policy
from counseling.policy import Role
from counseling.rights import law


@require_GET
@policy.role_required(Role.STUDENT)
def my_data(request):
    """ "Data saya": her rights in plain words, and her requests with their clocks."""
    counselee = policy.own_counselee(request.user, decrypt=False)
    requests = policy.data_requests_for(request.user).defer("details", "proposed", "answer")
    return render(
        request,
        "rights/my_data.html",
        {
            "counselee": counselee,
            "rights": [
                {"kind": kind, "explained": law.EXPLAINED[kind], "articles": law.ARTICLES[kind]}
                for kind in law.Kind
            ],
            "requests": requests.order_by("-received_at"),
        },
    )


@require_GET
@policy.role_required(Role.COUNSELOR, Role.DPO)
def request_list(request):
    """The requests this counselor or DPO answers, open ones first, by their deadline."""
    requests = policy.data_requests_for(request.user).defer("details", "proposed", "answer")
    return render(
        request,
        "rights/request_list.html",
        {
            "open": requests.open().order_by("due_at"),
            "closed": requests.exclude(status__in=requests.model.OPEN).order_by("-received_at")[
                :100
            ],
        },
    )


@require_GET
@policy.role_required(Role.STUDENT, Role.COUNSELOR, Role.DPO)
def request_detail(request, public_id):
    data_request = policy.get_data_request_for(request.user, public_id)
    return render(
        request,
        "rights/request_detail.html",
        {"data_request": data_request, "articles": law.ARTICLES[data_request.kind]},
    )


@require_GET
@policy.role_required(Role.DPO)
def dpo_dashboard(request):
    """The DPO's desk: open requests by their clock, and her registers (metadata only).

    The breaches card is drawn by `rights/_dpo_breaches.html`, which the breach pages
    fill in; it renders nothing until they do.
    """
    requests = policy.data_requests_for(request.user).defer("details", "proposed", "answer")
    open_requests = requests.open()
    return render(
        request,
        "rights/dpo_dashboard.html",
        {
            "open_requests": open_requests.order_by("due_at")[:50],
            "open_count": open_requests.count(),
            "overdue_count": open_requests.filter(due_at__lt=timezone.now()).count(),
            "holds_count": policy.legal_holds_for(request.user)
            .filter(released_at__isnull=True)
            .count(),
            "erasures_count": policy.erasures_for(request.user).count(),
        },
    )
