import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.importers import (
    UnitFileInvalid,
    admin_units_import,
    mapping_problems,
    read_mapping_file,
    read_unit_file,
    reform_mapping_import,
)
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
        parser.add_argument(
            "--mapping",
            help="for a list of units after a reform: the file mapping each old unit to the new one "
            "(layout of nghean_2025_reform_mapping.csv); needs --valid-from",
        )

    def handle(self, *args, **options):
        try:
            rows = read_unit_file(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except UnitFileInvalid as exc:
            self._fail(exc.errors)
        province = self._province(options["province"], options["province_name"])
        errors = [
            (row.line, f"the row is for province {row.province_code}, not {province.code}")
            for row in rows
            if row.province_code and row.province_code != province.code
        ]
        if errors:
            self._fail(errors)
        mapping = []
        if options["mapping"]:
            if not options["valid_from"]:
                raise CommandError("--mapping needs --valid-from (the day the new units start).")
            try:
                mapping = read_mapping_file(options["mapping"], new_codes={r.commune_code for r in rows})
            except FileNotFoundError as exc:
                raise CommandError(f"No such file: {options['mapping']}") from exc
            except UnitFileInvalid as exc:
                self._fail(exc.errors, prefix="mapping ")
            if problems := mapping_problems(mapping=mapping, valid_from=options["valid_from"]):
                self._fail(problems, prefix="mapping ")
        with transaction.atomic():
            report = admin_units_import(
                rows=rows,
                province=province,
                valid_from=options["valid_from"],
                valid_until=options["valid_until"],
            )
            if mapping:
                linked = reform_mapping_import(mapping=mapping, valid_from=options["valid_from"])
                for counter in ("created", "updated", "unchanged"):
                    getattr(report, counter).update(getattr(linked, counter))
        kinds = ["district", "commune", *(["predecessor"] if mapping else [])]
        for kind in kinds:
            self.stdout.write(
                f"{kind}s: {report.created[kind]} created, {report.updated[kind]} updated, "
                f"{report.unchanged[kind]} unchanged"
            )
        if not report.changed_anything:
            self.stdout.write(self.style.SUCCESS("Nothing changed: the database already matches the file."))
        else:
            self.stdout.write(self.style.SUCCESS("Import complete."))

    def _fail(self, errors, prefix=""):
        for line, reason in errors:
            self.stderr.write(f"{prefix}line {line}: {reason}")
        raise CommandError(f"{len(errors)} error(s); nothing was written.")

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
