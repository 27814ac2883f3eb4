"""The PDF names the font it embeds: Liberation Serif under its own name (metric-compatible with Times
New Roman, so the golden texts do not move), or the province's licensed Times New Roman when
DOCUMENT_FONT_DIR holds it. Before, Liberation Serif was embedded as "Times-New-Roman"."""

import io

import pytest
from pypdf import PdfReader

from recognition import services
from recognition.models import Document
from tests.test_security import licensed_font_folder

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


def test_the_shipped_font_is_named_as_what_it_is(recognised):
    names = embedded_fonts(rendered(recognised))
    assert names and all(name.startswith("Liberation-Serif") for name in names), names


def test_the_licensed_times_new_roman_is_used_when_its_folder_is_set(recognised, settings):
    settings.DOCUMENT_FONT_DIR = licensed_font_folder()
    names = embedded_fonts(rendered(recognised))
    assert names and all(name.startswith("Times-New-Roman") for name in names), names
