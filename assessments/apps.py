from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Dossiers and appraisals")

    def ready(self):
        from communes.fragments import bump_on_change

        from .models import CriteriaSet, Criterion, Dossier

        # Lists and dashboards show each dossier's state; pages show the criteria's text.
        bump_on_change("dossiers", Dossier)
        bump_on_change("criteria", CriteriaSet, Criterion)
