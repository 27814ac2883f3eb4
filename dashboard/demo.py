"""What the demo prints beside each account: what waits for it and where (việc chờ từng tài khoản)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.panels import work_awaiting
from assessments.selectors import dossiers_awaiting, dossiers_visible_to
from communes.models import ROLE_LEVEL, Role


def waiting_for(user) -> list[str]:
    """Lines saying what waits for `user` (dossiers by step, other work) with the page to open; for a
    viewer, where to follow the figures."""
    lines = []
    for dossier in dossiers_awaiting(user=user)[:4]:
        lines.append(
            _("waiting: %(dossier)s (%(state)s) at %(url)s")
            % {
                "dossier": dossier,
                "state": dossier.get_state_display(),
                "url": reverse("assessments:dossier_detail", args=[dossier.pk]),
            }
        )
    lines.extend(f"{work.label}: {work.url}" for work in work_awaiting(user))
    if not lines:
        roles = set(user.posts.active().values_list("role", flat=True))
        if roles & {Role.MINISTRY_VIEWER} or any(ROLE_LEVEL[r] == "country" for r in roles):
            lines.append(_("follows every province at %(url)s") % {"url": reverse("dashboard:national")})
        elif user.is_superuser:
            lines.append(_("loads units and officials at %(url)s") % {"url": reverse("admin:index")})
        elif dossiers_visible_to(user=user).exists():
            lines.append(
                _("follows the dossiers and figures at %(url)s") % {"url": reverse("dashboard:dashboard")}
            )
    return lines
