"""Every kind of document, read back from its PDF (pdfplumber), against the measurable points of
`../shared/domain/decree30_layout.md`; and its text (pdftotext -layout) against a golden file kept in
tests/recognition/golden/, updated on purpose: UPDATE_GOLDEN=1 pytest tests/recognition/test_pdf_checklist.py
"""

import datetime
import os
import re
import subprocess
from pathlib import Path

import pdfplumber
import polib
import pytest
from django.db.models import Q
from django.urls import reverse

from assessments import services as dossier_services
from recognition import services
from recognition.models import Document
from tests import workflow
from tests.factories import DossierFactory
from tests.recognition.conftest import build_council, build_recommended
from tests.world import load_people, module_world

GOLDEN = Path(__file__).parent / "golden"
MM = 72 / 25.4
A4 = (595.28, 841.89)
# Decree 30, Appendix I: top and bottom 20 mm, left 30 mm, right 15 mm (0.5 pt of rounding allowed).
# One point of tolerance: a glyph's box may pass its advance width by a fraction of a point.
LEFT, RIGHT, TOP, BOTTOM = 30 * MM - 1, A4[0] - 15 * MM + 1, 20 * MM - 1, A4[1] - 20 * MM + 1
KINDS = [
    "recognition",
    "non_recognition",
    "notification",
    "appraisal_minutes",
    "revocation",
    "provincial_summary",
    "proposal",
]
DATE_LINE = re.compile(r"^\S.*, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")
NUMBER_LINE = re.compile(r"^Số: (\d{2,}/\S+|\s*/\S+)$")


@pytest.fixture(scope="module")
def issued(django_db_setup, django_db_blocker, tmp_path_factory):
    """One document of each kind, issued by the district procedure's bodies, rendered once for the module
    (the checklist and the golden files read the same six files)."""
    import time_machine

    from tests.world import DISTRICT_CLOCK

    with module_world("district-documents", django_db_blocker, tmp_path_factory) as world:
        with time_machine.travel(DISTRICT_CLOCK, tick=True):  # while the district bodies exist
            built = build_issued(load_people())
        yield watched(world, built)


def watched(world, rendered: dict) -> dict:
    """The rendered documents and their files, watched by the module's world; the first and the last
    page of each as a PNG under test-artefacts/samples/ (to read against the checklist by eye)."""
    from tests.recognition.conftest import keep_sample

    for kind, document in rendered.items():
        world.keep(kind, document)
        world.keep_file(kind, document.file.path)
        with pdfplumber.open(document.file.path) as pdf:
            last = len(pdf.pages)
        keep_sample(document, kind)
        if last > 1:
            keep_sample(document, f"{kind}-last", page=last)
    world.freeze()
    return rendered


def build_issued(people) -> dict:
    from django.test import TestCase

    django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks
    people.chair.full_name = "Vi Văn Hùng"
    people.chair.save(update_fields=["full_name"])
    people.provincial_police.full_name = "Trần Văn Giám"
    people.provincial_police.save(update_fields=["full_name"])
    people.police.full_name = "Lữ Văn Quân"  # signs the Tờ trình
    people.police.save(update_fields=["full_name"])
    with django_capture_on_commit_callbacks(execute=False):
        refused = workflow.submit(DossierFactory(commune=people.my_ly, year=2021), people.officer)
        refused = dossier_services.dossier_start_appraisal(dossier=refused, actor=people.police)
        first = refused.applicable_criteria()[0]
        dossier_services.appraisal_save(
            dossier=refused,
            actor=people.police,
            members=workflow.team(),
            **workflow.meeting(datetime.date(2022, 9, 20)),
            findings={c.pk: ("not_met" if c == first else "met", "") for c in refused.applicable_criteria()},
            recommendation="not_recognise",
            conclusion="Chưa đạt tiêu chí thứ nhất",
        )
        refused = dossier_services.dossier_complete_appraisal(dossier=refused, actor=people.police)
        recognised = workflow.appraise(
            workflow.submit(DossierFactory(commune=people.my_ly, year=2022), people.officer),
            people.police,
            inspection_date=datetime.date(2022, 10, 3),
        )
        decision = services.decision_record(
            dossier=recognised,
            actor=people.chair,
            outcome="recognised",
            decided_on=datetime.date(2022, 10, 10),
            signer_title="Chủ tịch UBND huyện",
        )
        services.decision_record(
            dossier=refused,
            actor=people.chair,
            outcome="not_recognised",
            decided_on=datetime.date(2022, 10, 12),
            reasons="Chưa đạt tiêu chí thứ nhất",
        )
        services.decision_revoke(
            decision=decision,
            actor=people.chair,
            incident_date=datetime.date(2022, 11, 2),
            incident_description="Phát hiện 01 đối tượng tàng trữ trái phép chất ma túy",
            reason="Không còn đạt tiêu chí “sạch về ma túy”",
            decided_on=datetime.date(2022, 11, 15),
        )
        services.summary_request(
            year=2022,
            province=people.province,
            actor=people.provincial_police,
            issued_on=datetime.date(2022, 12, 15),
            signer_title="Phó Giám đốc",
        )
    rendered = {}
    for position, kind in enumerate(KINDS, start=1):
        document = Document.objects.filter(kind=kind).order_by("pk").first()
        # A fixed code per kind (the real one is random): the golden files stay stable.
        Document.objects.filter(pk=document.pk).update(verification_code=f"{position:010d}")
        rendered[kind] = services.document_render(document_id=document.pk)
    return rendered


def interface_words() -> set[str]:
    """English strings of the interface catalogue that would betray an untranslated document."""
    catalogue = Path(__file__).resolve().parents[2] / "locale/vi/LC_MESSAGES/django.po"
    return {
        entry.msgid
        for entry in polib.pofile(str(catalogue))
        if re.fullmatch(r"[A-Z][a-z]+(?: [a-z]+)*", entry.msgid) and len(entry.msgid) >= 3
    }


def lines_of(page) -> list[tuple[str, list]]:
    """The page's text lines, each with its characters (pdfplumber), top to bottom."""
    return [(line["text"].strip(), line["chars"]) for line in page.extract_text_lines(return_chars=True)]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_document_meets_the_decree_30_checklist(issued, kind):
    check_decree30(issued[kind].file.path, kind)


PROVINCE_KINDS = [
    "council_minutes",
    "council_notice",
    "collective_decision",
    "ministry_report",
    "appraisal_report",
    "session_proposal",
]


@pytest.fixture(scope="module")
def issued_2026(django_db_setup, django_db_blocker, tmp_path_factory):
    """The documents of the procedure in force: the council's minutes and notice, the chairman's
    decision with its annex (numbered by the clerk), the report to the Ministry; rendered once."""
    with module_world("documents-in-force", django_db_blocker, tmp_path_factory) as world:
        yield watched(world, build_issued_2026(build_recommended(build_council(load_people()))))


def build_issued_2026(p) -> dict:
    from django.test import TestCase

    from communes.models import Role
    from tests.world import make_official as official

    django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks
    clerk = official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_tinh")
    with django_capture_on_commit_callbacks(execute=False):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_vice_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk, p.dossier[p.tam_quang.pk].pk],
            decided_on=datetime.date(2026, 11, 24),
            signer_title="Phó Chủ tịch UBND tỉnh",
        )
        services.record_issue(
            record=collective, actor=clerk, number=215, issued_on=datetime.date(2026, 11, 25)
        )
        services.ministry_report_request(
            province=p.province, year=2026, actor=p.provincial_police, issued_on=datetime.date(2026, 11, 26)
        )
    return {
        kind: services.document_render(
            document_id=Document.objects.filter(kind=kind, draft=False).order_by("pk").first().pk
        )
        for kind in PROVINCE_KINDS
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PROVINCE_KINDS)
def test_each_document_of_the_procedure_in_force_meets_the_checklist(issued_2026, kind):
    check_decree30(issued_2026[kind].file.path, kind)


def check_decree30(path: str, kind: str) -> None:
    """The checklist's measurable points, read back from the PDF at `path`."""
    english = interface_words()
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages
        text = "\n".join(page.extract_text() or "" for page in pages)
        for number, page in enumerate(pages, start=1):
            assert (round(page.width, 1), round(page.height, 1)) == (round(A4[0], 1), round(A4[1], 1))
            for char in page.chars:
                page_number = number > 1 and char["top"] < TOP and char["text"].isdigit()
                assert page_number or (LEFT <= char["x0"] and char["x1"] <= RIGHT), (
                    kind,
                    number,
                    char["text"],
                )
                assert page_number or (TOP <= char["top"] and char["bottom"] <= BOTTOM), (
                    kind,
                    number,
                    char["text"],
                )
        # The header's two columns, read apart (the left one is 40 % of the text width).
        left = lines_of(pages[0].crop((0, 0, A4[0] * 0.45, 260)))
        right = lines_of(pages[0].crop((A4[0] * 0.45, 0, pages[0].width, 260)))
        national = next(c for t, c in right if t == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        assert {round(c["size"]) for c in national} == {13} and all("Bold" in c["fontname"] for c in national)
        motto = next(c for t, c in right if t == "Độc lập - Tự do - Hạnh phúc")
        assert {round(c["size"]) for c in motto} == {14} and all("Bold" in c["fontname"] for c in motto)
        # The issuing body 13 pt and bold (a superior body above it, for the police, regular).
        (upper_text, upper), (_, lower) = left[0], left[1]
        assert {round(c["size"]) for c in upper + lower} == {13}, kind
        assert all("Bold" in c["fontname"] for c in lower), kind
        superior = upper_text.startswith(("BỘ CÔNG AN", "CÔNG AN TỈNH", "UBND TỈNH"))
        assert all(("Bold" in c["fontname"]) != superior for c in upper if c["text"].strip()), kind
        # The number and the date lines in their formats.
        # (below the issuing body, on up to four lines: the council by its full name)
        assert any(NUMBER_LINE.match(t.replace("\u00a0", " ")) for t, _ in left[:6]), (kind, left[:6])
        assert any(DATE_LINE.match(t) for t, _ in right[:4]), (kind, right[:4])
        # "Nơi nhận:" level with the signer's authority line (4.7), the last recipient "- Lưu: VT, …" (4.8).
        for page in pages:
            lines = [t for t, _ in lines_of(page)]
            heads = [t for t in lines if t.startswith("Nơi nhận:")]
            if heads:
                assert all(t.split("Nơi nhận:", 1)[1].strip() for t in heads), (kind, heads)
                assert any(t.startswith("- Lưu: VT") for t in lines), (kind, lines[-12:])
        # The signature block never alone on a page: the page with "Nơi nhận" holds the closing "./.".
        signed = [page.extract_text() or "" for page in pages if "Nơi nhận" in (page.extract_text() or "")]
        assert signed and all("./." in text for text in signed), kind
    # Never a word of the interface in English.
    found = sorted(w for w in english if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text))
    assert found == [], (kind, found)
    # Every font embedded (WeasyPrint subsets and embeds; PDF/A requires it).
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts


def golden_text(path: str) -> str:
    """pdftotext -layout, with the spaces between words and columns made one (pdftotext sizes the gaps
    from every glyph on the page)."""
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip() + "\n"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_document_reads_as_its_golden_file(issued, kind):
    golden = GOLDEN / f"{kind}.txt"
    text = golden_text(issued[kind].file.path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{kind}: the document changed; see {golden}"


# --- what /verify/ says each kind is ---------------------------------------------------------------
# The public verification page names each kind of document by its own number, date and issuer: the
# appraisal minutes by the police's minutes (not the decision that followed them), the council's minutes
# and notice by the council, the summary and the report by the provincial police (not "Tỉnh Nghệ An").


def expected(document) -> tuple[str, datetime.date, str]:
    """Number, date and issuer as the document itself prints them, read from the records it comes from."""
    from council.models import CouncilSession

    kind = document.kind
    if kind in ("recognition", "non_recognition"):
        d = document.decision
        return d.number_display, d.decided_on, d.issuer_name
    if kind == "notification":
        return document.number_display, document.decision.decided_on, document.decision.issuer_name
    if kind == "appraisal_minutes":
        appraisal = document.dossier.appraisal
        return appraisal.minutes_display, appraisal.inspection_date, "Công an huyện Kỳ Sơn"
    if kind == "proposal":
        appraisal = document.dossier.appraisal
        return appraisal.proposal_display, appraisal.proposal_date, "Công an huyện Kỳ Sơn"
    if kind == "appraisal_report":
        appraisal = document.dossier.appraisal
        return appraisal.minutes_display, appraisal.inspection_date, "Công an tỉnh Nghệ An"
    if kind == "revocation":
        r = document.revocation
        return r.number_display, r.decided_on, r.issuer_name
    if kind == "collective_decision":
        c = document.collective
        return c.number_display, c.decided_on, c.issuer_name
    if kind in ("council_minutes", "council_notice"):
        session = CouncilSession.objects.get(Q(minutes=document) | Q(notice=document))
        return (
            document.number_display,
            session.held_on,
            "Hội đồng xét duyệt địa bàn cấp xã không ma túy tỉnh Nghệ An",
        )
    if kind == "session_proposal":
        session = CouncilSession.objects.get(proposal=document)
        return document.number_display, session.held_on, "Công an tỉnh Nghệ An"
    day = {"provincial_summary": datetime.date(2022, 12, 15), "ministry_report": datetime.date(2026, 11, 26)}
    return document.number_display, day[kind], "Công an tỉnh Nghệ An"


def shown(client, document) -> tuple[dict, str]:
    response = client.get(reverse("verify", args=[document.verification_code]))
    assert response.status_code == 200
    return response.context["facts"], response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_verify_shows_the_kind_s_own_number_date_and_issuer(client, issued, kind):
    document = issued[kind]
    number, day, issuer = expected(document)
    facts, page = shown(client, document)
    assert (facts["number"], facts["date"], facts["issuer"]) == (number, day, issuer)
    assert number in page and issuer in page and day.strftime("%d/%m/%Y") in page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PROVINCE_KINDS)
def test_verify_shows_the_kind_s_own_number_date_and_issuer_in_force(client, issued_2026, kind):
    document = issued_2026[kind]
    number, day, issuer = expected(document)
    facts, page = shown(client, document)
    assert (facts["number"], facts["date"], facts["issuer"]) == (number, day, issuer)
    assert number in page and issuer in page and day.strftime("%d/%m/%Y") in page
