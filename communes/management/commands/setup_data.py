"""The data steps a database needs after `migrate` (they were data migrations before the migrations
were reset to one initial migration per app, on 2026-12-02). Idempotent: run it on every deployment.

- This installation's identifier (Installation), which every cache key starts with (was communes/0004).
- Each role group carries its unit's primary key in its name, as a GSO code no longer names one unit
  (was communes/0005); nothing to do on a database made after the reform. The other half of that step,
  each commune naming its province, is now the schema's: the column is required.
"""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F

from communes.models import Commune, District, Installation, Province


class Command(BaseCommand):
    help = "Data steps after migrate: the installation identifier, role group names of before the reform."

    @transaction.atomic
    def handle(self, *args, **options):
        import uuid

        made = 0
        if not Installation.objects.exists():
            Installation.objects.create(identifier=uuid.uuid4().hex)
            made = 1
        renamed = 0
        units = {"commune": Commune, "district": District, "province": Province}
        for group in Group.objects.filter(name__regex=r"^(commune|district|province):[^:]+:[^:]+$"):
            level, code, role = group.name.split(":")
            # The unit of the time the group was named: the oldest of those holding the code.
            unit = (
                units[level].objects.filter(code=code).order_by(F("valid_from").asc(nulls_first=True)).first()
            )
            if unit is not None:
                group.name = f"{level}:{unit.pk}:{code}:{role}"
                group.save(update_fields=["name"])
                renamed += 1
        self.stdout.write(f"installation identifier made: {made}; role groups renamed: {renamed}")
