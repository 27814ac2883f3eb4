from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, User


class OfficialCreationForm(AdminUserCreationForm):
    """Thêm cán bộ: the account, the full name (family name first) and the post, in one form."""

    full_name = forms.CharField(
        label=_("full name"), max_length=150, help_text=_("Family name first, e.g. Nguyễn Văn An.")
    )
    role = forms.ChoiceField(label=_("role"))
    unit_code = forms.CharField(
        label=_("unit code"),
        required=False,
        max_length=10,
        help_text=_("The GSO code of the commune, district or province (empty for the Ministry's viewer)."),
    )
    title = forms.CharField(label=_("title"), required=False, max_length=150)

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email")

    def __init__(self, *args, **kwargs):
        from communes.models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices

    def clean(self):
        from communes.models import ROLE_LEVEL, Commune, District, Province

        cleaned = super().clean()
        role, code = cleaned.get("role"), (cleaned.get("unit_code") or "").strip()
        self.unit = None
        if role:
            level = ROLE_LEVEL[role]
            if level == "country":
                if code:
                    self.add_error(
                        "unit_code", _("This role works for the whole country: leave the code empty.")
                    )
            else:
                model = {"commune": Commune, "district": District, "province": Province}[level]
                units = list(model.objects.filter(code=code).valid_on(timezone.localdate())[:2])
                if len(units) != 1:
                    self.add_error(
                        "unit_code",
                        _("No %(level)s with this code is in place today.")
                        % {"level": model._meta.verbose_name},
                    )
                else:
                    self.unit = units[0]
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # Vietnamese order: the full name as printed under a signature, family name first; no given name
    # before a family name.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Official"), {"fields": ("full_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_form = OfficialCreationForm
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "email", "usable_password", "password1", "password2")}),
        (_("Post"), {"fields": ("role", "unit_code", "title")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    ordering = ("full_name", "username")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and isinstance(form, OfficialCreationForm):
            from communes.services import post_create

            post_create(
                user=obj,
                role=form.cleaned_data["role"],
                unit=form.unit,
                title=form.cleaned_data["title"],
                actor=request.user,
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be edited or pruned from the admin."""

    list_display = ("at", "kind", "username", "ip", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "detail", "ip")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
