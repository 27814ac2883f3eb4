from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    """Hội đồng xét duyệt (Decision 28/2025): above recognition, whose decision with an annex it
    prepares; it registers its work, its documents and the grounds it gives a decision."""

    name = "council"
    verbose_name = _("Review council")

    def ready(self):
        from assessments.panels import register_work_source

        from . import documents  # noqa: F401 - registers the council's kinds of document
        from .selectors import work_for

        register_work_source(work_for)
