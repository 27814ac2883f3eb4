"""Third-party words our catalogue translates, because their own Vietnamese is wrong or missing: listed
here so that makemessages keeps them in our catalogue, which comes first (LOCALE_PATHS).

- Django's "Nhập một số tổng thể." reads wrong ("Nhập một số nguyên.").
- Django's admin has no Vietnamese yet for the column headers it added in 5.x.
- django-axes (sign-in attempts, in the admin) has no Vietnamese catalogue at all.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Enter a whole number."),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access attempts"),
    gettext_noop("Access failures"),
    gettext_noop("Access logs"),
    gettext_noop("Axes"),
]
