from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class SignInProtectionConfig(AxesAppConfig):
    """django-axes under a name officials read in the admin (its own label is "Axes")."""

    verbose_name = _("Sign-in protection")
