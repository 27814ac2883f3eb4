from django.core.management.base import BaseCommand
from django.utils import timezone

from recognition.services.keeping_clean import reevaluations_open


class Command(BaseCommand):
    help = "Open this year's re-evaluation dossiers for the communes recognised last year (also run by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year
        self.stdout.write(f"{reevaluations_open(year=year)} re-evaluation dossier(s) opened for {year}")
