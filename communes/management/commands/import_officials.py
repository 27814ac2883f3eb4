import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.importers import UnitFileInvalid
from communes.officials import officials_import, read_officials_file


class Command(BaseCommand):
    help = (
        "Create officials (account, full name, post) from a CSV file with the columns username, full_name, "
        "email, role, unit_code, title. Checks every line first; on any error writes nothing. "
        "--dry-run reports what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument(
            "--send-links",
            action="store_true",
            help="e-mail each official created a one-time link to set their first password; those without "
            "an e-mail address are listed by line (their password is set in the admin)",
        )
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            help="the units in place on this day (default today; e.g. 2025-06-30 for district officials)",
        )

    def handle(self, *args, **options):
        try:
            rows = read_officials_file(options["file"], on=options["on"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except UnitFileInvalid as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(exc.errors)} error(s); nothing was written.") from exc
        with transaction.atomic():
            report = officials_import(rows=rows)
            if options["dry_run"]:
                transaction.set_rollback(True)
        prefix = "would be " if options["dry_run"] else ""
        for kind in ("official", "post"):
            self.stdout.write(
                f"{kind}s: {report.created[kind]} {prefix}created, {report.updated[kind]} {prefix}updated, "
                f"{report.unchanged[kind]} unchanged"
            )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        if options["send_links"]:
            self._send_links(report.created_lines)

    def _send_links(self, created: list) -> None:
        from accounts.passwords import password_link_send

        sent, without = 0, []
        for line, user in created:
            if not user.email:
                without.append((line, user))
                continue
            password_link_send(user=user)
            sent += 1
        self.stdout.write(f"first-password links: {sent} sent")
        for line, user in without:
            self.stdout.write(
                f"line {line}: {user.username} has no e-mail address: set the first password in the admin"
            )
