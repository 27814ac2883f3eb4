"""The rows a fresh database holds after `migrate`, the data commands and the reference fixtures: what
the migrations' data steps gave before they were reset (tests/data/rows_after_migrations.json)."""

from __future__ import annotations

FIXTURES = ["border_communes", "nghean_units", "criteria_nghean_2022", "criteria_qd28_2025", "legal_bases"]


def database_rows() -> dict:
    """Units (with their province and district), criteria sets and their rules, legal bases, role
    groups, installation identifiers (how many), permissions (codename only: models moved apps)."""
    from django.contrib.auth.models import Group, Permission

    from assessments.models import CriteriaSet, Criterion
    from communes.models import Commune, District, Installation, IssuingBody, Province
    from recognition.models import LegalBasis

    def in_order(rows):
        return sorted(rows, key=repr)

    def dates(*values):
        return [v.isoformat() if v else None for v in values]

    return {
        "provinces": in_order(
            [p.code, p.name, p.short_name, *dates(p.valid_from, p.valid_until)]
            for p in Province.objects.all()
        ),
        "districts": in_order(
            [d.code, d.name, d.province.code, *dates(d.valid_from, d.valid_until)]
            for d in District.objects.select_related("province")
        ),
        "communes": in_order(
            [
                c.code,
                c.name,
                c.province.code if c.province_id else None,
                c.district.code if c.district_id else None,
                *dates(c.valid_from, c.valid_until),
            ]
            for c in Commune.objects.select_related("province", "district")
        ),
        "criteria_sets": in_order(
            [s.code, s.procedure, s.appraisal_rules, s.decision_rules, s.classification_rules]
            for s in CriteriaSet.objects.all()
        ),
        "criteria": in_order(
            [c.criteria_set.code, c.code] for c in Criterion.objects.select_related("criteria_set")
        ),
        "legal_bases": in_order(
            [b.kind, b.number, b.title, *dates(b.signed_on, b.in_force_from, b.in_force_until)]
            for b in LegalBasis.objects.all()
        ),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "installations": Installation.objects.count(),
        "issuing_bodies": sorted(IssuingBody.objects.values_list("code", flat=True)),
        "permissions": sorted(set(Permission.objects.values_list("codename", flat=True))),
    }
