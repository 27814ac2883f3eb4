from django.core.management.base import BaseCommand, CommandError

from assessments.tallies import tallies_drift, tallies_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the dashboards' tallies (số liệu tổng hợp) from the dossiers. With --check, only report "
        "the tallies that differ from the dossiers (exit status 1 when one does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report the drift, change nothing")

    def handle(self, *args, **options):
        drift = tallies_drift()
        for item in drift:
            self.stdout.write(str(item))
        if options["check"]:
            if drift:
                raise CommandError(f"{len(drift)} tallies differ from the dossiers")
            self.stdout.write("The tallies equal the dossiers' counts.")
            return
        rows = tallies_rebuild()
        self.stdout.write(f"{rows} tallies rewritten ({len(drift)} differed from the dossiers).")
