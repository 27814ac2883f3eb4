"""Legal bases are data: a document cites those in force on its own date, by legal force, each as its
kind is cited; a basis that lacks what it prints stops the document, with a message."""

import datetime

import pytest

from assessments.models import Dossier
from recognition import services
from recognition.documents import render_html
from recognition.models import Document, LegalBasis, RecognitionDecision
from recognition.selectors import legal_bases_for
from tests import workflow
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

LGO_2015, LGO_2019, LGO_65, LGO_72 = "77/2015/QH13", "47/2019/QH14", "65/2025/QH15", "72/2025/QH15"
DRUGS_73, DRUGS_120 = "73/2021/QH14", "120/2025/QH15"


def numbers(procedure: str, day: datetime.date) -> list[str]:
    return [b.number for b in legal_bases_for(procedure=procedure, document_kind="recognition", on=day)]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 2, 28), [LGO_2015, LGO_2019, DRUGS_73]),
        (datetime.date(2025, 3, 1), [LGO_65, DRUGS_73]),
        (datetime.date(2025, 6, 30), [LGO_65, DRUGS_73]),
        (datetime.date(2025, 7, 1), [LGO_72, DRUGS_73]),
        (datetime.date(2026, 6, 30), [LGO_72, DRUGS_73]),
        (datetime.date(2026, 7, 1), [LGO_72, DRUGS_120]),
    ],
)
def test_the_laws_in_force_on_the_documents_date(people, day, expected):
    laws = [n for n in numbers("province", day) if "QH" in n]
    # The competence law first, then the law of the field, whatever their dates (by date alone they
    # flipped from March 2025 to June 2026).
    assert laws == expected


def test_each_procedure_cites_its_own_texts_after_the_laws(people):
    district = numbers("district", datetime.date(2024, 11, 5))
    assert district == [LGO_2015, LGO_2019, DRUGS_73, "1041/UBND-NC"]
    assert numbers("province", datetime.date(2026, 6, 30)) == [LGO_72, DRUGS_73, "28/2025/QĐ-TTg"]
    assert numbers("province", datetime.date(2026, 12, 20)) == [LGO_72, DRUGS_120, "28/2025/QĐ-TTg"]
    assert "28/2025/QĐ-TTg" not in numbers("province", datetime.date(2025, 8, 23))  # signed the next day


def test_each_kind_is_cited_as_it_is_cited(people):
    law = LegalBasis.objects.get(number=LGO_72)
    assert law.citation() == "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
    decision = LegalBasis.objects.get(number="28/2025/QĐ-TTg")
    assert decision.citation().startswith(
        "Quyết định số 28/2025/QĐ-TTg ngày 24 tháng 8 năm 2025 của Thủ tướng Chính phủ quy định tiêu chí"
    )
    dispatch = LegalBasis.objects.get(number="1041/UBND-NC")
    assert dispatch.citation().startswith(
        "Công văn số 1041/UBND-NC ngày 14 tháng 9 năm 2022 của Ủy ban nhân dân tỉnh Nghệ An"
    )


def decide(people, *, year=2024, inspected=datetime.date(2024, 10, 1), on=datetime.date(2024, 11, 5), **kw):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=year), people.officer),
        people.police,
        inspection_date=inspected,
    )
    return dossier, services.decision_record(
        dossier=dossier,
        actor=people.chair,
        outcome=kw.get("outcome", "recognised"),
        decided_on=on,
        reasons=kw.get("reasons", ""),
    )


@pytest.mark.district_clock
def test_the_decision_prints_the_bases_of_its_date_and_no_free_text_as_law(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _, decision = decide(people)
    assert decision.legal_bases[0] == "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
    html = render_html(Document.objects.get(decision=decision, kind="recognition"))
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;" in html
    assert "Căn cứ Luật Phòng, chống ma túy ngày 30 tháng 3 năm 2021;" in html
    assert "Căn cứ Công văn số 1041/UBND-NC ngày 14 tháng 9 năm 2022" in html
    assert decision.dossier.criteria_set.source_document not in html  # a free-text field is never law
    # Editing a basis later never changes what an issued decision cites.
    LegalBasis.objects.filter(number=LGO_2015).update(title="Luật đã sửa")
    html = render_html(Document.objects.get(decision=decision, kind="recognition"))
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;" in html


@pytest.mark.district_clock
def test_a_basis_lacking_what_it_prints_stops_the_decision_with_a_message(people):
    LegalBasis.objects.filter(number="1041/UBND-NC").update(issuer="")
    with pytest.raises(services.DossierActionError) as refused:
        decide(people)
    assert any(
        "1041/UBND-NC" in problem and "cơ quan ban hành" in problem for problem in refused.value.problems
    )
    assert not RecognitionDecision.objects.exists()
    assert Dossier.objects.get(commune=people.my_ly, year=2024).state == "appraised"  # nothing happened


@pytest.mark.district_clock
def test_without_any_law_in_force_the_decision_is_refused(people):
    LegalBasis.objects.filter(kind="law").delete()
    with pytest.raises(services.DossierActionError) as refused:
        decide(people)
    assert "05/11/2024" in " ".join(refused.value.problems)


@pytest.mark.district_clock
def test_a_decision_is_not_dated_before_the_inspection_it_rests_on(people):
    with pytest.raises(services.DossierActionError, match="01/10/2024"):
        decide(people, inspected=datetime.date(2024, 10, 1), on=datetime.date(2024, 9, 30))
    assert not RecognitionDecision.objects.exists()


@pytest.mark.district_clock
def test_a_revocation_follows_the_decision_it_revokes(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _, decision = decide(people)
    for incident, decided in (
        (datetime.date(1899, 1, 1), datetime.date(2024, 12, 1)),  # an incident before the recognition
        (datetime.date(2024, 11, 1), datetime.date(2024, 11, 4)),  # a revocation before the decision
    ):
        with pytest.raises(services.DossierActionError, match="05/11/2024"):
            services.decision_revoke(
                decision=decision,
                actor=people.chair,
                incident_date=incident,
                decided_on=decided,
                incident_description="Phát hiện điểm sử dụng trái phép chất ma túy",
                reason="Không còn đạt tiêu chí",
            )
    with django_capture_on_commit_callbacks(execute=False):
        revocation = services.decision_revoke(
            decision=decision,
            actor=people.chair,
            incident_date=datetime.date(2024, 11, 20),
            decided_on=datetime.date(2024, 12, 1),
            incident_description="Phát hiện điểm sử dụng trái phép chất ma túy",
            reason="Không còn đạt tiêu chí",
        )
    assert revocation.legal_bases[-1].startswith("Công văn số 1041/UBND-NC")


@pytest.mark.district_clock
def test_a_recognition_signed_after_its_year_holds_and_the_next_decision_ends_it(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _, first = decide(
            people, year=2023, inspected=datetime.date(2024, 1, 10), on=datetime.date(2024, 1, 20)
        )
    assert first.valid_until == datetime.date(2024, 12, 31) and first.is_valid_on(datetime.date(2024, 6, 1))
    html = render_html(Document.objects.get(decision=first, kind="recognition"))
    assert "Quyết định này có hiệu lực kể từ ngày ký." in html
    assert "chậm nhất đến hết ngày 31/12/2024" in html and "đến hết ngày 31/12/2023" not in html
    with django_capture_on_commit_callbacks(execute=False):
        _, second = decide(
            people, year=2024, inspected=datetime.date(2024, 10, 1), on=datetime.date(2024, 11, 5)
        )
    first.refresh_from_db()
    assert first.valid_until == datetime.date(2024, 11, 5)
    assert Dossier.objects.get(pk=first.dossier_id).state == "expired"  # it still certifies 2023
    assert second.valid_until == datetime.date(2025, 12, 31)


@pytest.mark.district_clock
def test_documents_are_vietnamese_whatever_the_language_of_the_person_asking(
    people, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with django_capture_on_commit_callbacks(execute=False):
        _, decision = decide(people, outcome="not_recognised", reasons="Còn điểm tụ tập sử dụng ma túy")
    with translation.override("en"):
        html = render_html(Document.objects.get(decision=decision, kind="non_recognition"))
        minutes = render_html(Document.objects.get(dossier=decision.dossier, kind="appraisal_minutes"))
    for text in (html, minutes):
        for english in ("District police", "Not met", "Recognise", "Met<", "Decision"):
            assert english not in text
    assert "QUYẾT ĐỊNH" in html and "Không công nhận" in html


@pytest.mark.district_clock
def test_a_vice_chair_signs_for_the_chair_and_the_copies_follow_the_units_kind(
    people, django_capture_on_commit_callbacks
):
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 10, 1),
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier,
            actor=people.chair,
            outcome="recognised",
            decided_on=datetime.date(2024, 11, 5),
            signer_title="Phó Chủ tịch UBND huyện",
        )
    dispatch = render_html(Document.objects.get(decision=decision, kind="notification"))
    assert (
        dispatch.index("TM. ỦY BAN NHÂN DÂN")
        < dispatch.index("KT. CHỦ TỊCH")
        < dispatch.index("PHÓ CHỦ TỊCH")
    )
    ruling = render_html(Document.objects.get(decision=decision, kind="recognition"))
    assert "KT. CHỦ TỊCH" in ruling and "TM. ỦY BAN NHÂN DÂN" not in ruling
    assert "Thường trực Huyện ủy;" in ruling  # Kỳ Sơn is a rural district
    from communes.models import District

    assert District(kind="thanh_pho").party_committee == "Thành ủy"
    assert District(kind="thi_xa").party_committee == "Thị ủy"


@pytest.mark.district_clock
def test_each_pdf_names_itself_and_is_written_as_pdf_a_3b(people, django_capture_on_commit_callbacks):
    import io

    from pypdf import PdfReader

    with django_capture_on_commit_callbacks(execute=False):
        _, decision = decide(people)
    document = services.document_render(
        document_id=Document.objects.get(decision=decision, kind="recognition").pk
    )
    reader = PdfReader(io.BytesIO(document.file.read()))
    meta = reader.metadata
    # Kind, number and subject: two districts' first decisions of a year no longer share a title.
    assert meta.title == f"Quyết định {decision.number_display} — xã Mỹ Lý, năm 2024"
    assert meta.author == "Ủy ban nhân dân huyện Kỳ Sơn"
    assert meta.subject == "xã Mỹ Lý, năm 2024" and "16816" in meta["/Keywords"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts.add(any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert fonts == {True}  # every font embedded


def test_a_typed_reason_never_doubles_its_full_stop():
    from recognition.documents import sentence

    assert sentence("Còn điểm bán lẻ ma túy.") == "Còn điểm bán lẻ ma túy."
    assert sentence("Còn điểm bán lẻ ma túy") == "Còn điểm bán lẻ ma túy."
    assert sentence("  Còn điểm;. ") == "Còn điểm."
    assert sentence("") == ""


@pytest.mark.district_clock
def test_a_refusal_names_the_unmet_criteria_by_number_and_text_without_codes_or_hints(
    people, django_capture_on_commit_callbacks
):
    from assessments import services as dossier_services
    from recognition.documents import criterion_wording

    assert (
        criterion_wording("Không có điểm, tụ điểm ma túy (số điểm còn tồn tại)")
        == "Không có điểm, tụ điểm ma túy"
    )
    assert criterion_wording("Không có người nghiện – số người") == "Không có người nghiện"
    dossier = workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer)
    dossier = dossier_services.dossier_start_appraisal(dossier=dossier, actor=people.police)
    first = dossier.applicable_criteria()[0]
    dossier_services.appraisal_save(
        dossier=dossier,
        actor=people.police,
        members=workflow.team("district_police"),
        **workflow.meeting(datetime.date(2024, 10, 1)),
        findings={c.pk: ("not_met" if c == first else "met", "") for c in dossier.applicable_criteria()},
        recommendation="not_recognise",
        conclusion="Chưa đạt.",
    )
    dossier = dossier_services.dossier_complete_appraisal(
        dossier=Dossier.objects.get(pk=dossier.pk), actor=people.police
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier,
            actor=people.chair,
            outcome="not_recognised",
            decided_on=datetime.date(2024, 11, 5),
            reasons="Còn đối tượng mua bán ma túy.",
        )
    html = render_html(Document.objects.get(decision=decision, kind="non_recognition"))
    assert f"- Tiêu chí số 1: {first.text_vi}" in html and f"{first.code}:" not in html
    assert "năm\u00a02024" in html  # the year never alone on the title's last line (a no-break space)
    assert "Lý do: Còn đối tượng mua bán ma túy." in html and ".." not in html


@pytest.mark.parametrize("procedure", ["district", "province"])
@pytest.mark.parametrize("kind", ["recognition", "non_recognition", "revocation", "provincial_summary"])
@pytest.mark.parametrize("day", ["2022-10-05", "2024-11-20", "2025-12-01", "2026-11-24"])
def test_every_kind_cites_its_bases_in_the_order_of_their_role(procedure, kind, day):
    """Competence, then the law of the field, then the Government's texts, then the province's: the
    same order in every kind, whatever the dates the texts were signed."""
    from recognition.models import LegalBasis
    from recognition.selectors import legal_bases_for

    bases = legal_bases_for(procedure=procedure, document_kind=kind, on=datetime.date.fromisoformat(day))
    ranks = [LegalBasis.ROLE_ORDER.index(b.role) for b in bases]
    assert ranks == sorted(ranks)


def test_a_decision_of_december_2025_cites_the_competence_law_before_the_drug_law():
    """72/2025/QH15 (local government, signed 16 June 2025) before 73/2021/QH14 (drug prevention, 2021):
    by signing date alone the order flipped."""
    from recognition.selectors import legal_bases_for

    numbers = [
        b.number
        for b in legal_bases_for(
            procedure="province", document_kind="recognition", on=datetime.date(2025, 12, 1)
        )
    ]
    assert numbers == ["72/2025/QH15", "73/2021/QH14", "28/2025/QĐ-TTg"]
