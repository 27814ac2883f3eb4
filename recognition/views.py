from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments import permissions as dossier_perms
from assessments import selectors as dossier_selectors
from assessments.models import Dossier
from assessments.services import DossierActionError, DossierConflict, dossier_send_back
from communes.selectors import active_posts_of

from .forms import DecisionForm
from .services import decision_record


@login_required
def decision(request, pk: int):
    """The deciding authority's page: the appraisal's findings, then recognise, refuse or send back."""
    try:
        dossier = dossier_selectors.dossier_for_page(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    if not dossier_perms.can_view(dossier, request.user):
        raise Http404
    if not dossier_perms.can_decide(dossier, request.user):
        raise PermissionDenied
    if dossier.state != Dossier.State.APPRAISED:
        messages.info(request, _("This dossier is not waiting for a decision."))
        return redirect("assessments:dossier_detail", pk=pk)
    title = next((p.title for p in active_posts_of(request) if p.title), "")
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["outcome"] == "send_back":
                    dossier_send_back(
                        dossier=dossier,
                        actor=request.user,
                        reason=data["reasons"],
                        expected_version=data["version"],
                    )
                    messages.success(request, _("The dossier was sent back to the district police."))
                else:
                    decision_record(
                        dossier=dossier,
                        actor=request.user,
                        outcome=data["outcome"],
                        decided_on=data["decided_on"],
                        reasons=data["reasons"],
                        signer_title=data["signer_title"],
                        expected_version=data["version"],
                    )
                    messages.success(request, _("The decision was recorded."))
                return redirect("assessments:dossier_detail", pk=pk)
            except DossierActionError as error:
                messages.error(request, error.message)
                for problem in error.problems:
                    messages.warning(request, problem)
                status = 409 if isinstance(error, DossierConflict) else 400
                return _render(request, dossier, form, status)
        messages.error(request, _("Some values are not valid; nothing was saved. Correct the marked fields."))
        return _render(request, dossier, form, 400)
    form = DecisionForm(initial={"version": dossier.version, "signer_title": title})
    return _render(request, dossier, form)


def _render(request, dossier, form, status=200):
    return render(
        request,
        "recognition/decision.html",
        {
            "dossier": dossier,
            "form": form,
            "rows": dossier_selectors.criterion_rows(dossier=dossier),
            "appraisal": dossier_selectors.appraisal_of(dossier),
        },
        status=status,
    )
