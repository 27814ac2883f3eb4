"""Reads of the recorded decisions."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from recognition.models import RecordedDecision, RecordedOutcome


def recorded_decisions(*, province) -> QuerySet[RecordedDecision]:
    """The province's recorded decisions, newest first, with how many communes each names."""
    return (
        RecordedDecision.objects.filter(province=province)
        .annotate(communes=Count("outcomes"))
        .select_related("entered_by")
        .order_by("-decided_on", "-pk")
    )


def outcomes_of(decision: RecordedDecision) -> QuerySet[RecordedOutcome]:
    """The communes a recorded decision names, with their dossiers."""
    return decision.outcomes.select_related("dossier__commune__district").order_by(
        "dossier__year", "dossier__commune__name"
    )
