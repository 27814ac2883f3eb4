"""Print the HTML size (KB) and the SQL queries of the pages each role uses, on the demo database
(`make demo` first, or any database with the demo accounts):

    DEBUG=1 .venv/bin/python bench/page_weight.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghean_dfc.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

setup_test_environment()

from accounts.models import User  # noqa: E402
from assessments.models import Dossier  # noqa: E402


def pages() -> list[tuple[str, str, str]]:
    draft = Dossier.objects.filter(commune__code="16816", state="draft").order_by("-year").first()
    appraised = Dossier.objects.filter(state="appraised").first()
    out = [
        ("commune officer", "xa.mylyky", "/"),
        ("district police", "congan.kyson", "/"),
        ("district chair", "chutich.kyson", "/"),
        ("provincial police", "congan.tinh", "/"),
        ("provincial viewer", "theodoi.tinh", "/dashboard/"),
        ("district police", "congan.kyson", "/dossiers/appraisals/start/"),
        ("district chair", "chutich.kyson", "/decisions/"),
        ("provincial police", "congan.tinh", "/documents/failed/"),
    ]
    if draft:
        out += [
            ("commune officer", "xa.mylyky", f"/dossiers/{draft.pk}/"),
            ("commune officer", "xa.mylyky", f"/dossiers/{draft.pk}/self-assessment/"),
            ("commune officer", "xa.mylyky", f"/dossiers/{draft.pk}/actions/submit/"),
        ]
    if appraised:
        out.append(("provincial police", "congan.tinh", f"/dossiers/{appraised.pk}/"))
    return out


def main() -> None:
    print(f"{'role':<20} {'page':<42} {'KB':>6} {'queries':>8}")
    for role, username, path in pages():
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(path)  # warm the caches, as a second visit finds them
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        size = len(response.content) / 1024
        print(f"{role:<20} {path:<42} {size:>6.1f} {len(queries):>8}  ({response.status_code})")


if __name__ == "__main__":
    main()
