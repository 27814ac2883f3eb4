from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EsignConfig(AppConfig):
    """Ký số: the digital signatures that make an electronic document the original (Decree 30, Art. 5)."""

    name = "esign"
    verbose_name = _("Digital signatures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assessments.panels import register_work_source
        from recognition.selectors import VERIFICATION_EXTRAS

        from .selectors import verification_signatures, work_for

        if verification_signatures not in VERIFICATION_EXTRAS:
            VERIFICATION_EXTRAS.append(verification_signatures)
        register_work_source(work_for)
