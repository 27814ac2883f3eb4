from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from accounts import views as account_views
from accounts.decorators import login_not_required, post_not_required
from assessments import views as assessment_views
from recognition import views as recognition_views

from . import views as deployment_views

admin.site.site_header = _("Commune drug-prevention recognition: administration")
admin.site.site_title = _("Commune drug-prevention recognition")
admin.site.index_title = _("Site administration")

urlpatterns = [
    path("", assessment_views.inbox, name="home"),
    path("notifications/", assessment_views.notifications, name="notifications"),
    path("dossiers/", include("assessments.urls")),
    path("", include("recognition.urls")),
    path("", include("council.urls")),
    path("", include("esign.urls")),
    path("", include("records.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("healthz", deployment_views.healthz, name="healthz"),
    path("verify/<str:code>/", recognition_views.verify, name="verify"),
    path("reference/", account_views.reference, name="reference"),
    path(
        "accounts/login/",
        post_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/keepalive/", account_views.keepalive, name="keepalive"),
    path("accounts/logout/", post_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password/",
        post_not_required(account_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        post_not_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        post_not_required(deployment_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        post_not_required(deployment_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        post_not_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/saved/",
        post_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # The language is chosen on the sign-in page too.
    path("i18n/setlang/", post_not_required(login_not_required(set_language)), name="set_language"),
    path("units/", include("communes.urls")),
    path("admin/", admin.site.urls),
]

handler400 = deployment_views.bad_request
