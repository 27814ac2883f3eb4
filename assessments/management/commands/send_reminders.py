from django.conf import settings
from django.core.management.base import BaseCommand

from assessments.services import reminders_send


class Command(BaseCommand):
    help = "Remind officials of dossiers waiting longer than N days (also run on weekdays by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.REMINDER_AFTER_DAYS
        self.stdout.write(
            f"{reminders_send(days=days)} reminder(s) sent for dossiers waiting over {days} days"
        )
