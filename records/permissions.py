"""Who may record the decisions issued outside the application (named predicates, guardian's grants)."""

from __future__ import annotations

from communes.permissions import has_unit_perm


def can_record(user, province) -> bool:
    """The provincial People's Committee's clerk (văn thư) or an administrator: `record_decisions`."""
    return province is not None and has_unit_perm(user, "record_decisions", province)


def can_read_recorded(user, decision) -> bool:
    """Whoever sees the province's dossiers reads its recorded decisions and their files."""
    return has_unit_perm(user, "view_province_dossiers", decision.province) or can_record(
        user, decision.province
    )
