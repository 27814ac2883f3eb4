"""The official records in the admin: each page opens for an administrator and shows its record; the
records the services keep are read-only (a change is refused); the legal bases are kept here, their
dates checked; failed documents are prepared again from here."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from council.models import AgendaItem, Attendance, CouncilMember, CouncilSession, ReviewCouncil, Vote
from recognition import services
from recognition.models import CollectiveDecision, Document, LegalBasis, RecognitionDecision, Revocation
from tests.recognition.conftest import build_council, build_recognised, build_recommended
from tests.world import load_people, module_world

READ_ONLY = [
    RecognitionDecision,
    Revocation,
    CollectiveDecision,
    Document,
    ReviewCouncil,
    CouncilMember,
    CouncilSession,
    AgendaItem,
    Attendance,
    Vote,
]


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker, tmp_path_factory):
    """A closed council session with its votes, the chairman's decision with its annex, and a district
    decision revoked: one row at least of every official record."""
    import time_machine
    from django.test import TestCase

    from tests.world import DISTRICT_CLOCK

    with module_world("admin-records", django_db_blocker, tmp_path_factory) as world:
        people = load_people()
        # The district decision and its revocation, while Kỳ Sơn's bodies existed.
        with time_machine.travel(DISTRICT_CLOCK, tick=True), TestCase.captureOnCommitCallbacks(execute=False):
            decision = build_recognised(people)
            services.decision_revoke(
                decision=decision,
                actor=people.chair,
                incident_date=datetime.date(2022, 11, 2),
                incident_description="Phát hiện 01 đối tượng tàng trữ trái phép chất ma túy",
                reason="Không còn đạt tiêu chí",
                decided_on=datetime.date(2022, 11, 15),
            )
        p = build_recommended(build_council(people))
        with TestCase.captureOnCommitCallbacks(execute=False):
            services.collective_decision_record(
                province=p.province,
                year=2026,
                actor=p.provincial_vice_chair,
                listed=[p.dossier[p.new_my_ly.pk].pk],
                decided_on=datetime.date(2026, 11, 24),
            )
        world.freeze()
        yield p


def admin_url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_each_record_s_page_opens_shows_it_and_refuses_a_change(client, records, model):
    assert model in admin.site._registry
    client.force_login(records.admin)
    record = model.objects.order_by("pk").first()
    listing = client.get(admin_url(model, "changelist"))
    assert listing.status_code == 200 and admin_url(model, "change", record.pk) in listing.content.decode()
    page = client.get(admin_url(model, "change", record.pk))
    assert page.status_code == 200 and str(record) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # nothing to save: read-only
    before = model.objects.filter(pk=record.pk).values().get()
    assert client.post(admin_url(model, "change", record.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    assert client.get(admin_url(model, "add")).status_code == 403
    assert model.objects.filter(pk=record.pk).values().get() == before


def basis_form(**changes) -> dict:
    data = {
        "kind": "decision",
        "role": "government",
        "number": "28/2025/QĐ-TTg",
        "signed_on": "2025-06-30",
        "issuer": "Thủ tướng Chính phủ",
        "title": "ban hành tiêu chí xã, phường, đặc khu không ma túy",
        "in_force_from": "2025-07-01",
        "in_force_until": "",
        "procedures": '["province"]',
        "document_kinds": '["recognition"]',
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_an_administrator_keeps_the_legal_bases_their_dates_in_order(client, records):
    client.force_login(records.admin)
    count = LegalBasis.objects.count()
    refused = client.post(admin_url(LegalBasis, "add"), basis_form(in_force_until="2025-01-01"))
    assert refused.status_code == 200
    assert "Không thể hết hiệu lực trước khi có hiệu lực." in refused.content.decode()
    early = client.post(admin_url(LegalBasis, "add"), basis_form(in_force_from="2025-06-01"))
    assert "Không thể có hiệu lực trước ngày ký." in early.content.decode()
    unknown = client.post(admin_url(LegalBasis, "add"), basis_form(document_kinds='["recognitoin"]'))
    assert "recognitoin" in unknown.content.decode()
    assert LegalBasis.objects.count() == count
    saved = client.post(admin_url(LegalBasis, "add"), basis_form())
    assert saved.status_code == 302 and LegalBasis.objects.count() == count + 1


@pytest.mark.django_db
def test_failed_documents_are_prepared_again_from_the_admin(
    client, records, django_capture_on_commit_callbacks
):
    failed = Document.objects.filter(kind="council_minutes").get()
    Document.objects.filter(pk=failed.pk).update(
        status=Document.Status.FAILED, error="WeasyPrint", attempts=3
    )
    client.force_login(records.admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            admin_url(Document, "changelist"), {"action": "prepare_again", "_selected_action": [failed.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Document.Status.PENDING and failed.error == ""
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["1 văn bản đang được tạo lại."]
