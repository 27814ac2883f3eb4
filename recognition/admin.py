from django.contrib import admin

from communes.admin import ReadOnlyAdmin

from .models import RecognitionDecision


@admin.register(RecognitionDecision)
class RecognitionDecisionAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "outcome", "decided_on", "signer_name")
    list_filter = ("outcome",)
    list_select_related = ("dossier__commune",)
