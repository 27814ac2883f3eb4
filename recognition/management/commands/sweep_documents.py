from django.core.management.base import BaseCommand

from recognition.services.documents import documents_sweep


class Command(BaseCommand):
    help = "Send again the PDF documents still pending (also run every minute by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=None)

    def handle(self, *args, **options):
        self.stdout.write(
            f"{documents_sweep(older_than_minutes=options['older_than_minutes'])} document(s) sent"
        )
