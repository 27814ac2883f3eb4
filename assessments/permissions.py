"""Who may act on a dossier: guardian object permissions on the dossier's commune, district or province,
as the workflow table (`assessments.workflow`) assigns them per procedure.

Each checks the object permission only (a global grant would open every commune).
"""

from __future__ import annotations

from communes.permissions import can_view_commune, has_unit_perm

from . import workflow


def can_view(dossier, user) -> bool:
    return can_view_commune(user, dossier.commune)


def can_open(commune, user) -> bool:
    """The commune's officers open its dossier (or register it for the year's cycle)."""
    return has_unit_perm(user, "prepare_commune_dossiers", commune) or has_unit_perm(
        user, "submit_commune_reports", commune
    )


def can_prepare(dossier, user) -> bool:
    """Fill the answers, counts and evidence: the editor of the dossier's procedure."""
    return workflow.can_edit(dossier, user)


def can_appraise(dossier, user) -> bool:
    """The police who appraise this dossier (district police, or from 2025 the provincial police)."""
    return workflow.may_take("complete_appraisal", dossier, user)


def can_decide(dossier, user) -> bool:
    """The authority of the dossier's procedure: the district chair until 2024, the provincial
    People's Committee chair or vice-chair under Decision 28/2025."""
    return workflow.may_take("recognise", dossier, user)


def may_take(transition: str, dossier, user) -> bool:
    return workflow.may_take(transition, dossier, user)


def appraises_somewhere(user) -> bool:
    """Whether the official appraises dossiers for some unit (a district's or a province's police)."""
    from communes.models import District, Province
    from communes.permissions import units_with_perm

    return any(
        units_with_perm(user, workflow.APPRAISE_PERMISSION[level], model).exists()
        for level, model in ((workflow.DISTRICT, District), (workflow.PROVINCE, Province))
    )
