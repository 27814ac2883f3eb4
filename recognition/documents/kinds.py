"""Loại văn bản: one entry per kind of document, holding every fact the application knows of it.

The template it is rendered with and the context builder that fills it, the name of the downloaded file,
the worker queue it is rendered on, the register series its number is taken in (the series is also the
key of its symbol in the issuing body's symbols), whether its verification code is kept with a signature
block, what /verify/ and the PDF's properties say it is (its number, date, issuer and subject), and the
dossiers it names. Every caller reads the entry; an app registers the kinds it owns (the council its
minutes and notice) when it is ready, and a kind left without an entry or a part of one is refused at
start-up (system check recognition.E001) and by a test that names the kind and the part.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Identity:
    """What a document is, as the public verification page and the PDF's properties say: its own
    number and date, the body that issued it, and what it is about ("Xã Mỹ Lý, năm 2024")."""

    number: str
    day: datetime.date
    issuer: str
    about: str


@dataclass(frozen=True)
class DocumentKind:
    """Everything the application knows of one kind of document (Document.Kind)."""

    kind: str
    template: str
    context: Callable[..., dict]
    # The file's name when downloaded starts with it ("Quyết định công nhận 05-QĐ-UBND - ...").
    download_label: str
    # The Celery queue of its rendering: a burst of yearly summaries never delays a commune's decision.
    queue: str
    # The register series its number is taken in, and the key of its symbol in the body's symbols.
    series: str
    # Its verification code is printed inside its signature block (never alone on a last page).
    signature_block: bool
    identity: Callable[..., Identity]
    # The collective whose competence the kind is ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG"): its signer signs "TM."
    # that body, above their own lines; empty: the competence is the head's (a chair's decision).
    signs_for: str = ""
    # The dossiers a province-level document names commune by commune (none for a dossier's own).
    names: Callable[..., QuerySet] | None = None
    # The documents of this kind that name a dossier without belonging to it, as a filter on Document.
    naming: Callable[..., Q] | None = None


# The parts every entry must have (names and naming are for the kinds that name communes).
PARTS = ("template", "context", "download_label", "queue", "series", "signature_block", "identity")

KINDS: dict[str, DocumentKind] = {}


def register(entry: DocumentKind) -> DocumentKind:
    KINDS[str(entry.kind)] = entry
    return entry


def entry(kind: str) -> DocumentKind:
    """The entry of `kind`; a kind without one is a programming error (the check refuses to start)."""
    try:
        return KINDS[str(kind)]
    except KeyError:
        raise LookupError(f"no entry for the document kind {kind!r}") from None


def missing_parts(kinds) -> dict[str, list[str]]:
    """For each kind of `kinds` (Document.Kind's values), the parts its entry lacks; {} when complete."""
    missing: dict[str, list[str]] = {}
    for kind in kinds:
        found = KINDS.get(str(kind))
        if found is None:
            missing[str(kind)] = ["entry"]
            continue
        lacks = [
            part
            for part in PARTS
            if getattr(found, part) is None
            or (part != "signature_block" and not getattr(found, part))
            or (part == "signature_block" and not isinstance(found.signature_block, bool))
        ]
        if lacks:
            missing[str(kind)] = lacks
    return missing


def replaced(kind: str, **parts) -> DocumentKind:
    """The entry of `kind` with some parts changed (a province's own template, a test's broken part)."""
    return dataclasses.replace(entry(kind), **parts)


def naming_filter(dossier) -> Q:
    """Documents naming `dossier` without belonging to it (each kind that names communes says how).

    Each kind's condition is its own subquery: OR-ed as joins, the kinds' relations made one query of a
    dozen tables that PostgreSQL took about 9 ms to plan (0.9 ms to run) on every dossier page."""
    from ..models import Document

    found = Q(pk__in=[])
    for each in KINDS.values():
        if each.naming is not None:
            found |= Q(kind=each.kind, pk__in=Document.objects.filter(each.naming(dossier)).values("pk"))
    return found
