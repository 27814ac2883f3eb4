"""The dashboards read the tallies: their figures equal those computed from the dossiers, at both scales of
the seed (460 communes × 5 years, 10,000 × 5, as bench/load.py seeds them), for every year, for the province's viewer and the
administrator."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from assessments.models import Dossier
from communes.models import Province, valid_on_q
from dashboard import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
YEARS = list(range(2020, 2025))  # the seed's five years, as bench/load.py seeds them


def recognised_from_dossiers(year: int) -> tuple[int, int]:
    """Recognised that year among the communes in place at its end: all, and border ones."""
    found = Dossier.objects.filter(
        valid_on_q(selectors.year_end(year), "commune__"), year=year, state__in=Dossier.RECOGNISED_STATES
    ).aggregate(n=Count("pk"), border=Count("pk", filter=Q(commune__is_border=True)))
    return found["n"], found["border"]


@pytest.mark.parametrize("scale", [460, 10_000])
def test_the_dashboards_figures_from_the_tallies_equal_the_dossiers_counts(people, admin_user, scale):
    call_command("seed_demo", "--communes", str(scale), "--years", "5", stdout=io.StringIO())
    assert Dossier.objects.count() >= scale * 5 * 0.8  # some communes never started
    # The campaign moved some waiting dossiers lately: they are not yet waiting "more than 15 days".
    waiting = Dossier.objects.filter(state__in=selectors.WAITING_STATES).order_by("pk")
    lately = timezone.now() - datetime.timedelta(days=3)
    assert (
        Dossier.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))[::7]).update(
            state_changed_at=lately
        )
        > 0
    )
    waiting_long = 0
    for user in (people.viewer, admin_user):
        for year in YEARS:
            kept = selectors.district_rows(user=user, year=year, waiting_days=15)
            computed = selectors.district_rows_from_dossiers(user=user, year=year, waiting_days=15)
            assert kept == computed, (user, year)
            assert sum(r.started for r in kept) > 0
            waiting_long += sum(r.waiting for r in kept)
        per_year = selectors.recognised_per_year(user=user, years=YEARS)
        assert waiting_long > 0
        assert [(y["recognised"], y["border_recognised"]) for y in per_year] == [
            recognised_from_dossiers(year) for year in YEARS
        ]
    for province in Province.objects.all():
        for year in YEARS:
            assert selectors.cycle_tallies(
                province=province, year=year
            ) == selectors.cycle_tallies_from_dossiers(province=province, year=year)
