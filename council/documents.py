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
    """The council's full name ("Hội đồng xét duyệt địa bàn cấp xã không ma túy tỉnh Nghệ An")."""
    return layout.council_name(council.province, council.year)


def session_of(document: Document) -> CouncilSession:
    """The session whose minutes or notice `document` is (no query when the document was reached from
    its session, as the session's page does)."""
    for name in ("minutes_of", "notice_of", "proposal_of"):
        if getattr(Document, name).is_cached(document) and getattr(document, name) is not None:
            return getattr(document, name)
    return CouncilSession.objects.select_related("council__province").get(
        Q(minutes=document) | Q(notice=document) | Q(proposal=document)
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
        # The notice is signed for the council by its chair (TM. HỘI ĐỒNG: the notice kind's entry).
        "signer_lines": ["CHỦ TỊCH"],
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


def session_proposal_context(document: Document) -> dict:
    """Tờ trình of the standing body (the provincial police) to the chairman after a session: the
    communes the council recommended, with their former units and the votes, resting on the minutes."""
    from recognition.selectors import legal_bases_for

    session = session_of(document)
    council = session.council
    province = council.province
    items = list(
        session.items.filter(outcome=AgendaItem.Outcome.RECOMMENDED)
        .select_related("dossier__commune", "dossier__criteria_set")
        .prefetch_related("dossier__commune__predecessors")
        .order_by("dossier__commune__name")
    )
    criteria_set = items[0].dossier.criteria_set
    term = criteria_set.recognition_term
    police_name = f"Công an {in_sentence(province.name)}"
    chairman = f"Chủ tịch Ủy ban nhân dân {in_sentence(province.name)}"
    minutes = session.minutes
    return {
        "police_upper": "BỘ CÔNG AN",
        "police_lower": f"CÔNG AN {province.name.upper()}",
        "number": layout.number_or_blank(document),
        "date_line": layout.date_line(province.short_name, document.issued_on),
        "subject": session_proposal_subject(term, council.year),
        "to": chairman,
        "legal_bases": [
            b.citation()
            for b in legal_bases_for(
                procedure=criteria_set.procedure, document_kind=document.kind, on=document.issued_on
            )
        ],
        "grounds": f"Căn cứ kết quả thẩm định của {police_name} và Biên bản họp {council_name(council)} "
        f"số\u00a0{minutes.number_display} {layout.vn_date(session.held_on)}",
        "request": f"{police_name}, Cơ quan thường trực Hội đồng, kính trình {chairman} xem xét, công nhận "
        f"{len(items)} đơn vị cấp xã đạt tiêu chí “{term}” năm {council.year}",
        "heading": ["TT", "Đơn vị cấp xã", "Đơn vị trước sắp xếp", "Kết quả biểu quyết"],
        "rows": [
            [
                item.dossier.commune.name,
                ", ".join(p.name for p in item.dossier.commune.predecessors.all()),
                f"{item.votes_for}/{session.present_count} thành viên có mặt tán thành",
            ]
            for item in items
        ],
        "reasons": "",
        "enclosed": "Biên bản họp Hội đồng và hồ sơ của các đơn vị",
        "closing": f"Kính trình {chairman} xem xét, quyết định./.",
        "recipients": ["Như trên;", "Các thành viên Hội đồng;", "Lưu: VT, PC04."],
        **layout.signature_of(document, "GIÁM ĐỐC"),
    }


def session_proposal_subject(term: str, year: int) -> str:
    """The standing body's Tờ trình's trích yếu, printed and cited by the chairman's decision."""
    return f"đề nghị công nhận các xã, phường đạt tiêu chí “{term}” năm\u00a0{year}"


def council_identity(document: Document) -> Identity:
    """Issued by the council itself, numbered in its standing body's register, dated the session's day."""
    province = document.province
    return Identity(
        document.number_display,
        document.issued_on,
        council_name(session_of(document).council),
        f"{province.name}, năm {document.year}",
    )


def police_identity(document: Document) -> Identity:
    """The standing body's Tờ trình: its number and date, issued by the provincial police."""
    province = document.province
    return Identity(
        document.number_display,
        document.issued_on,
        f"Công an {in_sentence(province.name)}",
        f"{province.name}, năm {document.year}",
    )


def _recommended_in(document: Document):
    return Dossier.objects.filter(
        agenda_items__session__proposal=document, agenda_items__outcome=AgendaItem.Outcome.RECOMMENDED
    )


def _proposal_naming(dossier: Dossier) -> Q:
    return Q(proposal_of__items__dossier=dossier, proposal_of__items__outcome=AgendaItem.Outcome.RECOMMENDED)


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
        kind=Document.Kind.SESSION_PROPOSAL,
        template="recognition/pdf/proposal.html",
        context=session_proposal_context,
        download_label="Tờ trình đề nghị công nhận",
        queue=QUEUE,
        series="proposal",
        signature_block=True,
        identity=police_identity,
        names=_recommended_in,
        naming=_proposal_naming,
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
        signs_for="HỘI ĐỒNG",
        names=_not_recommended_in,
        naming=_notice_naming,
    )
)


def minutes_grounds(dossiers) -> list[Ground]:
    """The standing body's Tờ trình and the minutes of the closed sessions that weighed `dossiers`: the
    chairman's decision with an annex rests on them, and is dated no earlier than their sessions."""
    sessions = (
        CouncilSession.objects.filter(
            items__dossier__in=list(dossiers), status=CouncilSession.Status.CLOSED, minutes__isnull=False
        )
        .select_related("minutes", "proposal", "council__province")
        .distinct()
        .order_by("held_on", "pk")
    )
    grounds = []
    for s in sessions:
        if s.proposal is not None:
            grounds.append(
                Ground(
                    title="Tờ trình",
                    number=s.proposal.number_display,
                    issued_on=s.proposal.issued_on,
                    held_on=s.held_on,
                    what=_("the council session it rests on"),
                    proposal=True,
                    subject=session_proposal_subject(layout.council_term(s.council.year), s.council.year),
                )
            )
        grounds.append(
            Ground(
                title="Biên bản họp Hội đồng xét duyệt",
                number=s.minutes.number_display,
                issued_on=s.minutes.issued_on,
                held_on=s.held_on,
                what=_("the council session it rests on"),
            )
        )
    return grounds


register_ground_source(minutes_grounds)
