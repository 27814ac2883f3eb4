"""Account forms (biểu mẫu tài khoản)."""

import unicodedata

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Changing one's password (đổi mật khẩu), its old password counted as a sign-in.

    Without it, a session left open on an office computer could guess the old password without limit:
    a wrong one is a failed sign-in for django-axes, under the same limit and with the same lockout page
    as the sign-in form (the middleware gives it once `axes_locked_out` is set on the request).
    """

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            self.request.axes_locked_out = True
            self.request.axes_credentials = credentials
            raise ValidationError(_("Signing in with this account is locked for now."), code="locked")
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise


class FirstPasswordResetForm(PasswordResetForm):
    """Quên mật khẩu / đặt mật khẩu lần đầu: the e-mailed one-time link.

    Django's form leaves out accounts without a usable password; an official created by
    `import_officials` has none until they set it, so they are included (active accounts only)."""

    def get_users(self, email):
        User = get_user_model()
        field = User.get_email_field_name()
        return (
            user
            for user in User._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
            if _email_matches(getattr(user, field), email)
        )


def _email_matches(stored: str, typed: str) -> bool:
    """As Django compares them: case-insensitively, after Unicode compatibility normalisation."""
    return (
        unicodedata.normalize("NFKC", stored or "").casefold()
        == unicodedata.normalize("NFKC", typed).casefold()
    )
