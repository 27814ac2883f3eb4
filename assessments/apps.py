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
        keep_tallies()


def keep_tallies() -> None:
    """The dashboards' tallies move with whatever changes what a dossier counts as: its state (every
    transition saves it), its counts' class, its commune's unit, border flag or dates. Each handler runs
    in the writing transaction (assessments.tallies). Fixtures (raw) are counted by `rebuild_tallies`."""
    from django.db.models.signals import post_delete, post_save, pre_delete

    from communes.models import Commune

    from . import tallies
    from .models import Dossier, SituationCounts

    def dossier_saved(instance, raw=False, **kwargs) -> None:
        if not raw:
            tallies.recount(dossier_ids=[instance.pk])

    def dossier_deleted(instance, **kwargs) -> None:
        tallies.forget(dossier_id=instance.pk)

    def counts_changed(instance, raw=False, **kwargs) -> None:
        if not raw:
            tallies.recount(dossier_ids=[instance.dossier_id])

    def commune_saved(instance, raw=False, created=False, **kwargs) -> None:
        if not raw and not created:  # a new commune has no dossier yet
            tallies.recount(commune_id=instance.pk)

    post_save.connect(dossier_saved, sender=Dossier, dispatch_uid="tallies-dossier", weak=False)
    pre_delete.connect(dossier_deleted, sender=Dossier, dispatch_uid="tallies-dossier-delete", weak=False)
    post_save.connect(counts_changed, sender=SituationCounts, dispatch_uid="tallies-counts", weak=False)
    post_delete.connect(counts_changed, sender=SituationCounts, dispatch_uid="tallies-counts-del", weak=False)
    post_save.connect(commune_saved, sender=Commune, dispatch_uid="tallies-commune", weak=False)


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
