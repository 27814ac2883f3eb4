"""The council's documents: the minutes of a session (Biên bản họp Hội đồng xét duyệt) and its notice
to the communes it did not recommend (Thông báo kết quả xét duyệt), with their entries in the register of
kinds (recognition.documents.kinds), registered when the app is ready."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Dossier
from communes.text import in_sentence
from recognition.documents import layout
from recognition.documents.entries import QUEUE
from recognition.documents.kinds import DocumentKind, Identity, register
from recognition.grounds import Ground, register_ground_source
from recognition.models import Document

from .models import AgendaItem, CouncilSession


def council_name(council) -> str:
    """The council's full name, as the decision setting it up gives it (Decision 28/2025): "Hội đồng
    xét duyệt địa bàn cấp xã không ma túy tỉnh Nghệ An", from the year's criteria set and the province."""
    from assessments.selectors import criteria_set_for

    criteria_set = criteria_set_for(year=council.year)
    term = criteria_set.recognition_term if criteria_set is not None else "không ma túy"
    return f"Hội đồng xét duyệt địa bàn cấp xã {term} {in_sentence(council.province.name)}"


def session_of(document: Document) -> CouncilSession:
    """The session whose minutes or notice `document` is (no query when the document was reached from
    its session, as the session's page does)."""
    for name in ("minutes_of", "notice_of"):
        if getattr(Document, name).is_cached(document) and getattr(document, name) is not None:
            return getattr(document, name)
    return CouncilSession.objects.select_related("council__province").get(
        Q(minutes=document) | Q(notice=document)
    )


def minutes_context(document: Document) -> dict:
    """Biên bản họp Hội đồng xét duyệt: time, place, members present and absent, each commune with its
    former units, classification and votes, the conclusion; signed by the council's chair and secretary."""
    session = session_of(document)
    council = session.council
    province = council.province
    members = list(council.members.select_related("user"))
    present = set(session.attendance.filter(present=True).values_list("member_id", flat=True))
    items = list(
        session.items.select_related("dossier__commune", "dossier__counts", "dossier__criteria_set")
        .prefetch_related("dossier__commune__predecessors")
        .order_by("dossier__commune__name")
    )
    chair = next((m for m in members if m.seat == "chair"), None)
    secretary = next((m for m in members if m.seat == "secretary"), None)
    term = items[0].dossier.criteria_set.recognition_term if items else ""
    return {
        # The superior body on one line, abbreviated as Decree 30 allows ("UBND TỈNH NGHỆ AN"); the
        # council by its full name (Decree 30, App. I II.3: the issuing body's name in full).
        "superior": f"UBND {province.name.upper()}",
        "council_name": council_name(council),
        "number": layout.number_or_blank(document),
        "date_line": layout.date_line(province.short_name, session.held_on),
        "session": session,
        "year": council.year,
        "term": term,
        "started": layout.clock(session.starts_at),
        "ended": layout.clock(session.ends_at),
        "held_on": layout.vn_date(session.held_on),
        # The voting members present and absent; the secretary who does not vote keeps and signs the
        # minutes, and is named on a line apart (always present: the minutes are theirs).
        # A voting secretary not marked present still keeps and signs the minutes: never "absent".
        "present": [m for m in members if m.votes and m.pk in present],
        "absent": [m for m in members if m.votes and m.pk not in present and m.seat != "secretary"],
        "keeper": secretary
        if secretary is not None and (not secretary.votes or secretary.pk not in present)
        else None,
        "items": [
            {
                "item": item,
                "name": item.dossier.commune.name,
                "former": ", ".join(p.name for p in item.dossier.commune.predecessors.all()),
                "classification": item.dossier.counts.classification_display
                if hasattr(item.dossier, "counts")
                else "",
                "counts": layout.key_counts(getattr(item.dossier, "counts", None)),
            }
            for item in items
        ],
        "recommended": [item for item in items if item.outcome == "recommended"],
        "not_recommended": [item for item in items if item.outcome == "not_recommended"],
        "chair": chair,
        "secretary": secretary,
        # The notice is signed for the council by its chair.
        "signer_lines": ["TM. HỘI ĐỒNG", "CHỦ TỊCH"],
        "signer_name": chair.user.get_full_name() if chair else "",
        "notice_recipients": [
            "Như trên;",
            f"Chủ tịch Ủy ban nhân dân {in_sentence(province.name)};",
            "Lưu: VT, Cơ quan thường trực Hội đồng.",
        ],
        "recipients": [
            f"Chủ tịch Ủy ban nhân dân {in_sentence(province.name)};",
            "Các thành viên Hội đồng;",
            "Lưu: VT, Cơ quan thường trực Hội đồng.",
        ],
    }


def council_identity(document: Document) -> Identity:
    """Issued by the council itself, numbered in its standing body's register, dated the session's day."""
    province = document.province
    return Identity(
        document.number_display,
        document.issued_on,
        council_name(session_of(document).council),
        f"{province.name}, năm {document.year}",
    )


def _not_recommended_in(document: Document):
    return Dossier.objects.filter(
        agenda_items__session__notice=document, agenda_items__outcome=AgendaItem.Outcome.NOT_RECOMMENDED
    )


def _notice_naming(dossier: Dossier) -> Q:
    return Q(notice_of__items__dossier=dossier, notice_of__items__outcome=AgendaItem.Outcome.NOT_RECOMMENDED)


register(
    DocumentKind(
        kind=Document.Kind.COUNCIL_MINUTES,
        template="council/pdf/council_minutes.html",
        context=minutes_context,
        download_label="Biên bản họp Hội đồng xét duyệt",
        queue=QUEUE,
        series="council_minutes",
        signature_block=False,
        identity=council_identity,
    )
)
register(
    DocumentKind(
        kind=Document.Kind.COUNCIL_NOTICE,
        template="council/pdf/council_notice.html",
        context=minutes_context,
        download_label="Thông báo kết quả xét duyệt",
        queue=QUEUE,
        series="council_notice",
        signature_block=True,
        identity=council_identity,
        names=_not_recommended_in,
        naming=_notice_naming,
    )
)


def minutes_grounds(dossiers) -> list[Ground]:
    """The minutes of the closed sessions that weighed `dossiers`: the chairman's decision with an annex
    rests on them, and is dated no earlier than their sessions."""
    sessions = (
        CouncilSession.objects.filter(
            items__dossier__in=list(dossiers), status=CouncilSession.Status.CLOSED, minutes__isnull=False
        )
        .select_related("minutes")
        .distinct()
        .order_by("held_on", "pk")
    )
    return [
        Ground(
            title="Biên bản họp Hội đồng xét duyệt",
            number=s.minutes.number_display,
            issued_on=s.minutes.issued_on,
            held_on=s.held_on,
            what=_("the council session it rests on"),
        )
        for s in sessions
    ]


register_ground_source(minutes_grounds)
