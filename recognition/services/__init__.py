"""Recognition's writes, by sub-domain: `decisions` (a commune's decision, the clerk's numbers,
revocations, the chairman's decision with its annex), `documents` (requested, rendered, mailed, retried,
swept), `keeping_clean` (lapsed recognitions, the yearly re-evaluation) and what they share (`common`).
The police's yearly reports are in `recognition.reports`, the report's spreadsheet in
`recognition.exports`, the reads in `recognition.selectors`.

Every name this module had before it became a package is re-exported below for one release; new code
imports from the sub-module (or from selectors, reports, exports, permissions).
"""

from django.core.exceptions import PermissionDenied

from assessments.services import DossierActionError, DossierConflict

from ..exports import ministry_report_xlsx
from ..permissions import (
    can_keep_register,
    can_manage_document,
    can_report_to_ministry,
    can_view_document,
)
from ..reports import ministry_report_mark_sent, ministry_report_request, summary_request
from ..selectors import (
    awaiting_numbers,
    dossiers_named_in,
    failed_documents,
    latest_issue_date,
    recommended_dossiers,
)
from . import documents
from .common import DECISION_SERIES, DISPATCH_SERIES, deciding_body, default_valid_until
from .decisions import (
    against_recommendation,
    collective_decision_record,
    decision_record,
    decision_revoke,
    decisions_record,
    issue_refusals,
    record_issue,
)
from .documents import (
    decision_mailing_queue,
    document_mark_failed,
    document_render,
    document_retry,
    documents_enqueue,
    documents_retry_failed,
    documents_sweep,
    numbered_document_request,
)
from .keeping_clean import recognitions_expire, reevaluations_open

__all__ = [
    "DECISION_SERIES",
    "DISPATCH_SERIES",
    "DossierActionError",
    "DossierConflict",
    "PermissionDenied",
    "against_recommendation",
    "awaiting_numbers",
    "can_keep_register",
    "can_manage_document",
    "can_report_to_ministry",
    "can_view_document",
    "collective_decision_record",
    "deciding_body",
    "decision_mailing_queue",
    "decision_record",
    "decision_revoke",
    "decisions_record",
    "default_valid_until",
    "document_mark_failed",
    "document_render",
    "document_retry",
    "documents",
    "documents_enqueue",
    "documents_retry_failed",
    "documents_sweep",
    "dossiers_named_in",
    "failed_documents",
    "issue_refusals",
    "latest_issue_date",
    "ministry_report_mark_sent",
    "ministry_report_request",
    "ministry_report_xlsx",
    "numbered_document_request",
    "recognitions_expire",
    "recommended_dossiers",
    "record_issue",
    "reevaluations_open",
    "summary_request",
]
