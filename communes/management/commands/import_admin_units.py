import datetime

from django.core.management.base import BaseCommand, CommandError

from communes.importers import UnitFileInvalid, admin_units_import, read_unit_file
from communes.models import Province


class Command(BaseCommand):
    help = (
        "Load or update the province's districts and communes from the official CSV list "
        "(layout of nghean_admin_units.csv). Validates every row first; on any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--province", help="GSO code of the province (default: the one province already loaded)"
        )
        parser.add_argument("--province-name", help="its official name, when the province is new")
        parser.add_argument("--valid-from", type=datetime.date.fromisoformat)
        parser.add_argument("--valid-until", type=datetime.date.fromisoformat)

    def handle(self, *args, **options):
        try:
            rows = read_unit_file(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except UnitFileInvalid as exc:
            for line, reason in exc.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(exc.errors)} error(s); nothing was written.") from exc
        province = self._province(options["province"], options["province_name"])
        report = admin_units_import(
            rows=rows,
            province=province,
            valid_from=options["valid_from"],
            valid_until=options["valid_until"],
        )
        for kind in ("district", "commune"):
            self.stdout.write(
                f"{kind}s: {report.created[kind]} created, {report.updated[kind]} updated, "
                f"{report.unchanged[kind]} unchanged"
            )
        if not report.changed_anything:
            self.stdout.write(self.style.SUCCESS("Nothing changed: the database already matches the file."))
        else:
            self.stdout.write(self.style.SUCCESS("Import complete."))

    def _province(self, code: str | None, name: str | None) -> Province:
        """The province the file's units belong to: named by its code, or the only one loaded."""
        if code is None:
            provinces = list(Province.objects.all()[:2])
            if len(provinces) != 1:
                raise CommandError("Name the province: --province CODE (and --province-name for a new one).")
            return provinces[0]
        province = Province.objects.filter(code=code).first()
        if province is None:
            if not name:
                raise CommandError(f"Province {code} is not loaded: give its --province-name to create it.")
            province = Province.objects.create(code=code, name=name)
        return province
