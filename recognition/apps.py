from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Recognition decisions")

    def ready(self):
        from assessments import workflow
        from assessments.panels import register_dossier_panel, register_work_source
        from assessments.services import register_step_effect
        from communes.fragments import bump_on_change

        from . import checks, documents  # noqa: F401 - the start-up checks; the kinds of document
        from .models import (
            DOCUMENTS_VERSION,
            CollectiveDecision,
            Document,
            RecognitionDecision,
            RecordedDecision,
            Revocation,
        )
        from .selectors import work_for, year_decision_refusal
        from .services.appraisal_papers import appraisal_papers_prepare
        from .views import decision_panel

        bump_on_change(
            DOCUMENTS_VERSION, Document, RecognitionDecision, Revocation, CollectiveDecision, RecordedDecision
        )
        register_dossier_panel(decision_panel)
        register_work_source(work_for)
        register_step_effect("prepare_appraisal_papers", appraisal_papers_prepare)
        workflow.LIMITS[workflow.YEAR_DECISION_ISSUED] = year_decision_refusal
