"""Returns that can be acted on: the reason is at the top of the dossier, in the notice and the e-mail,
in the inbox row and on the form being corrected; after resubmission the police and the chair see
what changed since the return (answers before and after, files added and removed, with their dates)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Dossier, Evidence
from tests import workflow
from tests.factories import PDF_BYTES

REASON = "Thiếu biên bản họp dân tháng 9; số người nghiện chưa khớp với sổ theo dõi."


def returned_dossier(dossier, people, django_capture_on_commit_callbacks):
    dossier = workflow.submit(dossier, people.officer)
    with django_capture_on_commit_callbacks(execute=True):
        return services.dossier_return_to_commune(dossier=dossier, actor=people.police, reason=REASON)


@pytest.mark.district_clock
def test_the_reason_is_where_the_commune_acts(client, people, dossier, django_capture_on_commit_callbacks):
    dossier = returned_dossier(dossier, people, django_capture_on_commit_callbacks)
    # The e-mail names the reason.
    sent = [m for m in mail.outbox if people.officer.email in m.to]
    assert sent and f"Lý do trả lại: {REASON}" in sent[-1].body
    client.force_login(people.officer)
    # The notice, the inbox row, the top of the dossier and the form being corrected.
    assert REASON in client.get(reverse("notifications")).content.decode()
    inbox = client.get("/").content.decode()
    assert REASON in inbox.split('id="awaiting-title"')[1].split('id="all-title"')[0]
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    top = page.split('id="actions-title"')[0]
    assert "Hồ sơ bị trả lại xã" in top and REASON in top and people.police.get_full_name() in top
    form = client.get(reverse("assessments:self_assessment", args=[dossier.pk])).content.decode()
    assert REASON in form.split("novalidate")[0]


@pytest.mark.district_clock
def test_the_police_see_what_changed_since_the_return(
    client, people, dossier, django_capture_on_commit_callbacks
):
    dossier = returned_dossier(dossier, people, django_capture_on_commit_callbacks)
    c1, _c2, c3 = dossier.applicable_criteria()
    old_file = Evidence.objects.filter(dossier=dossier).first()
    # The commune corrects: a new value and explanation for C3, one file removed, one added.
    services.self_assessment_save(
        dossier=dossier,
        actor=people.officer,
        answers={c3.pk: (workflow.meeting_value(c3) + 3, "Đã đối chiếu sổ theo dõi")},
    )
    services.evidence_remove(evidence=old_file, actor=people.officer)
    services.evidence_add(
        dossier=Dossier.objects.get(pk=dossier.pk),
        actor=people.officer,
        criterion=old_file.criterion,
        upload=SimpleUploadedFile("Biên bản họp dân.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    services.dossier_submit(dossier=Dossier.objects.get(pk=dossier.pk), actor=people.officer)

    client.force_login(people.police)
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    changes = page.split('id="changes-title"')[1].split("</section>")[0]
    assert "Đã đối chiếu sổ theo dõi" in changes and "<del>" in changes and "<ins>" in changes
    assert c3.code in changes and c1.code not in changes.split("<h3>")[0]  # C1's answer is unchanged
    assert f"Đã xóa: {old_file.criterion.code} — {old_file.original_name}" in changes
    assert f"Thêm: {old_file.criterion.code} — Biên bản họp dân.pdf" in changes
    assert REASON in changes
    # The return's own notice is gone: the dossier is no longer in the state the return put it in.
    assert "Hồ sơ bị trả lại xã" not in page.split('id="changes-title"')[0]


@pytest.mark.district_clock
def test_a_resubmission_without_changes_says_so(client, people, dossier, django_capture_on_commit_callbacks):
    dossier = returned_dossier(dossier, people, django_capture_on_commit_callbacks)
    services.dossier_submit(dossier=dossier, actor=people.officer)
    client.force_login(people.police)
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Không có thay đổi nào kể từ khi trả lại." in page


@pytest.mark.district_clock
def test_a_send_back_reason_is_on_the_appraisal_form(client, people, dossier):
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    services.dossier_send_back(dossier=dossier, actor=people.chair, reason="Kiểm tra lại tiêu chí C2")
    client.force_login(people.police)
    form = client.get(reverse("assessments:appraisal", args=[dossier.pk])).content.decode()
    assert (
        "Hồ sơ được chuyển lại công an" in form and "Kiểm tra lại tiêu chí C2" in form.split("novalidate")[0]
    )
