"""Who may act on a dossier: guardian object permissions on the dossier's commune or district.

These are the django-fsm `permission=` callables; each checks the object permission only (a global
grant would open every commune).
"""

from __future__ import annotations

from communes.permissions import can_view_commune, has_unit_perm


def can_view(dossier, user) -> bool:
    return can_view_commune(user, dossier.commune)


def can_prepare(dossier, user) -> bool:
    """The commune's own officers fill and submit the self-assessment."""
    return has_unit_perm(user, "prepare_commune_dossiers", dossier.commune)


def can_appraise(dossier, user) -> bool:
    """The district police appraise the dossiers of their district's communes."""
    return has_unit_perm(user, "appraise_district_dossiers", dossier.commune.district)


def can_decide(dossier, user) -> bool:
    """The authority of the dossier's criteria set decides: the district chair until 2024,
    the provincial People's Committee under Decision 28/2025."""
    if dossier.criteria_set.deciding_authority == "provincial_committee":
        return has_unit_perm(user, "decide_province_dossiers", dossier.commune.district.province)
    return has_unit_perm(user, "decide_district_dossiers", dossier.commune.district)


TRANSITIONS = (
    "submit",
    "start_appraisal",
    "return_to_commune",
    "complete_appraisal",
    "recognise",
    "refuse",
    "send_back",
    "revoke",
)


def available_actions(dossier, user) -> list[str]:
    """The transitions `user` may take now: allowed from the current state and permitted on the
    object. Conditions are left out on purpose: the page then says what is missing."""
    actions = []
    for name in TRANSITIONS:
        meta = getattr(type(dossier), name)._django_fsm
        if meta.has_transition(dossier.state) and meta.has_transition_perm(dossier, dossier.state, user):
            actions.append(name)
    return actions


def may_take(transition: str, dossier, user) -> bool:
    """Whether the user's role allows `transition` on this dossier, whatever its state now."""
    meta = getattr(type(dossier), transition)._django_fsm
    return any(t.has_perm(dossier, user) for t in meta.transitions.values())
