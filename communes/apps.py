from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Administrative units and officials")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .fragments import bump_on_change
        from .models import Commune, District, Province

        # Names and borders of units appear in lists, dashboards and dossier headers.
        bump_on_change("units", Province, District, Commune)

        from django.db.models.signals import post_delete, post_save

        from .selectors import forget_site_province

        for signal in (post_save, post_delete):
            signal.connect(forget_site_province, sender=Province, dispatch_uid=f"site-province-{signal}")

        post_save.connect(grant_country_roles, sender=Province, dispatch_uid="country-roles-new-province")


def grant_country_roles(sender, instance, created, raw=False, **kwargs):
    """A province added one by one (the importer, the admin) is seen by the roles that see every
    province (the Ministry's viewer); bulk writers call country_roles_grant themselves."""
    if not created or raw:
        return
    from .permissions import country_roles_grant

    country_roles_grant(provinces=[instance])
