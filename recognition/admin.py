"""The official records in the admin: decisions, revocations and documents are shown, never edited
here (the services change them); the legal bases the documents cite are kept here by an administrator."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communes.admin import ReadOnlyAdmin

from .models import CollectiveDecision, Document, LegalBasis, RecognitionDecision, Revocation


@admin.register(RecognitionDecision)
class RecognitionDecisionAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "outcome", "number_display", "decided_on", "signer_name")
    list_filter = ("outcome",)
    list_select_related = ("dossier__commune",)
    search_fields = ("dossier__commune__name", "issuer_name")


@admin.register(Revocation)
class RevocationAdmin(ReadOnlyAdmin):
    list_display = ("decision", "number_display", "decided_on", "signer_name")
    list_select_related = ("decision__dossier__commune",)


@admin.register(CollectiveDecision)
class CollectiveDecisionAdmin(ReadOnlyAdmin):
    list_display = ("number_display", "province", "evaluated_year", "decided_on", "signer_name")
    list_select_related = ("province",)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Each document's status, attempts and error; the failed ones are prepared again from here by
    those allowed to (the deciding authority, the provincial police, administrators)."""

    list_display = ("pk", "kind", "year", "status", "attempts", "requested_at", "rendered_at")
    list_filter = ("status", "kind", "year")
    search_fields = ("verification_code", "dossier__commune__name")
    list_select_related = ("dossier__commune",)
    exclude = ("file",)  # downloaded through its permission-checked page only
    actions = ["prepare_again"]

    @admin.action(description=_("Prepare the chosen failed documents again"))
    def prepare_again(self, request, queryset):
        from .services.documents import document_retry

        done = refused = 0
        for document in queryset.filter(status=Document.Status.FAILED).select_related("dossier__commune"):
            try:
                document_retry(document=document, actor=request.user)
                done += 1
            except PermissionDenied:
                refused += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(n)d document is being prepared again.",
                    "%(n)d documents are being prepared again.",
                    done,
                )
                % {"n": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(n)d document was not yours to prepare again.",
                    "%(n)d documents were not yours to prepare again.",
                    refused,
                )
                % {"n": refused},
                messages.WARNING,
            )
        if not done and not refused:
            self.message_user(request, _("None of the chosen documents had failed."), messages.INFO)


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """Căn cứ pháp lý: kept by an administrator; its dates and what its kind cites are checked
    (LegalBasis.clean)."""

    list_display = ("__str__", "role", "kind", "signed_on", "in_force_from", "in_force_until")
    list_filter = ("role", "kind")
    search_fields = ("number", "title", "issuer")
