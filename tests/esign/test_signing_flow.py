"""An electronic People's Committee issues a decision: the chair signs the final file and uploads it,
the clerk adds the organisation's signature, the document is then the original and /verify/ shows both
signatures. Refusals leave the document waiting. A body on paper is unchanged."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from communes.models import IssuingBody
from esign.models import SignatureEvidence
from esign.services import certificate_record
from recognition import services
from recognition.models import Document
from tests import workflow
from tests.esign.pki import pki, sign
from tests.esign.world import make_electronic, recognition_document
from tests.factories import DossierFactory, put_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def electronic(people):
    """Kỳ Sơn's People's Committee issues electronically; the chair's certificate is on file."""
    body = make_electronic(
        IssuingBody.objects.get(code=people.ky_son.code), people.my_ly.province, admin=people.admin
    )
    certificate_record(data=pki().chairman.pem, actor=people.admin, user=people.chair)
    return body


def _decide(people, django_capture_on_commit_callbacks):
    return recognition_document(people, django_capture_on_commit_callbacks)


def _upload(client, document, data: bytes, stage: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("esign:document_signing", args=[document.pk]),
        {
            "stage": stage,
            "signed_file": SimpleUploadedFile("signed.pdf", data, content_type="application/pdf"),
        },
    )


def _rendered(client, document) -> bytes:
    response = client.get(reverse("recognition:document_download", args=[document.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.district_clock
def test_the_chair_signs_then_the_clerk_and_verify_shows_both(
    people, electronic, client, django_capture_on_commit_callbacks
):
    ca = pki()
    document = _decide(people, django_capture_on_commit_callbacks)
    # The number and date are taken when the chair approves: they are in the file the chair signs.
    assert document.decision.number is not None
    assert document.status == Document.Status.READY
    assert document.signature_stage == Document.SignatureStage.SIGNER
    client.force_login(people.chair)
    # The bell tells the chair; the clerk is told once the chair has signed.
    signing_url = reverse("esign:document_signing", args=[document.pk])
    assert signing_url.encode() in client.get(reverse("notifications")).content
    assert "chờ ký số" in client.get(reverse("home")).content.decode()  # the inbox says so too
    page = client.get(reverse("esign:awaiting"))
    assert reverse("esign:document_signing", args=[document.pk]).encode() in page.content
    rendered = _rendered(client, document)
    signed = sign(rendered, ca.chairman)
    response = _upload(client, document, signed, "signer")
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.ORGANISATION

    client.force_login(people.clerk)
    assert signing_url.encode() in client.get(reverse("notifications")).content
    assert (
        reverse("esign:document_signing", args=[document.pk]).encode()
        in client.get(reverse("esign:awaiting")).content
    )
    download = client.get(reverse("esign:signed_download", args=[document.pk]))
    signer_signed = b"".join(download.streaming_content)
    assert signer_signed == signed
    final = sign(signer_signed, ca.organisation, field="ChuKy2")
    response = _upload(client, document, final, "organisation")
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.SIGNED
    assert document.signed_sha256 == hashlib.sha256(final).hexdigest()
    evidence = list(SignatureEvidence.objects.filter(document=document))
    assert [e.role for e in evidence] == ["signer", "organisation"]
    # Kept with each signature: the path to the anchor, the revocation data, the timestamp token.
    chain = [link["subject"].split(" — ")[0] for link in evidence[0].evidence["path"]]
    assert chain == ["Root CA Ban Cơ yếu (thử nghiệm)", "CA Chính phủ (thử nghiệm)", "Chủ tịch (thử nghiệm)"]
    assert {r["from"] for r in evidence[0].evidence["revocation"]} == {"uploaded"}
    assert evidence[0].evidence["timestamp"]["token_sha256"]
    assert "TSA" in evidence[0].evidence["timestamp"]["tsa"]

    client.logout()
    verify = client.get(reverse("verify", args=[document.verification_code])).content.decode()
    assert document.signed_sha256 in verify
    assert document.sha256 not in verify  # the unsigned file is no longer what a copy is compared with
    assert verify.count("<tr><td>1</td>") == 1 and "<tr><td>2</td>" in verify
    assert people.chair.get_full_name() in verify


@pytest.mark.district_clock
def test_refusals_leave_the_document_waiting(people, electronic, client, django_capture_on_commit_callbacks):
    ca = pki()
    document = _decide(people, django_capture_on_commit_callbacks)
    client.force_login(people.chair)
    rendered = _rendered(client, document)
    # The organisation's signature without the signer's.
    response = _upload(client, document, sign(rendered, ca.organisation), "signer")
    assert response.status_code == 400
    assert (
        "người có thẩm quyền" in response.content.decode() or "competent person" in response.content.decode()
    )
    # Both signatures at once, the organisation's first and the chair's after it.
    response = _upload(
        client, document, sign(sign(rendered, ca.organisation), ca.chairman, field="ChuKy2"), "signer"
    )
    assert response.status_code == 400
    # A certificate not on file (the vice-chair's, never added).
    response = _upload(client, document, sign(rendered, ca.vice_chair), "signer")
    assert response.status_code == 400
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.SIGNER
    assert not document.signed_file
    assert not SignatureEvidence.objects.exists()


@pytest.mark.district_clock
def test_a_certificate_on_file_for_another_official_of_the_same_name_is_refused(
    people, electronic, client, django_capture_on_commit_callbacks
):
    ca = pki()
    # Thanh Chương's chair, renamed to share Kỳ Sơn's chair's name: the certificate is his, not hers.
    namesake = people.other_chair
    namesake.full_name = people.chair.get_full_name()
    namesake.save(update_fields=["full_name"])
    certificate_record(data=ca.vice_chair.der, actor=people.admin, user=namesake)
    document = _decide(people, django_capture_on_commit_callbacks)
    client.force_login(people.chair)
    response = _upload(client, document, sign(_rendered(client, document), ca.vice_chair), "signer")
    assert response.status_code == 400
    assert "chứng thư số này được đăng ký cho" in response.content.decode()
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.SIGNER


@pytest.mark.district_clock
def test_only_the_recorded_signer_may_bring_the_first_signature(
    people, electronic, client, django_capture_on_commit_callbacks
):
    document = _decide(people, django_capture_on_commit_callbacks)
    client.force_login(people.clerk)
    response = _upload(client, document, b"%PDF-1.7", "signer")
    assert response.status_code in (403, 404) or b'name="signed_file"' not in response.content
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.SIGNER


@pytest.mark.district_clock
def test_a_body_on_paper_issues_as_before(people, django_capture_on_commit_callbacks):
    document = _decide(people, django_capture_on_commit_callbacks)
    assert document.signature_stage == ""
    assert not document.awaiting_signature


def test_an_electronic_body_must_be_numbered_by_the_application(people):
    from django.core.exceptions import ValidationError

    body = IssuingBody.objects.get(code=people.ky_son.code)
    body.issuance, body.numbering = IssuingBody.Issuance.ELECTRONIC, IssuingBody.Numbering.CLERK
    with pytest.raises(ValidationError):
        body.full_clean()


@pytest.mark.district_clock
def test_the_decision_takes_effect_at_the_organisations_signature(
    people, electronic, client, django_capture_on_commit_callbacks
):
    """The 2024 recognition ends the 2023 one only once the organisation has signed, not at numbering."""
    from assessments.models import Dossier

    ca = pki()
    with django_capture_on_commit_callbacks(execute=True):
        earlier = workflow.bring_to(DossierFactory(commune=people.my_ly, year=2023), "recognised", people)
    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer),
        people.police,
        inspection_date=datetime.date(2024, 12, 3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 12, 10)
        )
    document = Document.objects.get(decision=decision, kind=Document.Kind.RECOGNITION)
    assert Dossier.objects.get(pk=earlier.pk).state == "recognised"
    client.force_login(people.chair)
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert "data-awaiting-signature" in page
    signed = sign(_rendered(client, document), ca.chairman)
    assert _upload(client, document, signed, "signer").status_code == 302
    assert Dossier.objects.get(pk=earlier.pk).state == "recognised"
    client.force_login(people.clerk)
    assert (
        _upload(client, document, sign(signed, ca.organisation, field="ChuKy2"), "organisation").status_code
        == 302
    )
    assert Dossier.objects.get(pk=earlier.pk).state == "expired"
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert "data-awaiting-signature" not in page


def test_the_vice_chair_signs_kt_the_decision_with_its_130_row_annex(
    province_people, official, client, django_capture_on_commit_callbacks
):
    """Decision 28: the provincial vice-chair's decision (KT. CHỦ TỊCH) recognising 130 communes, its
    annex in the same file, signed once by him and once by the organisation; the communes receive the
    signed file, and only after the organisation's signature."""
    from assessments.models import CriteriaSet, Dossier, SituationCounts
    from communes.models import Commune, Role
    from communes.services import issuing_body_for
    from outbox.models import Email

    p = province_people
    ca = pki()
    body = make_electronic(
        issuing_body_for(unit=p.province, kind=IssuingBody.Kind.PEOPLE_COMMITTEE), p.province, admin=p.admin
    )
    certificate_record(data=ca.vice_chair.der, actor=p.admin, user=p.provincial_vice_chair)
    clerk = official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_ky_so")
    criteria_set = CriteriaSet.objects.filter(procedure="province").first()
    dossiers = []
    for i in range(130):
        commune = Commune.objects.create(
            code=f"8{i:04d}",
            name=f"Xã Ký Số {i + 1:03d}",
            kind="xa",
            province=p.province,
            valid_from=datetime.date(2025, 7, 1),
        )
        dossier = DossierFactory(commune=commune, year=2026, criteria_set=criteria_set)
        SituationCounts.objects.create(dossier=dossier, population=4000, classification="")
        dossiers.append(dossier)
    official(Role.COMMUNE_CHAIR, dossiers[0].commune, username="ct_ky_so", email="ctks@example.vn")
    # Test set-up only: the council's vote has its own tests; here, one signed decision for 130 communes.
    put_in_state(dossiers, Dossier.State.RECOMMENDED)
    with django_capture_on_commit_callbacks(execute=True):
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_vice_chair,
            listed=[d.pk for d in dossiers],
            decided_on=datetime.date(2026, 11, 24),
            signer_title="Phó Chủ tịch UBND tỉnh",
        )
    assert collective.signer_capacity == "deputy" and collective.number is not None
    document = Document.objects.get(collective=collective)
    assert document.issuer_code == body.code
    assert document.signature_stage == Document.SignatureStage.SIGNER
    assert not Email.objects.filter(attachment_file__startswith="signed/").exists()
    assert not Email.objects.filter(key__startswith=f"decision:{document.pk}:").exists()

    client.force_login(p.provincial_vice_chair)
    signed = sign(_rendered(client, document), ca.vice_chair)
    response = _upload(client, document, signed, "signer")
    assert response.status_code == 302, response.content.decode()[:1500]
    assert not Email.objects.filter(key__startswith=f"decision:{document.pk}:").exists()
    client.force_login(clerk)
    response = _upload(client, document, sign(signed, ca.organisation, field="ChuKy2"), "organisation")
    assert response.status_code == 302, response.content.decode()[:1500]
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.SIGNED
    letter = Email.objects.get(key__startswith=f"decision:{document.pk}:")
    assert letter.attachment_file == document.signed_file.name and letter.to == ["ctks@example.vn"]


def _signature_gap(document: Document, signer_name: str) -> float:
    """Points between the last title line of the signature block and the signer's name, on the page
    (the right-hand column of the foot: "Nơi nhận" shares its lines on the left)."""
    import itertools

    import pdfplumber

    with pdfplumber.open(document.file.path) as pdf:
        for page in pdf.pages:
            words = [w for w in page.extract_words() if w["x0"] > page.width * 0.45]
            lines = [
                (top, " ".join(w["text"] for w in group), max(w["bottom"] for w in group))
                for top, group in (
                    (t, list(g)) for t, g in itertools.groupby(words, key=lambda w: round(w["top"]))
                )
            ]
            names = [line for line in lines if line[1] == signer_name]
            if names:
                titles = [line for line in lines if line[1] == "CHỦ TỊCH" and line[0] < names[-1][0]]
                return names[-1][0] - titles[-1][2]
    raise AssertionError("no signature block found")


@pytest.mark.district_clock
def test_an_electronic_original_leaves_room_for_the_signature_and_seal_images(
    people, client, django_capture_on_commit_callbacks
):
    """Decree 30, App. I II.7.d and II.8.a: the signature image and the seal over its left third go
    between the title and the name; on paper the same block keeps the room for a hand signature."""
    paper = _decide(people, django_capture_on_commit_callbacks)
    on_paper = _signature_gap(paper, people.chair.get_full_name())
    make_electronic(
        IssuingBody.objects.get(code=people.ky_son.code), people.my_ly.province, admin=people.admin
    )
    document = recognition_document(
        people, django_capture_on_commit_callbacks, year=2023, decided_on=datetime.date(2024, 11, 6)
    )
    electronic = _signature_gap(document, people.chair.get_full_name())
    # About 40 mm: a seal of 35–40 mm across the left third of the signature image.
    assert electronic >= 110 > on_paper >= 55


@pytest.mark.district_clock
def test_a_certificate_seen_first_with_the_signers_name_is_proposed_then_confirmed(
    people, electronic, client, django_capture_on_commit_callbacks
):
    """Matching the name never accepts a signature: it proposes the certificate; once an administrator
    confirms it, the same upload is accepted."""
    from esign.models import SigningCertificate
    from esign.services import certificates_confirm
    from tests.esign.pki import issue

    own = issue(people.chair.get_full_name(), by=pki().intermediate)
    document = _decide(people, django_capture_on_commit_callbacks)
    client.force_login(people.chair)
    signed = sign(_rendered(client, document), own)
    response = _upload(client, document, signed, "signer")
    assert response.status_code == 400
    assert "quản trị viên" in response.content.decode()
    proposed = SigningCertificate.objects.get(user=people.chair, confirmed_at__isnull=True)
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.SIGNER
    certificates_confirm(certificates=[proposed], actor=people.admin)
    assert _upload(client, document, signed, "signer").status_code == 302


@pytest.mark.district_clock
def test_the_organisations_signature_before_the_signers_is_refused_at_the_clerks_step(
    people, electronic, client, django_capture_on_commit_callbacks
):
    ca = pki()
    document = _decide(people, django_capture_on_commit_callbacks)
    client.force_login(people.chair)
    rendered = _rendered(client, document)
    assert _upload(client, document, sign(rendered, ca.chairman), "signer").status_code == 302
    client.force_login(people.clerk)
    reversed_order = sign(sign(rendered, ca.organisation), ca.chairman, field="ChuKy2")
    response = _upload(client, document, reversed_order, "organisation")
    assert response.status_code == 400
    assert "người có thẩm quyền" in response.content.decode()
    document.refresh_from_db()
    assert document.signature_stage == Document.SignatureStage.ORGANISATION
    assert SignatureEvidence.objects.filter(document=document).count() == 1


def test_the_provincial_polices_appraisal_report_is_signed_by_its_director_then_its_own_clerk(
    province_people, official, client, django_capture_on_commit_callbacks
):
    """A police body's organisation signature is its own clerk's (keep_police_register), never the
    People's Committee's clerk's."""
    from communes.models import Role
    from communes.services import issuing_body_for

    p = province_people
    ca = pki()
    police = make_electronic(
        issuing_body_for(unit=p.province, kind=IssuingBody.Kind.POLICE), p.province, admin=p.admin
    )
    certificate_record(data=ca.chairman.der, actor=p.admin, user=p.provincial_police)
    police_clerk = official(Role.POLICE_CLERK, p.province, username="vanthu_ca")
    committee_clerk = official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_ub")
    with django_capture_on_commit_callbacks(execute=True):
        [dossier] = workflow.province_appraised(p, [(p.new_my_ly, p.commune_police, p.commune_chair)])
    report = Document.objects.get(dossier=dossier, kind=Document.Kind.APPRAISAL_REPORT)
    assert report.issuer_code == police.code and report.signature_stage == Document.SignatureStage.SIGNER
    client.force_login(p.provincial_police)
    signed = sign(_rendered(client, report), ca.chairman)
    assert _upload(client, report, signed, "signer").status_code == 302
    final = sign(signed, ca.organisation, field="ChuKy2")
    client.force_login(committee_clerk)
    assert _upload(client, report, final, "organisation").status_code == 403
    client.force_login(police_clerk)
    assert (
        reverse("esign:document_signing", args=[report.pk]).encode()
        in client.get(reverse("esign:awaiting")).content
    )
    assert _upload(client, report, final, "organisation").status_code == 302
    report.refresh_from_db()
    assert report.signature_stage == Document.SignatureStage.SIGNED


@pytest.mark.district_clock
def test_the_documents_awaiting_a_signature_are_read_in_a_fixed_number_of_queries(
    people, electronic, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """The inbox asks it on every visit of a signer or a clerk: no query per document waiting."""
    from esign.selectors import awaiting_for

    documents = [
        recognition_document(people, django_capture_on_commit_callbacks, year=year, decided_on=day)
        for year, day in ((2023, datetime.date(2024, 11, 5)), (2024, datetime.date(2024, 11, 6)))
    ]
    Document.objects.filter(pk=documents[0].pk).update(signature_stage=Document.SignatureStage.ORGANISATION)
    awaiting_for(people.clerk)  # the clerk's grants, read once per request by the page
    with django_assert_max_num_queries(2):
        assert [d.pk for d in awaiting_for(people.clerk)] == [documents[0].pk]
    awaiting_for(people.chair)
    with django_assert_max_num_queries(2):
        assert {d.pk for d in awaiting_for(people.chair)} >= {documents[1].pk}
