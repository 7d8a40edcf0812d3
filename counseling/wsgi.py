import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")

application = get_wsgi_application()

# gunicorn runs no system checks by itself; refuse to serve with unsafe settings.
from counseling.checks import fail_unless_ready  # noqa: E402

fail_unless_ready()
