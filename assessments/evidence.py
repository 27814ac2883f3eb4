"""Evidence files (minh chứng): what a file is, checked from its content and structure, and the safe name
it is stored and served under, whatever name the uploader gave it.

A file is accepted when its first bytes say PDF, JPEG, PNG, DOCX or XLSX *and* it is one: a PDF parses
and has a page, an image decodes, a DOCX or XLSX has its parts, no macros, no member outside the
archive and an uncompressed size under EVIDENCE_MAX_UNCOMPRESSED_BYTES (inflated here, in bounded
chunks, so a bomb is refused before an official opens it).
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from communes.text import nfc

# Recognised by content (magic bytes, then structure), never by the name's extension.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG"}
OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAX_ARCHIVE_MEMBERS = 5000
# Parts that carry code: VBA macros (what .docm/.xlsm hold) and programs packed into the archive.
PROGRAM_PARTS = (
    "vbaproject.bin",
    "vbadata.xml",
    ".exe",
    ".dll",
    ".class",
    ".jar",
    ".js",
    ".vbs",
    ".hta",
    ".bat",
    ".cmd",
    ".ps1",
    ".scr",
)
STEM_MAX_CHARS = 150


class EvidenceRefused(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class Inspected:
    extension: str
    content_type: str


def safe_name(name: str, extension: str) -> str:
    """The name a file is stored and served under: the uploaded name's own stem (no folder, NFC, no
    control, format or bidi characters such as U+202E, cut to STEM_MAX_CHARS) and the detected type's
    extension, never the uploaded one."""
    name = nfc(name or "").split("\x00")[0]  # "good.pdf\x00.exe": the name ends where C strings end
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = " ".join(name.split()).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if stem.lower().endswith("." + extension):
        stem = stem[: -len(extension) - 1]
    stem = stem[:STEM_MAX_CHARS].strip(" .") or "minh-chung"
    return f"{stem}.{extension}"


def display_name(name: str) -> str:
    """The uploaded name as it may be shown in a message (no controls, no folder, bounded)."""
    name = nfc(name or "").split("\x00")[0]
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return (name[:STEM_MAX_CHARS] + "…" if len(name) > STEM_MAX_CHARS else name) or "tep"


def inspect(upload) -> Inspected:
    """What the upload is, or EvidenceRefused with a clear message."""
    shown = {"name": display_name(upload.name)}
    max_bytes = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise EvidenceRefused(_("“%(name)s” is empty.") % shown)
    if upload.size > max_bytes:
        raise EvidenceRefused(
            _("“%(name)s” is larger than %(limit)s MB.") % {**shown, "limit": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ALLOWED_TYPES:
        raise EvidenceRefused(
            _("“%(name)s” is not a PDF, JPEG, PNG, Word (DOCX) or Excel (XLSX) file.") % shown
        )
    extension = kind.extension
    try:
        if extension == "pdf":
            _check_pdf(upload)
        elif extension in IMAGE_FORMATS:
            _check_image(upload, IMAGE_FORMATS[extension])
        else:
            _check_office(upload, extension)
    except EvidenceRefused as refused:
        raise EvidenceRefused(f"“{shown['name']}”: {refused}") from refused
    finally:
        upload.seek(0)
    return Inspected(extension=extension, content_type=ALLOWED_TYPES[extension])


def _check_pdf(upload) -> None:
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise EvidenceRefused(_("the PDF is protected by a password; send it without one."))
        pages = len(reader.pages)
        active = _has_active_content(reader)
    except EvidenceRefused:
        raise
    except Exception as exc:
        # A parser of a file from outside can fail in any way (pypdf raised OverflowError on a forged
        # /Size): whatever it raises, the file is refused and the rest of the save goes on.
        raise EvidenceRefused(_("the file starts like a PDF but is not a readable PDF document.")) from exc
    if pages < 1:
        raise EvidenceRefused(_("the file starts like a PDF but is not a readable PDF document."))
    if active:
        raise EvidenceRefused(
            _(
                "the PDF carries active content (scripts or actions that run when it is opened); send a "
                "plain copy: open it and print it to PDF (“Microsoft Print to PDF”, “Lưu dưới dạng PDF”)."
            )
        )


# PDF names that run something when the document or a page is opened, or a link followed.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/AA", "/RichMedia"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
_MAX_OBJECTS = 50_000  # a walk of a forged file's objects stops here (the file is refused)


def _has_active_content(reader) -> bool:
    """Whether any object reachable from the document's catalogue holds a script or an action that
    runs (an /OpenAction of JavaScript, /JS, /Launch, /AA...). pypdf decodes the names (#4A is J) and
    the object streams, which a search of the raw bytes would miss."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer["/Root"]]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        walked += 1
        if walked > _MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in _ACTIVE_KEYS:
                    return True
                if name == "/S" and value in _ACTIVE_ACTIONS:
                    return True
                if name != "/Parent":  # the page tree is walked downwards only
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def _check_image(upload, expected_format: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format != expected_format:
                raise EvidenceRefused(_("the image is damaged or not what its first bytes say."))
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # decode every pixel (Pillow refuses decompression bombs itself)
    except EvidenceRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise EvidenceRefused(_("the image is damaged or not what its first bytes say.")) from exc


def _check_office(upload, extension: str) -> None:
    bound = settings.EVIDENCE_MAX_UNCOMPRESSED_BYTES
    not_office = EvidenceRefused(
        _("the file is not a Word (DOCX) or Excel (XLSX) document: it is another kind of archive.")
    )
    try:
        upload.seek(0)
        archive = zipfile.ZipFile(upload)
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise EvidenceRefused(_("the document holds too many parts."))
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or OFFICE_MAIN_PART[extension] not in names:
            raise not_office
        for member in members:
            name = member.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] or "\x00" in name:
                raise EvidenceRefused(_("the document holds a part with a path outside the document."))
            lowered = name.lower()
            if lowered.endswith(PROGRAM_PARTS):
                raise EvidenceRefused(
                    _("the document contains macros or programs; save it as a plain .docx or .xlsx.")
                )
            if lowered == "meta-inf/manifest.mf":
                raise not_office
        if "macroenabled" in archive.read("[Content_Types].xml").decode("utf-8", "replace").lower():
            raise EvidenceRefused(
                _("the document contains macros or programs; save it as a plain .docx or .xlsx.")
            )
        # Inflate everything in bounded chunks: the declared sizes may lie; the CRCs are checked too.
        total = 0
        for member in members:
            if member.file_size > bound:
                raise EvidenceRefused(_("the document expands to more than %(limit)s MB.") % _mb(bound))
            with archive.open(member) as stream:
                while chunk := stream.read(1024 * 1024):
                    total += len(chunk)
                    if total > bound:
                        raise EvidenceRefused(
                            _("the document expands to more than %(limit)s MB.") % _mb(bound)
                        )
    except EvidenceRefused:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise EvidenceRefused(_("the document is damaged and cannot be opened.")) from exc


def _mb(size: int) -> dict:
    return {"limit": size // (1024 * 1024)}
