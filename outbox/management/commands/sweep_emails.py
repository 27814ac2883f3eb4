from django.core.management.base import BaseCommand

from outbox.services import emails_sweep


class Command(BaseCommand):
    help = "Hand again to the workers the e-mails still unsent (after a broker or mail-server outage)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=None)

    def handle(self, *args, **options):
        count = emails_sweep(older_than_minutes=options["older_than_minutes"])
        self.stdout.write(f"{count} e-mail(s) handed to the workers")
