from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Dossiers and appraisals")

    def ready(self):
        from django.urls import register_converter

        from communes.fragments import bump_on_change

        from . import checks  # noqa: F401 (registers the workflow tables' check)
        from .converters import EvaluationYearConverter
        from .models import CriteriaSet, Criterion, Dossier

        # `<year:year>` in every app's paths: registered once, before any URLconf is read.
        register_converter(EvaluationYearConverter, "year")

        # Lists and dashboards show each dossier's state; pages show the criteria's text.
        bump_on_change("dossiers", Dossier, keys=dossier_version_keys)
        bump_on_change("criteria", CriteriaSet, Criterion)


def dossier_version_keys(dossier) -> list[str]:
    """A dossier's change is seen by its commune, its district, its province and the whole deployment."""
    from communes.fragments import dossier_scopes
    from communes.models import Commune

    district_id, province_id = Commune.objects.filter(pk=dossier.commune_id).values_list(
        "district_id", "province_id"
    ).first() or (None, None)
    successors = Commune.predecessors.through.objects.filter(to_commune=dossier.commune_id).values_list(
        "from_commune", flat=True
    )
    return dossier_scopes(
        commune_id=dossier.commune_id,
        district_id=district_id,
        province_id=province_id,
        successor_ids=list(successors),
    )
