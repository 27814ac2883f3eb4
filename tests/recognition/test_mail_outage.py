"""F16: with a real worker on Redis, e-mails written while the broker was unreachable (the
notifications of an issued decision, the decision's mailing to the communes) wait in the outbox; once
the broker is back, the sweep sends each of them, once."""

import datetime
import email
from pathlib import Path

import pytest

from communes.models import Role
from nghean_dfc.celery import app as celery_app
from outbox.models import Email
from outbox.services import emails_sweep
from recognition import services
from recognition.models import Document
from tests.celery_worker import wait_for
from tests.recognition.test_worker import reset_producer_pool, running_worker

DECIDED = datetime.date(2026, 11, 24)

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mail_worker(tmp_path):
    """A worker on Redis whose mail server writes each message it accepts to a folder."""
    folder = tmp_path / "sent"
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder),
    }
    for proc in running_worker("celery-worker-mail.log", env):
        proc.folder = folder
        yield proc


def delivered(folder: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(subject, recipients) of every message the mail server accepted."""
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                found.append(
                    (
                        str(email.header.make_header(email.header.decode_header(message["Subject"]))),
                        tuple(sorted(a.strip() for a in message["To"].split(","))),
                    )
                )
    return found


def test_e_mails_written_while_the_broker_is_down_are_sent_once_by_the_sweep(
    mail_worker, recommended, official
):
    p = recommended
    for user, address in ((p.commune_police, "ca.myly@example.vn"), (p.commune_chair, "ct.myly@example.vn")):
        user.email = address
        user.save(update_fields=["email"])
    clerk = official(Role.PROVINCIAL_CLERK, p.province, username="vanthu_tinh", email="vanthu@example.vn")

    real_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there: the broker is down
    reset_producer_pool()
    try:
        collective = services.collective_decision_record(
            province=p.province,
            year=2026,
            actor=p.provincial_vice_chair,
            listed=[p.dossier[p.new_my_ly.pk].pk, p.dossier[p.tam_quang.pk].pk],
            decided_on=DECIDED,
            signer_title="Phó Chủ tịch UBND tỉnh",
        )
        services.record_issue(
            record=collective, actor=clerk, number=215, issued_on=datetime.date(2026, 11, 25)
        )
        # The worker that rendered the decision lost the broker as it finished: the mailing is queued.
        issued = Document.objects.get(collective=collective, draft=False)
        services.document_render(document_id=issued.pk)
    finally:
        celery_app.conf.broker_url = real_broker
        reset_producer_pool()

    waiting = list(Email.objects.filter(sent_at__isnull=True).values_list("subject", flat=True))
    assert any(s.startswith("Quyết định số 215/QĐ-UBND: công nhận Xã Mỹ Lý") for s in waiting)
    assert "Quyết định chờ cấp số: quyết định công nhận 2 đơn vị cấp xã của Tỉnh Nghệ An năm 2026" in waiting
    assert waiting.count("Hồ sơ Xã Mỹ Lý — 2026: Được công nhận") == 2  # the commune police and chair
    assert delivered(mail_worker.folder) == []

    Email.objects.update(created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10))
    assert emails_sweep() == len(waiting)  # the broker is back: the sweep hands them to the worker
    wait_for(lambda: not Email.objects.filter(sent_at__isnull=True).exists(), timeout=60)
    assert emails_sweep() == 0  # nothing is left to send
    sent = delivered(mail_worker.folder)
    assert len(sent) == len(waiting) == len(set(sent))  # each e-mail once
    assert (
        "Quyết định số 215/QĐ-UBND: công nhận Xã Mỹ Lý năm 2026",
        ("ca.myly@example.vn", "ct.myly@example.vn"),
    ) in sent
    assert set(Email.objects.values_list("attempts", flat=True)) == {1}
