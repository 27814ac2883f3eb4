"""Run by tests/test_cache_faults.py as a separate process of one deployment (its own settings from the
environment): `setup NAME` loads units and a provincial viewer and names Mỹ Lý after the deployment;
`pages` prints what the viewer's dashboard and inbox show, as JSON."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghean_dfc.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from assessments.services import dossier_open  # noqa: E402
from communes.deployment import installation_id  # noqa: E402
from communes.models import Commune, DataVersion, Province, Role  # noqa: E402
from communes.services import post_create  # noqa: E402


def _names(page: str) -> list[str]:
    import re

    return re.findall(r"Xã Mỹ Lý [A-Z0-9-]+", page)


command = sys.argv[1]
if command == "setup":
    call_command("migrate", verbosity=0)
    call_command("loaddata", "border_communes", "criteria_nghean_2022", verbosity=0)
    viewer = get_user_model().objects.create(username="viewer")
    post_create(user=viewer, role=Role.PROVINCIAL_VIEWER, unit=Province.objects.get())
    # .update() sends no signal: the data versions stay what they were, the worst case for the keys.
    Commune.objects.filter(code="16816").update(name=f"Xã Mỹ Lý {sys.argv[2]}")
    dossier_open(
        commune=Commune.objects.get(code="16816", district__isnull=False), year=2024, actor=None
    )  # shown in the inbox
    # As on a fresh installation: no data version recorded yet, so both deployments' keys would be alike
    # but for their identity.
    DataVersion.objects.all().delete()
elif command == "rename":
    Commune.objects.filter(code="16816").update(name=f"Xã Mỹ Lý {sys.argv[2]}")
elif command == "pages":
    client = Client()
    client.force_login(get_user_model().objects.get(username="viewer"))
    pages = {path: client.get(path).content.decode() for path in ("/dashboard/?year=2024&district=417", "/")}
    names = sorted({name for page in pages.values() for name in _names(page)})
    print(json.dumps({"installation": installation_id(), "names": names}))
