from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from counseling.ops import health


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when every part of Amanah is well, else 503; the same JSON either way.

    Open to anyone, so that a monitor needs no account: the report names nobody and
    counts no student (see `counseling.ops.health`).
    """
    report = health.report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
