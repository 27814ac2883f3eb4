from django import forms
from django.contrib import admin, messages
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import UserAdmin
from accounts.models import User

from .models import Commune, District, IssuingBody, Post, Province, RegisterNumber, Role
from .selectors import UnitNotFound, unit_of_post
from .services import post_create, post_end


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through the services (dossiers, decisions), never by editing the admin:
    shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UnitSearchMixin:
    """Admin search that also matches without diacritics ('Nam Can' finds Nậm Cắn and Nậm Càn)."""

    search_fields = ("code", "name")
    search_help_text = _("Name with or without diacritics, or GSO code.")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(code__startswith=term), False
        return queryset.search(term), False


@admin.register(Province)
class ProvinceAdmin(UnitSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(District)
class DistrictAdmin(UnitSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_border", "valid_from", "valid_until")
    list_filter = ("is_border", "kind")
    list_editable = ("is_border",)


@admin.register(Commune)
class CommuneAdmin(UnitSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "district", "province", "is_border", "valid_from", "valid_until")
    list_filter = (
        "is_border",
        "kind",
        ("district", admin.RelatedOnlyFieldListFilter),
        ("district", admin.EmptyFieldListFilter),
        "valid_from",
    )
    # An admin corrects a border flag here (a new unit takes its predecessors' flag when imported).
    list_editable = ("is_border",)
    list_select_related = ("district", "province")
    autocomplete_fields = ("district", "province")
    filter_horizontal = ("predecessors",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Posts are created and ended through the services, so permissions follow them."""

    list_display = ("user", "role", "unit_display", "title", "capacity", "started_on", "ended_on")
    list_filter = ("role", "ended_on")
    search_fields = ("user__username", "user__full_name", "title")
    autocomplete_fields = ("user", "commune", "district", "province")
    list_select_related = ("user", "commune", "district", "province")
    actions = ["end_posts"]

    @admin.display(description=_("unit"))
    def unit_display(self, obj):
        return obj.unit

    def get_readonly_fields(self, request, obj=None):
        # Who, which role and where are fixed once granted: end the post and create another.
        if obj is not None:
            return ("user", "role", "commune", "district", "province", "started_on")
        return ()

    def save_model(self, request, obj, form, change):
        try:
            if not change:
                created = post_create(
                    user=obj.user,
                    role=obj.role,
                    unit=obj.commune or obj.district or obj.province,
                    title=obj.title,
                    # Chosen, or read from the title ("Phó Chủ tịch" signs KT.).
                    capacity=obj.capacity if "capacity" in form.changed_data else "",
                    started_on=obj.started_on,
                    actor=request.user,
                )
                obj.pk = created.pk
            elif "ended_on" in form.changed_data and obj.ended_on:
                post_end(post=obj, ended_on=obj.ended_on, actor=request.user)
            else:
                obj.save(update_fields=["title", "capacity"])
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)

    @admin.action(description=_("End the selected posts today"))
    def end_posts(self, request, queryset):
        count = 0
        for post in queryset.filter(ended_on__isnull=True).select_related("user"):
            post_end(post=post, actor=request.user)
            count += 1
        self.message_user(request, ngettext("%d post ended.", "%d posts ended.", count) % count)


@admin.register(IssuingBody)
class IssuingBodyAdmin(admin.ModelAdmin):
    """Provincial staff choose who numbers each body's documents and the symbols it uses."""

    list_display = ("name", "code", "kind", "numbering", "symbols")
    list_filter = ("kind", "numbering")
    search_fields = ("name", "code")
    readonly_fields = ("code", "kind", "level")


@admin.register(RegisterNumber)
class RegisterNumberAdmin(ReadOnlyAdmin):
    """The numbers taken in each register: read when a number is questioned, never edited."""

    list_display = ("body", "year", "series", "number", "issued_on", "by_clerk", "label")
    list_filter = ("series", "year", "by_clerk")
    search_fields = ("body__name", "label")


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
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices

    def clean(self):
        cleaned = super().clean()
        self.unit = None
        if cleaned.get("role"):
            try:
                self.unit = unit_of_post(role=cleaned["role"], code=cleaned.get("unit_code", ""))
            except UnitNotFound as error:
                self.add_error("unit_code", error.message)
        return cleaned


class OfficialUserAdmin(UserAdmin):
    """The accounts' admin, with "add" creating an official in one step: the account, the full name and
    the post (its permissions granted as for any post)."""

    add_form = OfficialCreationForm
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "email", "usable_password", "password1", "password2")}),
        (_("Post"), {"fields": ("role", "unit_code", "title")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and isinstance(form, OfficialCreationForm):
            post_create(
                user=obj,
                role=form.cleaned_data["role"],
                unit=form.unit,
                title=form.cleaned_data["title"],
                actor=request.user,
            )


admin.site.unregister(User)
admin.site.register(User, OfficialUserAdmin)
