"""Reads of the review council: the work that waits for its members."""

from __future__ import annotations

from django.db.models import Count

from assessments import workflow

from .models import CouncilSession
from .permissions import sits_on_a_council


def documents_of(session: CouncilSession) -> list:
    """The documents the session left: its minutes, its notice when a commune was not recommended, and
    the standing body's Tờ trình when one was."""
    return [d for d in (session.minutes, session.notice, session.proposal) if d is not None]


def appraisal_papers_of(items) -> dict[int, list]:
    """The appraisal's papers of each agenda item's dossier (the provincial police's report), by dossier
    id, in one query: a session's agenda links each candidate to what the council weighs."""
    from recognition.models import Document

    papers: dict[int, list] = {}
    kinds = {workflow.appraisal_papers(item.dossier).paper_kind for item in items}
    for document in Document.objects.filter(
        dossier__in=[item.dossier_id for item in items], kind__in=kinds, draft=False
    ).order_by("pk"):
        if document.dossier_id is not None:
            papers.setdefault(document.dossier_id, []).append(document)
    return papers


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
