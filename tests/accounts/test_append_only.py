"""The append-only records share one base (accounts.append_only): the audit log, a dossier's history
and the numbers taken in a register refuse a change and a deletion, by the model and its queryset, with
one exception and one message."""

import datetime

import pytest

from accounts.append_only import AppendOnlyError
from accounts.audit import audit_record
from accounts.models import AuditEntry
from assessments.models import DossierEvent
from communes.models import IssuingBody, RegisterNumber
from tests import workflow

pytestmark = pytest.mark.django_db
MESSAGE = "Bản ghi này được giữ nguyên như khi ghi: không thể sửa hay xóa."


@pytest.fixture
def rows(dossier, people):
    workflow.submit(dossier, people.officer)
    body = IssuingBody.objects.create(code="T1", kind="police", name="Công an thử", numbering="application")
    return {
        AuditEntry: audit_record(kind="login", actor=people.officer, username=people.officer.username),
        DossierEvent: DossierEvent.objects.filter(dossier=dossier).first(),
        RegisterNumber: RegisterNumber.objects.create(
            body=body, year=2026, series="dispatch", number=1, issued_on=datetime.date(2026, 1, 5)
        ),
    }


@pytest.mark.district_clock
@pytest.mark.parametrize("model", [AuditEntry, DossierEvent, RegisterNumber], ids=lambda m: m.__name__)
def test_a_stored_record_is_neither_changed_nor_deleted(rows, model):
    from django.utils import translation

    row = rows[model]
    with translation.override("vi"):
        with pytest.raises(AppendOnlyError) as refused:
            row.save()
        assert refused.value.messages == [MESSAGE]
    for attempt in (
        row.delete,
        lambda: model.objects.filter(pk=row.pk).update(pk=row.pk),
        lambda: model.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert model.objects.filter(pk=row.pk).exists()
