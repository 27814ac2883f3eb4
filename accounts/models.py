from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnlyModel


class User(AbstractUser):
    """An official's account (tài khoản cán bộ). What they may do comes from their posts."""

    full_name = models.CharField(
        _("full name"),
        max_length=150,
        blank=True,
        help_text=_("As printed under a signature, family name first, e.g. Nguyễn Văn An."),
    )
    # Phiên bản quyền: changed in the transaction that changes the user's posts or groups (or renames a
    # unit of theirs), so what is kept per user (communes.selectors.active_posts_of) is read under it and
    # never stale. Read with the user's row on every request: it costs no query.
    grants_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class AuditEntry(AppendOnlyModel):
    """Nhật ký: who signed in (or failed to), and who changed posts and permissions. Append-only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        POST_CREATED = "post_created", _("Post created")
        POST_ENDED = "post_ended", _("Post ended")
        GROUPS_CHANGED = "groups_changed", _("Groups changed")
        PERMISSIONS_CHANGED = "permissions_changed", _("Permissions changed")
        STATUS_CHANGED = "status_changed", _("Account status changed")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
