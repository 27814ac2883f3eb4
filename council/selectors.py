"""Reads of the review council: the work that waits for its members."""

from __future__ import annotations

from django.db.models import Count

from .models import CouncilSession
from .permissions import sits_on_a_council


def documents_of(session: CouncilSession) -> list:
    """The documents the session left: its minutes, and its notice when a commune was not recommended."""
    return [d for d in (session.minutes, session.notice) if d is not None]


def work_for(user) -> list:
    """The inbox's "other work" of a council's member or secretary: the sessions called of the councils
    they sit on, with how many communes each weighs. No query for an official who sits on none (their
    grants are already read for the page)."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from assessments.panels import Work
    from communes.permissions import unit_grants

    if not user.is_authenticated:
        return []
    held = {codename for _, codename in unit_grants(user)}
    work = []
    if sits_on_a_council(held):
        # The sessions called of the councils the official sits on, with how many communes each weighs.
        sessions = (
            CouncilSession.objects.filter(status=CouncilSession.Status.SCHEDULED, council__members__user=user)
            .annotate(communes=Count("items", distinct=True))
            .order_by("held_on", "pk")
        )
        for session in sessions:
            label = ngettext(
                "Council session of %(day)s, %(time)s: %(count)s commune to consider",
                "Council session of %(day)s, %(time)s: %(count)s communes to consider",
                session.communes,
            ) % {
                "day": session.held_on.strftime("%d/%m/%Y"),
                "time": session.starts_at.strftime("%H:%M"),
                "count": session.communes,
            }
            url = reverse("council:session", args=[session.pk])
            work.append(Work(label=label, url=url, count=session.communes))
    return work
