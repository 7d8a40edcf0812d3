from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from counseling.accounts import enrolment
from counseling.accounts.models import User


class Command(BaseCommand):
    help = (
        "E-mail a one-time second-factor enrolment link to a counselor or admin, replacing "
        "earlier ones. For the first admin, or when no admin can sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        try:
            link = enrolment.issue(user, by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Enrolment link for {user.username} e-mailed to {user.email}; "
            f"valid until {link.expires_at:%Y-%m-%d %H:%M %Z}."
        )
