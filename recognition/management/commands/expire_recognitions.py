import datetime

from django.core.management.base import BaseCommand

from recognition.services.keeping_clean import recognitions_expire


class Command(BaseCommand):
    help = "Move recognitions past their validity to 'expired' (also run nightly by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        self.stdout.write(f"{recognitions_expire(today=options['today'])} recognition(s) expired")
