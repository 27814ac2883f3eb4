"""The demo's documents pointed to http://127.0.0.1:8000 whatever port it ran on: `make demo` now sets
SITE_URL from HOST and PORT, and the verification URL and the QR code of every PDF carry it."""

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def demo_site_url(**variables) -> str:
    """What `make demo HOST=… PORT=…` prints on its documents, on a machine without SITE_URL set."""
    args = [f"{k}={v}" for k, v in variables.items()]
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "site-url", *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_make_demo_takes_the_address_from_host_and_port():
    assert demo_site_url() == "http://127.0.0.1:8000"
    assert demo_site_url(PORT=8123) == "http://127.0.0.1:8123"
    assert demo_site_url(HOST="0.0.0.0", PORT=8080) == "http://127.0.0.1:8080"  # listening everywhere
    assert demo_site_url(SITE_URL="https://demo.example.vn") == "https://demo.example.vn"


@pytest.mark.district_clock
def test_a_document_of_the_demo_on_another_port_points_there(
    settings, people, tmp_path, django_capture_on_commit_callbacks
):
    from recognition import services
    from recognition.models import Document

    settings.SITE_URL = demo_site_url(PORT=8123)
    import datetime

    from tests import workflow
    from tests.factories import DossierFactory

    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer), people.police
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = services.decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 11, 5)
        )
    document = services.document_render(
        document_id=Document.objects.get(decision=decision, kind="recognition").pk
    )
    expected = f"http://127.0.0.1:8123/verify/{document.verification_code}/"
    text = subprocess.run(
        ["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert expected in "".join(text.split())  # the layout may wrap the address beside a long name
    pages = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "200", document.file.path, str(pages)], check=True)
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", *sorted(str(p) for p in tmp_path.glob("page*.png"))],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert read == [expected]
