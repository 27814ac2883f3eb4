"""Account forms (biểu mẫu tài khoản)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.forms import PasswordChangeForm
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
