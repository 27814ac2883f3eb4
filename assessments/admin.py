from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communes.admin import ReadOnlyAdmin

from .models import Appraisal, CriteriaSet, Criterion, Dossier, DossierEvent, Evidence, InspectionTeam
from .services import criteria_set_new_version


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = (
        "order",
        "code",
        "text_vi",
        "text_en",
        "measure",
        "comparator",
        "target",
        "evidence_required",
        "applies_to",
    )

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_locked

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    """A set used by a submitted dossier is read-only; "new version" copies it for editing."""

    list_display = ("code", "version", "title_vi", "year_from", "year_to", "procedure", "is_active")
    list_filter = ("is_active", "procedure", "level")
    inlines = [CriterionInline]
    actions = ["make_new_version"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_locked:
            self.message_user(
                request,
                _(
                    "This set is used by submitted dossiers and cannot be edited in place. "
                    "Use the action “Create a new version” to change it."
                ),
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Create a new version (copy) of the selected set"))
    def make_new_version(self, request, queryset):
        created = [criteria_set_new_version(criteria_set=cs) for cs in queryset]
        self.message_user(
            request, _("New version created; the old one is no longer offered for new dossiers.")
        )
        if len(created) == 1:
            return redirect(reverse("admin:assessments_criteriaset_change", args=[created[0].pk]))
        return None


class EventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ("at", "actor_name", "transition", "from_state", "to_state", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("commune", "year", "state", "criteria_set", "state_changed_at")
    list_filter = ("year", "state", "commune__is_border")
    search_fields = ("commune__name", "commune__name_ascii", "commune__code")
    list_select_related = ("commune", "criteria_set")
    inlines = [EventInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "dossier", "criterion", "size", "uploaded_at")
    list_select_related = ("dossier__commune", "criterion")


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "inspection_date", "recommendation")
    list_select_related = ("dossier__commune",)


@admin.register(InspectionTeam)
class InspectionTeamAdmin(admin.ModelAdmin):
    """The police commands' saved inspection teams (saved from the appraisal form): renamed or removed
    here; an appraisal keeps the members copied into it."""

    list_display = ("name", "district", "province", "saved_by", "saved_at")
    list_filter = ("province",)
    search_fields = ("name",)
    readonly_fields = ("saved_by", "saved_at")
