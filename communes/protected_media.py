"""Serving stored files (evidence, PDFs) only after a permission check.

Django streams the file itself by default. Behind nginx, set PROTECTED_MEDIA_ACCEL_PREFIX (e.g.
"/_protected/") and declare that location `internal` with `alias` to MEDIA_ROOT: the view still decides
who may download, then hands the transfer to nginx with X-Accel-Redirect. MEDIA_ROOT is never routed.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def protected_file_response(file, *, filename: str, content_type: str, as_attachment: bool = True):
    prefix = settings.PROTECTED_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + file.name
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
