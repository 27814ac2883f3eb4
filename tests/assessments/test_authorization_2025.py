"""The authorization matrix of the procedure in force (Decision 28), for every new role in scope, out of
scope (another commune, another province, the officials of the units before the reform) and anonymous:
every page of a 2026 dossier, never a leak, never a 500."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from assessments import services
from tests.answers import refusal_messages, refused_back_to, signed_out, taken
from tests.workflow import fill_counts, open_cycle

SEE = {
    "commune_police",
    "commune_chair",
    "provincial_police",
    "viewer",
    "council_member",
    "council_secretary",
    "provincial_chair",
    "provincial_vice_chair",
    "ministry",
    "admin",
}
OUT = {
    "officer",
    "police",
    "chair",
    "tam_quang_police",
    "tam_quang_chair",
    "other_province_police",
    "other_province_commune_police",
    "bac_ly_police",
}
PROVINCE = {
    "provincial_police",
    "viewer",
    "council_member",
    "council_secretary",
    "provincial_chair",
    "provincial_vice_chair",
    "ministry",
    "admin",
}


@pytest.fixture
def cases(province_people, django_capture_on_commit_callbacks):
    p = province_people
    with (
        time_machine.travel(datetime.date(2026, 3, 2), tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        cycle = open_cycle(p, 2026, assigned=[p.new_my_ly])
        draft = fill_counts(cycle.dossiers.get(), p.commune_police)
        # Another year of the same unit for the later steps (opened by the cycle's service too).
        later_cycle = open_cycle(
            p, 2025, target_percent=20, assigned=[p.new_my_ly], today=datetime.date(2025, 8, 1)
        )
        under = services.dossier_submit(
            dossier=fill_counts(later_cycle.dossiers.get(), p.commune_police), actor=p.commune_chair
        )
        under = services.dossier_start_appraisal(dossier=under, actor=p.provincial_police)
    return {"cycle": cycle, "draft": draft, "under": under, "evidence": draft.evidence.first(), "people": p}


PAGES = {
    "dossier page": ("get", lambda c: reverse("assessments:dossier_detail", args=[c["draft"].pk]), SEE, {}),
    "self-assessment": (
        "get",
        lambda c: reverse("assessments:self_assessment", args=[c["draft"].pk]),
        {"commune_police", "admin"},
        {},
    ),
    "save counts": (
        "post",
        lambda c: reverse("assessments:self_assessment", args=[c["draft"].pk]),
        {"commune_police", "admin"},
        {"counts-population": "5200", "save": "1"},
    ),
    "submit": (
        "post",
        lambda c: reverse("assessments:dossier_action", args=[c["draft"].pk, "submit"]),
        {"commune_chair", "admin"},
        {"confirmed": "1"},
    ),
    "evidence": (
        "get",
        lambda c: reverse("assessments:evidence_download", args=[c["draft"].pk, c["evidence"].pk]),
        SEE,
        {},
    ),
    "appraisal page": (
        "get",
        lambda c: reverse("assessments:appraisal", args=[c["under"].pk]),
        {"provincial_police", "admin"},
        {},
    ),
    "return": (
        "post",
        lambda c: reverse("assessments:dossier_action", args=[c["under"].pk, "return_to_commune"]),
        {"provincial_police", "admin"},
        {"reason": "Bổ sung", "confirmed": "1"},
    ),
    "commune page": (
        "get",
        lambda c: reverse("communes:commune_detail", args=[c["draft"].commune_id]),
        SEE,
        {},
    ),
    # The list of cycles: each province's police see their own (checked below: not Nghệ An's).
    "cycles": ("get", lambda c: reverse("assessments:cycles"), PROVINCE | {"other_province_police"}, {}),
    "cycle page": ("get", lambda c: reverse("assessments:cycle_detail", args=[c["cycle"].pk]), PROVINCE, {}),
    "register": (
        "post",
        lambda c: reverse("assessments:cycle_register", args=[c["cycle"].pk]),
        {"commune_police", "commune_chair", "admin"},
        {"commune": "new_my_ly"},
    ),
}


# Mỹ Lý is already in the 2026 cycle (assigned by the plan): registering it again gets past the permission
# check to the service's refusal, on the home page (tests/assessments/test_province_procedure.py registers one for real).
PERMITTED_REFUSALS = {"register": "/"}


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_of_a_2026_dossier_for_every_role(client, cases, page):
    method, url_of, allowed, body = PAGES[page]
    p = cases["people"]
    url = url_of(cases)
    body = dict(body)
    if body.get("commune") == "new_my_ly":
        body["commune"] = p.new_my_ly.pk
    if method == "post" and "version" not in body:
        body["version"] = (
            cases["draft"].version
            if "draft" in page or page in ("submit", "save counts")
            else cases["under"].version
        )
    failures = []
    for who in [*sorted(SEE | OUT), "anonymous"]:
        with transaction.atomic():
            client.logout()
            if who != "anonymous":
                client.force_login(getattr(p, who) if who != "admin" else p.admin)
            response = client.get(url) if method == "get" else client.post(url, body)
            transaction.set_rollback(True)
        status = response.status_code
        if who == "anonymous":
            ok = signed_out(response)
        elif who in allowed and page in PERMITTED_REFUSALS:
            ok = status == 302 and refused_back_to(response, PERMITTED_REFUSALS[page])
        elif who in allowed:
            ok = taken(response)  # a redirect carrying "not possible now" is no permission
        elif who in OUT:
            ok = status in (403, 404)  # never a page, never a 500
        else:
            ok = status == 403
        if not ok:
            failures.append((who, status, response.get("Location", ""), refusal_messages(response)))
    assert failures == []


@pytest.mark.django_db
def test_the_ministry_sees_every_province_and_acts_on_none(client, cases):
    p = cases["people"]
    from communes.permissions import communes_visible_to

    assert p.other_province_commune in communes_visible_to(p.ministry)
    from assessments import permissions

    for transition in ("submit", "start_appraisal", "complete_appraisal", "recognise"):
        assert not permissions.may_take(transition, cases["draft"], p.ministry)
    assert p.new_my_ly not in communes_visible_to(p.other_province_police)
    client.force_login(p.other_province_police)
    page = client.get(reverse("assessments:cycles")).content.decode()
    assert "Tỉnh Nghệ An" not in page and "Chưa mở đợt xét nào." in page
