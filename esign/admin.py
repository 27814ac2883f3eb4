"""The administrator configures the province's trust and puts certificates on file (uploaded files)."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import RevocationList, SignatureEvidence, SigningCertificate, TrustAnchor


class _UploadForm(forms.ModelForm):
    upload = forms.FileField(label=_("File (PEM or DER)"))

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None:
            try:
                self.instance.read(upload.read())
            except forms.ValidationError as error:
                self.add_error("upload", error)
        return cleaned


class TrustAnchorForm(_UploadForm):
    class Meta:
        model = TrustAnchor
        fields = ["province", "is_root"]


class SigningCertificateForm(_UploadForm):
    class Meta:
        model = SigningCertificate
        fields = ["user", "issuing_body"]


class RevocationListForm(_UploadForm):
    class Meta:
        model = RevocationList
        fields = ["province"]


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    form = TrustAnchorForm
    list_display = ["subject", "province", "is_root", "not_after", "sha256"]
    readonly_fields = ["subject", "issuer", "not_before", "not_after", "sha256"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    form = SigningCertificateForm
    list_display = ["subject", "user", "issuing_body", "not_after", "confirmed_by", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    actions = ["confirm"]

    @admin.action(description=_("Confirm the selected certificates for their holders"))
    def confirm(self, request, queryset):
        from .services import certificates_confirm

        count = certificates_confirm(certificates=list(queryset), actor=request.user)
        self.message_user(request, _("%(count)s certificates confirmed.") % {"count": count})

    readonly_fields = [
        "subject",
        "issuer",
        "not_before",
        "not_after",
        "sha256",
        "confirmed_by",
        "confirmed_at",
    ]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.confirmed_by, obj.confirmed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(RevocationList)
class RevocationListAdmin(admin.ModelAdmin):
    form = RevocationListForm
    list_display = ["issuer", "province", "this_update", "next_update"]
    readonly_fields = ["issuer", "this_update", "next_update"]


@admin.register(SignatureEvidence)
class SignatureEvidenceAdmin(admin.ModelAdmin):
    list_display = ["document", "position", "role", "signer_subject", "signing_time"]
    readonly_fields = [f.name for f in SignatureEvidence._meta.fields]

    def has_add_permission(self, request):
        return False
