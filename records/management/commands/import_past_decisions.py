from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from communes.models import Province
from records.importer import read_past_decisions_file
from records.services import RecordRefused, past_decisions_import


class Command(BaseCommand):
    help = (
        "Record the decisions a province issued outside the application (its past) from a CSV or XLSX file, "
        "one row per commune and decision (records/importer.py names the columns). Every line is checked "
        "first; on any error nothing is written. A second run of the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--province", required=True, help="the province's GSO code")
        parser.add_argument(
            "--by", required=True, help="the username of the clerk or administrator entering it"
        )
        parser.add_argument(
            "--files", help="the folder holding the scans or signed files the column tep names"
        )

    def handle(self, *args, **options):
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"No province with the code {options['province']}.")
        actor = User.objects.filter(username=options["by"]).first()
        if actor is None:
            raise CommandError(f"No user {options['by']}.")
        attachments = {}
        if options["files"]:
            attachments = {p.name: p.read_bytes() for p in Path(options["files"]).iterdir() if p.is_file()}
        try:
            decisions = read_past_decisions_file(options["file"], province=province)
            report = past_decisions_import(
                actor=actor,
                province=province,
                decisions=decisions,
                attachments=attachments,
                source=Path(options["file"]).name,
            )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except RecordRefused as exc:
            for line, reason in exc.problems:
                self.stderr.write(f"line {line}: {reason}" if line else reason)
            raise CommandError(f"{len(exc.problems)} error(s); nothing was written.") from exc
        if not report.recorded:
            self.stdout.write(f"Nothing changed: {len(report.unchanged)} decision(s) already recorded.")
            return
        self.stdout.write(
            f"{len(report.recorded)} decision(s) recorded ({report.lines} line(s)); "
            f"{len(report.unchanged)} already recorded, unchanged."
        )
