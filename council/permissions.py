"""Who may act on the review council (quyền), by name: the views and the services ask these, never a
codename."""

from __future__ import annotations

from communes.permissions import can_manage_cycles, has_unit_perm


def can_manage_council(province, user) -> bool:
    """The provincial police, the council's standing body, set it up and schedule its sessions."""
    return can_manage_cycles(user, province)


def can_keep_minutes(province, user) -> bool:
    """The council's secretary records attendance and votes and closes the session."""
    return has_unit_perm(user, "keep_council_minutes", province)


def sits_on_a_council(held: set[str]) -> bool:
    """A member or the secretary of a council, from the codenames the official holds (already read)."""
    return "sit_on_council" in held
