from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An official's account (tài khoản cán bộ). What they may do comes from their posts."""

    full_name = models.CharField(
        _("full name"),
        max_length=150,
        blank=True,
        help_text=_("As printed under a signature, family name first, e.g. Nguyễn Văn An."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()
