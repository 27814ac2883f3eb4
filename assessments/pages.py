"""Helpers the pages of `assessments` and of the apps above it share (not views themselves)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404

from . import permissions as perms
from . import selectors, services
from .models import Dossier


def visible_dossier(request, pk: int, *, with_record: bool = True) -> Dossier:
    """The dossier for its pages; out of scope answers 404, like a dossier that does not exist."""
    try:
        dossier = selectors.dossier_for_page(pk=pk, with_record=with_record)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    if not perms.can_view(dossier, request.user):
        raise Http404
    return dossier


def show_action_error(request, error: services.DossierActionError) -> int:
    """The refusal as messages; returns the status for a re-rendered form (409 for a conflict)."""
    messages.error(request, error.message)
    for problem in error.problems:
        messages.warning(request, problem)
    return 409 if isinstance(error, services.DossierConflict) else 400
