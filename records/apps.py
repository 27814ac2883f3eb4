from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Ghi nhận quyết định: the decisions a province issued outside the application, entered so that its
    past reads like any other year."""

    name = "records"
    verbose_name = _("Recorded decisions")
