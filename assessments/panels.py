"""Panels that apps above `assessments` add to the dossier page (recognition adds the decision and its
documents), so that this app never imports from, or loads template tags of, the apps that build on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


# --- work of no single dossier (việc chờ xử lý) -----------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """Something waiting for an official that is not one dossier's step: decisions to number, say."""

    label: str
    url: str
    count: int


WorkSource = Callable[[object], list[Work]]
_work_sources: list[WorkSource] = []


def register_work_source(source: WorkSource) -> WorkSource:
    """Add `source(user) -> [Work]` to what the inbox lists as waiting (from an AppConfig.ready)."""
    if source not in _work_sources:
        _work_sources.append(source)
    return source


def work_awaiting(user) -> list[Work]:
    """What the registered sources say waits for `user`, besides the dossiers awaiting them."""
    return [work for source in _work_sources for work in source(user)]
