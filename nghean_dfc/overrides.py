"""Django's own messages whose Vietnamese reads wrong: listed here so that our catalogue, which comes
first (LOCALE_PATHS), carries the right words ("Nhập một số nguyên.", not "Nhập một số tổng thể.")."""

from django.utils.translation import gettext_noop

OVERRIDDEN = [gettext_noop("Enter a whole number.")]
