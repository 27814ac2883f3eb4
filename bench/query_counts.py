"""Print the number of SQL queries of the inbox and the dossier page, per role and data size.

    DEBUG=1 .venv/bin/python bench/query_counts.py            # on the configured database
Everything is created inside a transaction that is rolled back: the database is left as it was.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghean_dfc.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

setup_test_environment()


class Rollback(Exception):
    pass


def count(client, url):
    client.get(url)  # warm caches, as in a running server
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    assert status == 200, (url, status)
    return len(ctx)


def main():
    from assessments.models import Dossier
    from communes.models import Commune, District, Province, Role
    from communes.services import post_create
    from tests import workflow
    from tests.factories import CriterionFactory, DossierFactory, UserFactory, small_criteria_set

    try:
        with transaction.atomic():
            call_command("loaddata", "border_communes", "nghean_units", verbosity=0)
            ky_son, my_ly = District.objects.get(code="417"), Commune.objects.get(code="16816")
            people = type("P", (), {})()
            users = {}
            for role, unit in [
                (Role.COMMUNE_OFFICER, my_ly),
                (Role.DISTRICT_POLICE, ky_son),
                (Role.DISTRICT_CHAIR, ky_son),
                (Role.PROVINCIAL_VIEWER, Province.objects.get()),
            ]:
                users[role] = UserFactory(username=f"bench-{role}")
                post_create(user=users[role], role=role, unit=unit)
            people.officer, people.police = users[Role.COMMUNE_OFFICER], users[Role.DISTRICT_POLICE]
            people.chair = users[Role.DISTRICT_CHAIR]

            big_set = small_criteria_set()
            for i in range(17):
                CriterionFactory(criteria_set=big_set, code=f"X{i:02d}", evidence_required=True)
            dossier = workflow.appraise(
                workflow.submit(
                    DossierFactory(commune=my_ly, year=2024, criteria_set=big_set), people.officer
                ),
                people.police,
            )
            print(
                f"dossier page: {len(dossier.applicable_criteria())} criteria, "
                f"{dossier.evidence.count()} files, {dossier.events.count()} history rows"
            )
            rows = []
            communes = list(Commune.objects.all())
            for total in (10, 460, 2300):
                existing = Dossier.objects.count()
                other_set = small_criteria_set()
                for i in range(existing, total):
                    DossierFactory(
                        commune=communes[i % len(communes)],
                        year=2000 + i // len(communes),
                        criteria_set=other_set,
                    )
                for role, user in users.items():
                    client = Client()
                    client.force_login(user)
                    rows.append(
                        (
                            Dossier.objects.count(),
                            role.label,
                            count(client, "/"),
                            count(client, f"/dossiers/{dossier.pk}/"),
                        )
                    )
            print(f"{'dossiers':>8}  {'role':<36} {'inbox':>5} {'dossier page':>12}")
            for n, role, inbox, page in rows:
                print(f"{n:>8}  {role:<36} {inbox:>5} {page:>12}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
