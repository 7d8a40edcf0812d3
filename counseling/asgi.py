import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")

application = get_asgi_application()

from counseling.checks import fail_unless_ready  # noqa: E402

fail_unless_ready()
