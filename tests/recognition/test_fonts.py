"""The PDF names the font it embeds: Liberation Serif under its own name (metric-compatible with Times
New Roman, so the golden texts do not move), or the files DOCUMENT_FONT_DIR holds (the province's licensed
Times New Roman), under the name the files declare. Before, the PDF named whatever the folder held
"Times-New-Roman"."""

import io

import pytest
from pypdf import PdfReader

from recognition import services
from recognition.models import Document

pytestmark = pytest.mark.django_db


def embedded_fonts(document) -> set[str]:
    reader = PdfReader(io.BytesIO(document.file.read()))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def rendered(decision) -> Document:
    document = Document.objects.get(decision=decision, kind="recognition")
    return services.document_render(document_id=document.pk)


@pytest.mark.district_clock
def test_the_shipped_font_is_named_as_what_it_is(recognised):
    names = embedded_fonts(rendered(recognised))
    assert names and all(name.startswith("Liberation-Serif") for name in names), names


def dejavu_folder(tmp_path) -> str:
    """A different serif standing where the licensed Times New Roman would: Debian's DejaVu Serif
    (fonts-dejavu-core), renamed like the Times files."""
    import shutil
    from pathlib import Path

    source = Path("/usr/share/fonts/truetype/dejavu")
    for theirs, ours in zip(
        ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic"),
        ("times", "timesbd", "timesi", "timesbi"),
        strict=True,
    ):
        shutil.copyfile(source / f"{theirs}.ttf", tmp_path / f"{ours}.ttf")
    return str(tmp_path)


def pdffonts(document) -> list[str]:
    """The names `pdffonts` (poppler) reads from the PDF, without the subset prefix."""
    import subprocess

    out = subprocess.run(["pdffonts", document.file.path], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.district_clock
def test_a_font_folder_s_files_are_the_ones_embedded_and_named(recognised, settings, tmp_path):
    settings.DOCUMENT_FONT_DIR = dejavu_folder(tmp_path)
    names = pdffonts(rendered(recognised))
    assert names and all(name.startswith("DejaVu") for name in names), names


@pytest.mark.district_clock
def test_without_the_folder_pdffonts_reads_liberation_serif(recognised, settings):
    settings.DOCUMENT_FONT_DIR = ""
    names = pdffonts(rendered(recognised))
    assert names and all(name.startswith("Liberation-Serif") for name in names), names
