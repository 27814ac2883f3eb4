from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EsignConfig(AppConfig):
    """Ký số: the digital signatures that make an electronic document the original (Decree 30, Art. 5)."""

    name = "esign"
    verbose_name = _("Digital signatures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from recognition.selectors import VERIFICATION_EXTRAS

        from .selectors import verification_signatures

        VERIFICATION_EXTRAS.append(verification_signatures)
