"""Recognition's pages by sub-domain: `decisions`, `documents`, `reports`. The names of the module this
package replaced are re-exported for one release (the URLs and the dossier page's panel use them)."""

from ..documents import download_name
from .decisions import collective_decision, decision, decisions, issue, register, revoke
from .documents import (
    decision_panel,
    document_download,
    document_retry,
    documents_context,
    documents_failed,
    documents_panel,
    verify,
)
from .reports import ministry_report, report_xlsx, summaries

__all__ = [
    "collective_decision",
    "decision",
    "decision_panel",
    "decisions",
    "document_download",
    "document_retry",
    "documents_context",
    "documents_failed",
    "documents_panel",
    "download_name",
    "issue",
    "ministry_report",
    "register",
    "report_xlsx",
    "revoke",
    "summaries",
    "verify",
]
