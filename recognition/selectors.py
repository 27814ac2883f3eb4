"""Read-side queries on recognition that documents and dashboards share."""

from __future__ import annotations

from django.db.models import Count, Q

from assessments.models import Dossier
from communes.models import Commune, District

# A year's recognition stands even when its validity later ran out; a revoked one does not.


def recognition_summary(*, year: int, province) -> dict:
    """Per district of `province`: communes that existed in `year` and how many were recognised;
    border districts first."""
    communes = Commune.objects.valid_in_year(year).filter(province=province)
    recognised = Q(communes__dossiers__year=year, communes__dossiers__state__in=Dossier.RECOGNISED_STATES)
    in_year = Q(communes__in=communes)
    districts = (
        District.objects.filter(communes__in=communes)
        .distinct()
        .annotate(
            n_communes=Count("communes", filter=in_year, distinct=True),
            n_recognised=Count("communes", filter=in_year & recognised, distinct=True),
            n_border=Count("communes", filter=in_year & Q(communes__is_border=True), distinct=True),
            n_border_recognised=Count(
                "communes", filter=in_year & recognised & Q(communes__is_border=True), distinct=True
            ),
        )
        .order_by("-is_border", "code")
    )
    rows = [
        {
            "code": d.code,
            "name": d.name,
            "is_border": d.is_border,
            "communes": d.n_communes,
            "recognised": d.n_recognised,
            "border_communes": d.n_border,
            "border_recognised": d.n_border_recognised,
            "percent": round(100 * d.n_recognised / d.n_communes, 1) if d.n_communes else 0.0,
        }
        for d in districts
    ]
    return {
        "year": year,
        "districts": rows,
        "communes": sum(r["communes"] for r in rows),
        "recognised": sum(r["recognised"] for r in rows),
        "border_communes": sum(r["border_communes"] for r in rows),
        "border_recognised": sum(r["border_recognised"] for r in rows),
        "districts_complete": [r["name"] for r in rows if r["communes"] and r["recognised"] == r["communes"]],
    }
