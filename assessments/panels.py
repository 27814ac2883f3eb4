"""Panels that apps above `assessments` add to the dossier page (recognition adds the decision and its
documents), so that this app never imports from, or loads template tags of, the apps that build on it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

DossierPanel = Callable[[HttpRequest, object], str]
_panels: list[DossierPanel] = []


def register_dossier_panel(panel: DossierPanel) -> DossierPanel:
    """Add `panel(request, dossier) -> html` below the dossier's self-assessment (from an AppConfig.ready)."""
    if panel not in _panels:
        _panels.append(panel)
    return panel


def dossier_panels(request: HttpRequest, dossier) -> list[SafeString]:
    """The registered panels' HTML for this dossier (each renders with its own templates, escaped)."""
    return [mark_safe(html) for panel in _panels if (html := panel(request, dossier))]  # noqa: S308
