"""F12: an upload on a full disk was a 500 and left a truncated file in the media folder. It is
refused with a Vietnamese message, the partial file is removed, and the form keeps what was typed and
the other files of the save."""

import errno
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Evidence
from tests.assessments.test_uploads import post_with_file
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


class FillingDisk:
    """A file on a disk with 100 KB free: what fits is written, then the write fails with ENOSPC."""

    def __init__(self, real):
        self.real = real
        self.free = 100 * 1024

    def write(self, chunk):
        written = self.real.write(chunk[: self.free])
        self.free -= written
        if written < len(chunk):
            self.real.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return written

    def close(self):
        self.real.close()


@pytest.fixture
def full_disk(monkeypatch):
    """Every file the storage writes finds 100 KB free on the disk."""
    real_fdopen = filesystem.os.fdopen
    monkeypatch.setattr(
        filesystem.os, "fdopen", lambda *args, **kwargs: FillingDisk(real_fdopen(*args, **kwargs))
    )


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


@pytest.mark.district_clock
def test_an_upload_on_a_full_disk_is_refused_and_leaves_no_partial_file(client, people, dossier, full_disk):
    client.force_login(people.officer)
    before = media_files()
    second = dossier.applicable_criteria()[1]
    big = PDF_BYTES + b"%" + b"0" * (3 * 64 * 1024)  # 200 KB: the write fails part-way

    response = post_with_file(
        client,
        dossier,
        SimpleUploadedFile("bao-cao.pdf", big, "application/pdf"),
        **{f"evidence_{second.pk}": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, "application/pdf")},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "không ghi được tệp" in page and "bao-cao.pdf" in page
    assert "Giải trình đã nhập" in page  # what was typed is kept
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["bien-ban.pdf"]
    # The truncated file is gone; only the whole one is on disk.
    assert media_files() - before == {Evidence.objects.get().file.name}
