"""The one-time link that lets an official set a password (đường dẫn đặt mật khẩu)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .forms import FirstPasswordResetForm

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.txt"


def link_context() -> dict:
    """What the e-mail says besides the link: the site's address and how long the link is valid."""
    return {
        "site_url": settings.SITE_URL.rstrip("/"),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


def password_link_send(*, user) -> None:
    """E-mail `user` a one-time link to set their password (their first one, after an import).
    Sent at once, never kept in the outbox: the link is a credential for PASSWORD_RESET_TIMEOUT."""
    context = {
        **link_context(),
        "user": user,
        "email": user.email,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "first": True,
    }
    FirstPasswordResetForm().send_mail(
        SUBJECT_TEMPLATE, EMAIL_TEMPLATE, context, settings.DEFAULT_FROM_EMAIL, user.email
    )
