"""Upload limits applied while the request is read, before anything is stored.

`CappedUploadHandler` (first in FILE_UPLOAD_HANDLERS) skips a file as soon as it passes
EVIDENCE_MAX_BYTES, or when the files of one request pass REQUEST_FILES_MAX_BYTES: its bytes go
nowhere, the other fields of the form are still read, and the view reports the skipped file by name
(`skipped_uploads`). `BodySizeLimitMiddleware` refuses outright a body larger than
REQUEST_BODY_MAX_BYTES, which no form of ours sends, before reading it (nginx caps it too).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.request_total = 0
        if request is not None and not hasattr(request, "skipped_uploads"):
            request.skipped_uploads = {}

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.request_total += len(raw_data)
        if start + len(raw_data) > settings.EVIDENCE_MAX_BYTES:
            self._skip("file")
        if self.request_total > settings.REQUEST_FILES_MAX_BYTES:
            self._skip("request")
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handlers build the file

    def _skip(self, reason: str):
        if self.request is not None:
            self.request.skipped_uploads[self.field_name] = (self.file_name, reason)
        raise SkipFile


def skipped_upload_message(file_name: str, reason: str) -> str:
    from django.utils.translation import gettext as _

    from .evidence import display_name

    if reason == "file":
        return _("“%(name)s” is larger than %(limit)s MB.") % {
            "name": display_name(file_name),
            "limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        }
    return _(
        "“%(name)s” was not sent: the files of one save may total %(limit)s MB; send it in another save."
    ) % {
        "name": display_name(file_name),
        "limit": settings.REQUEST_FILES_MAX_BYTES // (1024 * 1024),
    }


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return render(
                request,
                "413.html",
                {"limit": settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
