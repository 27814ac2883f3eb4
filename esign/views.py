"""Ký số: the page where the signer, then the clerk, download the final file and bring it back signed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communes.protected_media import protected_file_response
from recognition.documents import download_name, kinds
from recognition.models import Document
from recognition.permissions import can_view_document

from . import permissions, selectors, services
from .validation import SignatureRefused

# A signed decision with its 130-row annex is a few MB; anything far larger is not one of ours.
MAX_SIGNED_UPLOAD = 40 * 1024 * 1024


def _document(request, document_id: int) -> Document:
    document = get_object_or_404(
        Document.objects.select_related(
            "decision__dossier__commune__province", "revocation__decision__dossier", "collective", "province"
        ),
        pk=document_id,
    )
    if not can_view_document(document, request.user):
        raise Http404
    if not permissions.can_see_signing(document, request.user):
        raise PermissionDenied
    return document


def document_signing(request, document_id: int):
    """GET: the document's signatures so far and the upload its stage waits for; POST: the upload."""
    document = _document(request, document_id)
    error = None
    status = 200
    if request.method == "POST" and "scan" in request.FILES:
        try:
            services.scan_attach(document=document, actor=request.user, data=request.FILES["scan"].read())
        except SignatureRefused as refused:
            error, status = refused.message, 400
        else:
            messages.success(request, _("The scan of the signed paper was attached."))
            return redirect("esign:document_signing", document_id=document.pk)
    elif request.method == "POST":
        uploaded = request.FILES.get("signed_file")
        if uploaded is None:
            error = _("Choose the signed PDF file.")
        elif uploaded.size > MAX_SIGNED_UPLOAD:
            error = _("The file is larger than %(mb)s MB.") % {"mb": MAX_SIGNED_UPLOAD // (1024 * 1024)}
        else:
            try:
                services.signature_upload(
                    document=document,
                    actor=request.user,
                    uploaded=uploaded.read(),
                    seen_stage=request.POST.get("stage"),
                )
            except SignatureRefused as refused:
                error = refused.message
                if refused.certificate_der and services.certificate_suggest(
                    document=document, data=refused.certificate_der
                ):
                    error += " " + _(
                        "Its name is the signer's: it is proposed to an administrator, who confirms it "
                        "before it is accepted."
                    )
            else:
                messages.success(request, _("The digital signature was validated and kept."))
                return redirect("esign:document_signing", document_id=document.pk)
        status = 400
    if status == 400:
        document.refresh_from_db()
    return render(
        request,
        "esign/document_signing.html",
        {
            "document": document,
            "filename": download_name(document),
            "number": kinds.entry(document.kind).identity(document).number,
            "signatures": selectors.signatures_of(document),
            "can_attach_scan": permissions.can_attach_scan(document, request.user),
            "can_sign": permissions.can_sign_as_signer(document, request.user)
            or permissions.can_sign_for_organisation(document, request.user),
            "error": error,
        },
        status=status,
    )


@require_GET
def signed_download(request, document_id: int):
    """The signed file (the electronic original once complete), behind the same permission check."""
    document = get_object_or_404(Document, pk=document_id)
    if not can_view_document(document, request.user):
        raise Http404
    complete = document.signature_stage == Document.SignatureStage.SIGNED and document.signed_file
    if not complete:
        # Before the organisation's signature, the signer-signed file is for the signer and the clerk.
        if not permissions.can_see_signing(document, request.user):
            raise PermissionDenied
        if not document.signed_file:
            return redirect("esign:document_signing", document_id=document.pk)
    return protected_file_response(
        document.signed_file,
        filename=download_name(document).replace(".pdf", " (ký số).pdf"),
        content_type="application/pdf",
    )


def awaiting(request):
    """Văn bản chờ ký số: the documents waiting for the user's signature or for their office's."""
    documents = [
        (document, kinds.entry(document.kind).identity(document).number)
        for document in selectors.awaiting_for(request.user)
    ]
    return render(request, "esign/awaiting.html", {"documents": documents})


@require_GET
def scan_download(request, document_id: int):
    """The scan of the signed paper, for whoever may read the document."""
    document = get_object_or_404(Document, pk=document_id)
    if not can_view_document(document, request.user):
        raise Http404
    if not document.scan:
        return redirect("esign:document_signing", document_id=document.pk)
    return protected_file_response(
        document.scan,
        filename=download_name(document).replace(".pdf", " (bản quét).pdf"),
        content_type="application/pdf",
    )
