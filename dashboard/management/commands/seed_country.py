"""Seed synthetic provinces for benchmarks of the country's pages (never for production).

    manage.py seed_country --provinces 34 --units 100 --years 5 [--last-year 2026]

Each province gets `--units` communes (the same unit set each year), one dossier per unit and year in
a spread of states under the Decision 28 criteria set, its counts and Article 4 class, and a cycle with
a 30 % target. Bulk writes: thousands of rows in seconds.
"""

import datetime
import random

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import workflow
from assessments.models import CriteriaSet, Dossier, EvaluationCycle, SituationCounts
from assessments.tallies import tallies_rebuild
from communes.fragments import bump_everything
from communes.models import Commune, Province
from communes.permissions import country_roles_grant
from communes.text import fold, search_key

BATCH = 2000
S = Dossier.State
STATES = [S.RECOGNISED] * 3 + [S.RECOMMENDED, S.APPRAISED, S.SUBMITTED, S.DRAFT, S.NOT_RECOMMENDED]


class Command(BaseCommand):
    help = "Seed synthetic provinces, units and dossiers for the country's benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=34)
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--last-year", type=int, default=2026)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        n_provinces, n_units, n_years = options["provinces"], options["units"], options["years"]
        if min(n_provinces, n_units, n_years) < 1 or n_provinces > 90:
            raise CommandError("--provinces (1-90), --units and --years must be at least 1")
        rng = random.Random(options["seed"])
        years = list(range(options["last_year"] - n_years + 1, options["last_year"] + 1))
        call_command("loaddata", "criteria_qd28_2025", verbosity=0)
        # The set of the procedure with a review council (Decision 28): read from the workflow table.
        criteria_set = CriteriaSet.objects.get(procedure__in=workflow.procedures_with("recommend"))
        with transaction.atomic():
            provinces = []
            for i in range(n_provinces):
                name = f"Tỉnh Mô Phỏng {i + 1:02d}"
                provinces.append(
                    Province(
                        code=f"{i + 1:02d}", name=name, name_ascii=fold(name), name_search=search_key(name)
                    )
                )
            Province.objects.bulk_create(provinces, ignore_conflicts=True)
            provinces = list(Province.objects.filter(code__in=[p.code for p in provinces]).order_by("code"))
            country_roles_grant(provinces=provinces)  # bulk_create sends no post_save
            units = []
            for p_index, province in enumerate(provinces):
                for j in range(n_units):
                    name = f"Xã Mô Phỏng {p_index + 1:02d}-{j + 1:03d}"
                    units.append(
                        Commune(
                            code=f"{p_index + 1:02d}{j:03d}",
                            name=name,
                            name_ascii=fold(name),
                            name_search=search_key(name),
                            kind="xa",
                            province=province,
                            is_border=j % 12 == 0,
                        )
                    )
            Commune.objects.bulk_create(units, batch_size=BATCH)
            units = list(Commune.objects.filter(province__in=provinces))
            dossiers = [
                Dossier(
                    commune=unit,
                    year=year,
                    criteria_set=criteria_set,
                    state=rng.choice(STATES)
                    if year == years[-1]
                    else rng.choice([S.RECOGNISED, S.NOT_RECOMMENDED]),
                )
                for unit in units
                for year in years
            ]
            Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
            dossiers = Dossier.objects.filter(commune__in=units).only("pk")
            SituationCounts.objects.bulk_create(
                [
                    SituationCounts(
                        dossier=d,
                        population=rng.randint(2000, 12000),
                        classification=rng.choice(["", "III", "II", "I"]),
                    )
                    for d in dossiers
                ],
                batch_size=BATCH,
            )
            EvaluationCycle.objects.bulk_create(
                [
                    EvaluationCycle(
                        province=province,
                        year=year,
                        criteria_set=criteria_set,
                        target_percent=30,
                        reports_due=datetime.date(year, 12, 5),
                        ministry_report_due=datetime.date(year, 12, 19),
                    )
                    for province in provinces
                    for year in years
                ],
                ignore_conflicts=True,
            )
            bump_everything()
            tallies_rebuild()  # nor do they move the tallies
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(provinces)} provinces, {len(units)} units, {len(units) * len(years)} dossiers, "
                f"{years[0]}-{years[-1]}"
            )
        )
