"""No page blind to a state: for each procedure and each state its workflow table defines, a dossier in
that state; every page that lists or shows dossiers, every export and every dossier page is then requested
by every role, in scope and out of scope, and the answer each should get is read from the table.

The states come from `assessments.workflow.PROCEDURES`, so a state added there is swept with no edit
here. Each dossier is put in its state directly (the services that lead there have their own tests): the
sweep is about pages that must know every state, not about how a dossier gets there.
"""

import pytest
from django.urls import reverse

from assessments import workflow
from assessments.models import CriteriaSet, Dossier
from tests.factories import DossierFactory, small_criteria_set
from tests.world import OFFICIALS, load_people, module_world

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROLES = [attribute for attribute, *_ in OFFICIALS] + ["admin"]
# Pages of the whole scope: each lists, counts or exports dossiers of every state.
LIST_PAGES = [
    ("home", {}, {}),
    ("notifications", {}, {}),
    ("dashboard:dashboard", {}, {"year": "{year}"}),
    ("dashboard:dashboard", {}, {"year": "{year}", "district": "417"}),
    ("dashboard:export", {"table": "districts", "fmt": "csv"}, {"year": "{year}"}),
    ("dashboard:export", {"table": "districts", "fmt": "xlsx"}, {"year": "{year}"}),
    ("dashboard:export", {"table": "communes", "fmt": "csv"}, {"year": "{year}"}),
    ("dashboard:export", {"table": "communes", "fmt": "xlsx"}, {"year": "{year}"}),
    ("dashboard:cycle_year", {"year": "{year}"}, {}),
    ("dashboard:national_year", {"year": "{year}"}, {}),
    ("communes:commune_list", {}, {}),
    ("assessments:appraisals_start", {}, {}),
    ("assessments:appraisals_complete", {}, {}),
    ("recognition:decisions", {}, {}),
    ("recognition:council_year", {"year": "{year}"}, {}),
    ("recognition:collective_decision", {"year": "{year}"}, {}),
]
# The dossier's own pages, and the step page each one serves (None: it only shows the dossier).
DOSSIER_PAGES = {
    "assessments:dossier_detail": None,
    "recognition:documents_panel": None,
    "assessments:self_assessment": "edit",
    "assessments:appraisal": "appraise",
    "recognition:decision": "decision",
    "recognition:revoke": "revoke",
}
# Where each procedure's dossiers sit: (criteria set, commune attribute of People, first year of one
# dossier per state for that commune, the year of one dossier per state across the units).
HOMES = {
    "district": ("small", "my_ly", 2001, 2024),
    "province": ("qd28-2025", "new_my_ly", 2031, 2026),
}


def offered(page: str, dossier, user) -> bool:
    """Whether the table offers this page's action to the user in the dossier's state."""
    if page == "edit":  # the editor's page; read-only outside the editable states (checked below)
        return workflow.can_edit(dossier, user)
    if page == "appraise":
        return any(s.transition == "complete_appraisal" for s in workflow.available_actions(dossier, user))
    return bool(workflow.available_actions(dossier, user, page=page))


@pytest.fixture(scope="module")
def every_state(django_db_setup, django_db_blocker, tmp_path_factory):
    """Per (procedure, state) of the tables: a dossier of Mỹ Lý (its own year), and one year in which the
    units of the procedure hold every state at once (for the lists, dashboards and exports)."""
    from communes.models import Commune

    with module_world("every-state", django_db_blocker, tmp_path_factory) as world:
        people = load_people()
        cases, years = [], {}
        for code, procedure in workflow.PROCEDURES.items():
            set_code, commune, first_year, year = HOMES[code]
            criteria_set = (
                small_criteria_set(procedure=code)
                if set_code == "small"
                else CriteriaSet.objects.get(code=set_code)
            )
            home = getattr(people, commune)
            units = [
                home,
                *Commune.objects.filter(
                    district=home.district, province=home.province, valid_from=home.valid_from
                )
                .exclude(pk=home.pk)
                .order_by("code"),
            ]
            assert len(units) >= len(procedure.states), code
            for offset, state in enumerate(procedure.states):
                for unit, dossier_year in ((home, first_year + offset), (units[offset], year)):
                    dossier = DossierFactory(commune=unit, year=dossier_year, criteria_set=criteria_set)
                    Dossier.objects.filter(pk=dossier.pk).update(state=state)
                    dossier = world.keep(f"{code}:{state}:{dossier_year}", Dossier.objects.get(pk=dossier.pk))
                    if unit == home and dossier_year != year:
                        cases.append(dossier)
            years[code] = year
        world.freeze()
        yield people, cases, years


def _refused(response, dossier) -> bool:
    """The application's refusal: 403, 404 or 409, or back to the dossier page with a message."""
    if response.status_code in (403, 404, 409):
        return True
    detail = reverse("assessments:dossier_detail", args=[dossier.pk])
    return response.status_code == 302 and response["Location"].split("?")[0] == detail


def test_the_sweep_covers_every_state_of_every_procedure(every_state):
    _, cases, _years = every_state
    swept = {(d.criteria_set.procedure, d.state) for d in cases}
    defined = {(code, s) for code, p in workflow.PROCEDURES.items() for s in p.states}
    assert swept == defined


@pytest.mark.parametrize("role", ROLES)
def test_every_dossier_page_in_every_state_answers_as_the_table_says(client, every_state, role):
    people, cases, _years = every_state
    user = getattr(people, role)
    client.force_login(user)
    client.raise_request_exception = False  # a 500 is listed with the rest, not raised
    failures = []
    for dossier in cases:
        sees = user.is_superuser or workflow_can_view(dossier, user)
        for name, page in DOSSIER_PAGES.items():
            response = client.get(reverse(name, args=[dossier.pk]))
            status = response.status_code
            if status >= 500 or (status == 302 and "/accounts/login/" in response["Location"]):
                ok = False
            elif not sees:
                ok = status in (403, 404)
            elif page == "revoke" and not hasattr(dossier, "recognition_decision"):
                # Put in its state directly, the dossier has no decision to revoke: refused, as it must be.
                ok = _refused(response, dossier)
            elif page is None or offered(page, dossier, user):
                ok = status == 200
                if ok and page == "edit":  # no form to save where the table says no one edits
                    ok = response.context["editable"] == workflow.is_editable(dossier)
            else:
                ok = _refused(response, dossier)
            if not ok:
                failures.append((dossier.criteria_set.procedure, dossier.state, name, status))
    assert failures == []


@pytest.mark.parametrize("role", ROLES)
def test_every_list_dashboard_and_export_counts_every_state(client, every_state, role):
    """Each page of the scope, in a year when the units hold every state of the procedure at once, and the
    dashboard filtered on each column: never a 500, never the sign-in page."""
    people, _cases, years = every_state
    client.force_login(getattr(people, role))
    client.raise_request_exception = False  # a 500 is listed with the rest, not raised
    failures = []
    for code, year in years.items():
        requests = [(name, kwargs, query) for name, kwargs, query in LIST_PAGES]
        requests += [("dashboard:dashboard", {}, {"year": "{year}", "state": c}) for c in workflow.COLUMNS]
        requests += [
            ("dashboard:export", {"table": "communes", "fmt": "csv"}, {"year": "{year}", "state": c})
            for c in workflow.COLUMNS
        ]
        for name, kwargs, query in requests:
            url = reverse(name, kwargs={k: v.format(year=year) for k, v in kwargs.items()})
            response = client.get(url, {k: v.format(year=year) for k, v in query.items()})
            status = response.status_code
            signed_out = status == 302 and "/accounts/login/" in response["Location"]
            if status >= 500 or signed_out or status not in (200, 302, 403, 404):
                failures.append((code, name, query, status))
    assert failures == []


def workflow_can_view(dossier, user) -> bool:
    from assessments.permissions import can_view

    return can_view(dossier, user)
