"""The police's papers on a dossier, prepared when its appraisal is completed: the step's effect
`prepare_appraisal_papers` (the workflow table names it; recognition registers it when ready). What they
are comes from the table (AppraisalPapers): the district's minutes and Tờ trình, the provincial police's
report. Their numbers were taken by `number_appraisal` just before, in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from assessments import workflow
from assessments.models import Dossier
from communes.models import IssuingBody
from communes.selectors import signing_post
from communes.services import issuing_body_for
from communes.signing import SigningCapacity

from ..models import Document
from .documents import _enqueue_after_commit

if TYPE_CHECKING:
    from accounts.models import User


def _signer(actor: User | None, unit) -> dict:
    """Who signs the papers: the official completing the appraisal, as their post in the appraising
    command says (its title and how its holder signs: "Phó Trưởng Công an huyện" signs KT.)."""
    if actor is None:
        return {}
    post = signing_post(actor, unit)
    return {
        "signer_name": actor.get_full_name(),
        "signer_title": post.title if post else "",
        "signer_capacity": post.capacity if post else SigningCapacity.HEAD,
    }


def appraisal_papers_prepare(dossier: Dossier, actor: User | None = None) -> list[Document]:
    """The appraisal's own paper and, where the table has one per dossier, the proposal: requested for
    the workers once the completion commits. Completed again after being sent back, the same papers
    (their numbers and verification codes) are rendered again from what the appraisal holds now."""
    papers = workflow.appraisal_papers(dossier)
    appraisal = dossier.appraisal
    days = {papers.paper_kind: appraisal.inspection_date}
    if papers.proposal_kind:
        days[papers.proposal_kind] = appraisal.proposal_date
    unit = workflow.appraising_unit(dossier)
    signer = _signer(actor, unit)
    body = issuing_body_for(unit=unit, kind=IssuingBody.Kind.POLICE)
    now = timezone.now()
    prepared = []
    for kind, day in days.items():
        document = Document.objects.filter(dossier=dossier, kind=kind).order_by("pk").last() or Document(
            kind=kind, dossier=dossier, year=dossier.year
        )
        document.issued_on, document.issuer_code = day, body.code
        document.signer = actor
        # Rendered again, it is a new file: any signature on the earlier one no longer holds.
        document.signature_stage, document.signed_sha256, document.signed_at = "", "", None
        document.signed_file = ""
        document.requested_at, document.status, document.error = now, Document.Status.PENDING, ""
        for field, value in signer.items():
            setattr(document, field, value)
        document.save()
        prepared.append(document)
    _enqueue_after_commit([d.pk for d in prepared])
    return prepared
