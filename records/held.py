"""Files chosen on a form that was refused or is waiting for its confirmation, held on the server for the
official who chose them: the form shows them as chosen and nothing has to be chosen again. Bound to the
user (their folder), named by a random token; never served."""

from __future__ import annotations

import re
import secrets

from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

_TOKEN = re.compile(r"^[0-9a-f]{24}$")


def _folder(user, token: str) -> str:
    return f"held/{user.pk}/{token}"


def hold(user, upload) -> str:
    """Keep the uploaded file for `user`; the token names it."""
    token = secrets.token_hex(12)
    name = get_valid_filename(upload.name)[:100] or "tep.pdf"
    default_storage.save(f"{_folder(user, token)}/{name}", upload)
    return token


def held(user, token: str) -> tuple[str, bytes] | None:
    """The file `user` holds under `token`: (its name, its bytes), or None."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder(user, token)
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not files:
        return None
    with default_storage.open(f"{folder}/{files[0]}", "rb") as handle:
        return files[0], handle.read()


def release(user, token: str) -> None:
    """Forget the held file (once used)."""
    if not _TOKEN.match(token or ""):
        return
    folder = _folder(user, token)
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
