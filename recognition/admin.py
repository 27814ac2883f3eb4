from django.contrib import admin

from .models import RecognitionDecision


@admin.register(RecognitionDecision)
class RecognitionDecisionAdmin(admin.ModelAdmin):
    list_display = ("dossier", "outcome", "decided_on", "signer_name")
    list_filter = ("outcome",)
    list_select_related = ("dossier__commune",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
