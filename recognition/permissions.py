"""Who may act on decisions and documents (quyền), by name: the views and the
services ask these, never a codename."""

from __future__ import annotations

from assessments import permissions as dossier_perms
from assessments import workflow
from communes.permissions import (
    can_manage_cycles,
    can_retry_documents,
    communes_visible_to,
    follows_province,
    has_unit_perm,
)

from .models import CollectiveDecision, Document, Revocation


def can_keep_register(record, user) -> bool:
    """The clerk (văn thư) of the body that issues `record` (a decision or a revocation)."""
    if isinstance(record, CollectiveDecision):
        return has_unit_perm(user, "keep_register", record.province)
    decision = record.decision if isinstance(record, Revocation) else record
    return has_unit_perm(user, "keep_register", workflow.deciding_unit(decision.dossier))


def can_view_document(document: Document, user) -> bool:
    """A dossier's documents: whoever sees the dossier. A province-level document: the province's
    viewers; and, once issued (never a draft), the officials of a commune it names (dossiers_named_in),
    so a commune downloads the decision whose annex lists it and the notice that names it."""
    if document.dossier_id:
        return dossier_perms.can_view(document.dossier, user)
    if document.province_id is not None and follows_province(user, document.province):
        return True
    if document.draft:
        return False
    from .selectors import dossiers_named_in

    return dossiers_named_in(document).filter(commune__in=communes_visible_to(user).values("pk")).exists()


def can_manage_document(document: Document, user) -> bool:
    """Retrying is for who issued it: the deciding authority, the provincial police, admins."""
    province = document.dossier.commune.province if document.dossier_id else document.province
    if province is not None and can_retry_documents(user, province):
        return True
    return bool(document.dossier_id) and dossier_perms.can_decide(document.dossier, user)


def can_report_to_ministry(province, user) -> bool:
    """The provincial police report the year's results to the Ministry (Decision 28, before 20 December)."""
    return can_manage_cycles(user, province)


def can_send_summary(province, user) -> bool:
    """The provincial police (and admins) send the yearly summary dispatch of the province's results."""
    return can_retry_documents(user, province)
