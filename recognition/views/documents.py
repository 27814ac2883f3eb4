"""Document pages: downloads and retries behind the permission checks, the dossier's documents panel, the failed documents, and the public verification page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import public
from assessments import workflow
from assessments.models import Dossier
from assessments.pages import confirmed_act, followed_province, show_action_error, visible_dossier
from assessments.services import DossierActionError
from communes.confirm import Confirmation
from communes.fragments import cached_value, data_versions
from communes.permissions import (
    can_retry_documents,
    has_unit_perm,
)
from communes.protected_media import protected_file_response

from .. import permissions, selectors, services
from ..documents import download_name, entry, naming_filter
from ..models import DOCUMENTS_VERSION, Document


def _document_for(request, document_id: int) -> Document:
    document = get_object_or_404(
        Document.objects.select_related(
            "dossier__commune__district", "dossier__commune__province", "dossier__criteria_set", "decision"
        ),
        pk=document_id,
    )
    if not permissions.can_view_document(document, request.user):
        raise Http404
    return document


@require_GET
def document_download(request, document_id: int):
    """PDFs are served only here, after the permission check, with a readable Vietnamese name."""
    document = _document_for(request, document_id)
    if document.status != Document.Status.READY:
        raise Http404
    return protected_file_response(
        document.file,
        filename=download_name(document),
        content_type="application/pdf",
        as_attachment=request.GET.get("inline") != "1",
    )


@require_POST
def document_retry(request, document_id: int):
    document = _document_for(request, document_id)
    try:
        services.document_retry(document=document, actor=request.user)
    except DossierActionError as error:
        show_action_error(request, error)
    else:
        messages.success(request, _("The document is being prepared again."))
    if document.dossier_id:
        return redirect("assessments:dossier_detail", pk=document.dossier_id)
    return redirect("recognition:summaries")


@require_GET
def documents_panel(request, pk: int):
    """The documents of a dossier as an HTML fragment; the page refreshes it while any is pending."""
    dossier = visible_dossier(request, pk)
    return render(request, "recognition/_documents.html", documents_context(dossier, request.user))


def decision_panel(request, dossier: Dossier) -> str:
    """The decision and its documents on the dossier page (registered with assessments.panels); before
    a decision, the documents naming the commune alone (the council's notice to a commune it did not
    recommend)."""
    context = documents_context(dossier, request.user)
    decision = None
    if dossier.state in Dossier.DECIDED_STATES:
        # The decision comes with its documents (one query); a decision without documents is read alone.
        decision = next((d.decision for d, _ in context["documents"] if d.decision_id), None) or getattr(
            dossier, "recognition_decision", None
        )
    if decision is None:
        if not context["documents"]:
            return ""
        return render_to_string("recognition/_documents_card.html", context, request=request)
    can_keep_register = decision.is_draft and permissions.can_keep_register(
        decision.collective if decision.collective_id else decision, request.user
    )
    # What the panel says of the decision's standing: revoked or lapsed as decision_standing reads it
    # today (a recorded recognition of 2022 has lapsed before the nightly expiry reaches it), refused by
    # where the table's steps led the dossier.
    from django.utils import timezone

    decision.dossier = dossier  # the page's own dossier: no query for it
    code = selectors.decision_standing(decision, today=timezone.localdate())[0]
    standing = {"revoked": "revoked_by", "lapsed": "lapsed"}.get(code) or (
        "refused" if dossier.state == workflow.target_of("refuse") else "in_force"
    )
    # An electronic decision takes effect at the organisation's signature: until then the panel says so.
    awaiting_signature = next(
        (
            d
            for d, _ in context["documents"]
            if d.awaiting_signature
            and not d.revocation_id
            # The decision's own document (numbered in the decisions' series), never its dispatch.
            and entry(d.kind).series == services.DECISION_SERIES
            and (
                d.decision_id == decision.pk
                or (decision.collective_id and d.collective_id == decision.collective_id)
            )
        ),
        None,
    )
    return render_to_string(
        "recognition/_decision_panel.html",
        {
            "decision": decision,
            "can_keep_register": can_keep_register,
            "standing": standing,
            "awaiting_signature": awaiting_signature,
            **context,
        },
        request=request,
    )


def documents_context(dossier: Dossier, user) -> dict:
    documents = _documents_of(dossier)
    for document in documents:  # the page's dossier, with its relations already loaded
        if document.dossier_id == dossier.pk:
            document.dossier = dossier
    documents = [d for d in documents if d.dossier_id or permissions.can_view_document(d, user)]
    can_retry = bool(documents) and permissions.can_manage_document(documents[0], user)
    return {
        # The deciding body's clerk attaches the scans of the signed papers (a body on paper).
        "can_attach_scans": has_unit_perm(user, "keep_register", workflow.deciding_unit(dossier)),
        "dossier": dossier,
        "documents": [(d, download_name(d)) for d in documents],
        "any_pending": any(d.status == Document.Status.PENDING for d in documents),
        "can_retry": can_retry,
    }


def _documents_of(dossier: Dossier) -> list[Document]:
    """The dossier's own documents, and the province-level ones naming its commune (the decision whose
    annex lists it, the council's notice that names it), before any reader's permission is applied.
    The same for every reader: kept in the cache under the documents' version (DOCUMENTS_VERSION:
    every save, delete and bulk update of a document, decision or revocation bumps it, in its
    transaction) and the units' (the province's name on a document)."""

    def compute() -> list[Document]:
        # Which documents first, then their rows: the kinds' subqueries OR-ed in a query that also joins
        # the four relations of a hundred columns took PostgreSQL longer to plan than both queries take
        # to run (4.9 against 1.9 ms for a dossier with none; 3.7 ms with some), and a dossier with no
        # documents, most of them, needs only the first. No DISTINCT: each kind's naming is a
        # subquery, so no id comes twice.
        found = list(
            Document.objects.filter(Q(dossier=dossier) | naming_filter(dossier)).values_list("pk", flat=True)
        )
        if not found:
            return []
        return list(
            Document.objects.filter(pk__in=found)
            .select_related("decision", "revocation", "collective", "province")
            .order_by("pk")
        )

    return cached_value(
        parts=("dossier-documents", dossier.pk, data_versions(DOCUMENTS_VERSION, "units")), compute=compute
    )


@public
@require_GET
def verify(request, code: str):
    """Xác thực văn bản: public, no sign-in. What the printed code or QR code names: the kind, number,
    date, issuing body, commune, outcome, the document's standing today and the SHA-256 of the issued
    file; a copy dropped on the page is hashed by the browser (nothing is uploaded). Nothing else."""
    if not _verification_allowed(request):
        return render(request, "recognition/verify.html", {"limited": True}, status=429)
    normalised = code.replace("-", "").replace(" ", "").upper()
    document = (
        Document.objects.filter(verification_code=normalised, status=Document.Status.READY)
        .select_related(
            "decision__dossier__commune", "revocation__decision__dossier__commune", "collective", "province"
        )
        .first()
    )
    if document is None:
        from ..models import RecordedDecision

        recorded = RecordedDecision.objects.filter(verification_code=normalised).first()
        if recorded is not None:
            return render(
                request, "recognition/verify.html", {"facts": selectors.recorded_verification_facts(recorded)}
            )
        return render(request, "recognition/verify.html", {"unknown": code[:40]}, status=404)
    return render(request, "recognition/verify.html", {"facts": selectors.verification_facts(document)})


def _verification_allowed(request) -> bool:
    """At most VERIFY_REQUESTS_PER_MINUTE lookups per address: the codes cannot be walked through.
    Counted in the cache (open when the cache is down: the codes are random and long)."""
    from django.conf import settings

    from communes.limits import by_client, over_limit

    return not over_limit(
        request, group="verify", key=by_client, limit=settings.VERIFY_REQUESTS_PER_MINUTE, per="m"
    )


def documents_failed(request):
    """Văn bản lỗi: the provincial police see the province's documents whose rendering failed, with the
    error, and prepare them again in one go."""

    province = followed_province(request)
    if not can_retry_documents(request.user, province):
        raise PermissionDenied
    failed = list(services.failed_documents(province=province)[:500])
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("documents") if v.isdigit()]
        names = {d.pk: download_name(d) for d in failed}

        def act():
            count = services.documents_retry_failed(
                province=province, actor=request.user, document_ids=chosen
            )
            messages.success(request, _("%(count)s documents are being prepared again.") % {"count": count})
            return redirect("recognition:documents_failed")

        if not chosen:
            messages.error(request, _("Tick at least one document."))
        else:
            answer = confirmed_act(
                request,
                form=None,
                confirmation=lambda: Confirmation(
                    title=_("Prepare %(count)s documents again") % {"count": len(chosen)},
                    confirm_label=_("Confirm: prepare them again"),
                    cancel_url=reverse("recognition:documents_failed"),
                    facts=[(_("Documents"), "\n".join(names.get(pk, str(pk)) for pk in chosen))],
                    consequences=[
                        _("Each document goes back to the workers; its page shows it when it is ready.")
                    ],
                ),
                act=act,
            )
            if answer.response:
                return answer.response
    return render(
        request,
        "recognition/documents_failed.html",
        {"documents": [(d, download_name(d)) for d in failed]},
    )
