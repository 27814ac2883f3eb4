"""Officials from a CSV file (one line per official: account, full name, post), as the unit importer
reads units: every line is checked first, with its line number, and on any error nothing is written;
a second run of the same file changes nothing.

Columns: username, full_name, email, role, unit_code, title (unit_code empty for the Ministry's viewer).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importers import (
    ImportReport,
    UnitFileInvalid,
    _read_csv,
    _require_columns,
    formula_name_problems,
    unreadable,
)
from .models import ROLE_LEVEL, Post, Role
from .selectors import UnitNotFound, unit_of_post
from .services import post_create
from .text import nfc

COLUMNS = ("username", "full_name", "email", "role", "unit_code", "title")
_USERNAME = re.compile(r"^[\w.@+-]{3,150}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class OfficialRow:
    line: int
    username: str
    full_name: str
    email: str
    role: str
    unit_code: str
    title: str
    unit: object = None


def read_officials_file(path: Path | str, *, on: datetime.date | None = None) -> list[OfficialRow]:
    """The file's rows with their units (in place on `on`, default today); UnitFileInvalid listing every
    bad line when any is wrong."""
    header, raw = _read_csv(path)
    _require_columns(header, COLUMNS)
    on = on or timezone.localdate()
    rows, errors, seen = [], [], {}
    for values in raw:
        number = values.line
        if unreadable(values, errors):
            continue
        row = OfficialRow(number, *(nfc(values.get(c) or "").strip() for c in COLUMNS))
        problems = formula_name_problems(vars(row), ("full_name", "title"))
        if not _USERNAME.match(row.username):
            problems.append(_("the username must be 3 to 150 letters, digits or . @ + - _"))
        elif row.username.lower() in seen:
            problems.append(
                _("the username is already on line %(line)s") % {"line": seen[row.username.lower()]}
            )
        else:
            seen[row.username.lower()] = number
        if len(row.full_name.split()) < 2:
            problems.append(_("give the full name, family name first (e.g. Nguyễn Văn An)"))
        if row.email and not _EMAIL.match(row.email):
            problems.append(_("“%(email)s” is not an e-mail address") % {"email": row.email})
        if row.role not in Role.values:
            problems.append(
                _("unknown role “%(role)s” (one of: %(roles)s)")
                % {"role": row.role, "roles": ", ".join(Role.values)}
            )
        else:
            try:
                row.unit = unit_of_post(role=row.role, code=row.unit_code, on=on)
            except UnitNotFound as error:
                problems.append(error.message)
        errors.extend((number, p) for p in problems)
        rows.append(row)
    if errors:
        raise UnitFileInvalid(errors)
    if not rows:
        raise UnitFileInvalid([(1, _("the file has no official"))])
    return rows


@transaction.atomic
def officials_import(*, rows: list[OfficialRow], actor=None) -> ImportReport:
    """Create or update each account, and give each the post the line names unless they hold it."""
    User = get_user_model()
    report = ImportReport()
    existing = {u.username.lower(): u for u in User.objects.filter(username__in=[r.username for r in rows])}
    for row in rows:
        user = existing.get(row.username.lower())
        if user is None:
            user = User(username=row.username, full_name=row.full_name, email=row.email)
            user.set_unusable_password()  # set by the official through the e-mailed link (--send-links)
            user.save()
            report.created["official"] += 1
            report.created_lines.append((row.line, user))
        elif (user.full_name, user.email) != (row.full_name, row.email or user.email):
            user.full_name, user.email = row.full_name, row.email or user.email
            user.save(update_fields=["full_name", "email"])
            report.updated["official"] += 1
        else:
            report.unchanged["official"] += 1
        level = ROLE_LEVEL[row.role]
        held = Post.objects.active().filter(user=user, role=row.role)
        if level != "country":
            held = held.filter(**{level: row.unit})
        post = held.first()
        if post is None:
            post_create(user=user, role=row.role, unit=row.unit, title=row.title, actor=actor)
            report.created["post"] += 1
        elif post.title != row.title:
            post.title = row.title
            post.save(update_fields=["title"])  # saved, not updated: the holder's grants version moves
            report.updated["post"] += 1
        else:
            report.unchanged["post"] += 1
    return report
