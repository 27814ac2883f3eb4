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
from tests.answers import refused_back_to
from tests.factories import DossierFactory, put_in_state, small_criteria_set
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
    ("council:year", {"year": "{year}"}, {}),
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
                    put_in_state([dossier], state)
                    dossier = world.keep(f"{code}:{state}:{dossier_year}", Dossier.objects.get(pk=dossier.pk))
                    if unit == home and dossier_year != year:
                        cases.append(dossier)
            years[code] = year
        documents = _documents_of(world, people, cases, years)
        world.freeze()
        yield people, cases, years, documents


def _documents_of(world, people, cases, years) -> list:
    """The documents the pages list, rendered as stand-in PDFs: each procedure's recognised dossier of
    Mỹ Lý carries its decision's; under Decision 28 the decision is one with an annex (Mỹ Lý's and the
    year's other recognised unit's), and the council's notice names Mỹ Lý's dossier not recommended, the
    minutes beside it."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from council.models import AgendaItem, CouncilSession, ReviewCouncil
    from recognition.models import CollectiveDecision, Document, RecognitionDecision
    from tests.factories import PDF_BYTES

    def ready(document: Document) -> Document:
        document.file.save(document.storage_name, ContentFile(PDF_BYTES), save=False)
        Document.objects.filter(pk=document.pk).update(file=document.file.name, status="ready")
        document = Document.objects.get(pk=document.pk)
        world.keep_file(f"file:{document.pk}", document.file.path)
        return world.keep(f"document:{document.pk}", document)

    def decision(dossier, collective=None) -> RecognitionDecision:
        return RecognitionDecision.objects.create(
            dossier=dossier,
            outcome="recognised",
            collective=collective,
            issuer_code="40",
            issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
            number=7,
            symbol="QĐ-UBND",
            decided_on=datetime.date(dossier.year, 11, 24),
            signer=people.chair,
            signer_name="Vi Văn Hùng",
        )

    now, documents = timezone.now(), []
    recognised = {d.criteria_set.procedure: d for d in cases if d.state == "recognised"}
    district = decision(recognised["district"])
    documents.append(
        ready(
            Document.objects.create(
                kind="recognition",
                decision=district,
                dossier=district.dossier,
                year=district.dossier.year,
                requested_at=now,
            )
        )
    )
    mine = recognised["province"]
    other = Dossier.objects.get(
        year=years["province"], state="recognised", criteria_set__procedure="province"
    )
    collective = CollectiveDecision.objects.create(
        province=people.province,
        evaluated_year=mine.year,
        issuer_code="40",
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        number=8,
        symbol="QĐ-UBND",
        decided_on=datetime.date(mine.year, 11, 24),
        signer=people.provincial_chair,
        signer_name="Lê Văn Tỉnh",
    )
    for dossier in (mine, other):
        decision(dossier, collective)
    documents.append(
        ready(
            Document.objects.create(
                kind="collective_decision",
                collective=collective,
                province=people.province,
                year=mine.year,
                requested_at=now,
            )
        )
    )
    not_recommended = next(
        d for d in cases if d.state == "not_recommended" and d.criteria_set.procedure == "province"
    )
    council = ReviewCouncil.objects.create(
        province=people.province, year=not_recommended.year, created_by=people.provincial_police
    )
    session = CouncilSession.objects.create(
        council=council,
        held_on=datetime.date(not_recommended.year, 11, 20),
        starts_at=datetime.time(8, 0),
        place="Phòng họp số 1",
        status="closed",
        scheduled_by=people.provincial_police,
    )
    AgendaItem.objects.create(session=session, dossier=not_recommended, outcome="not_recommended")
    for kind, field in (("council_notice", "notice"), ("council_minutes", "minutes")):
        document = ready(
            Document.objects.create(
                kind=kind, province=people.province, year=not_recommended.year, requested_at=now
            )
        )
        setattr(session, field, document)
        documents.append(document)
    session.save(update_fields=["minutes", "notice"])
    return documents


def _refused(response, dossier) -> bool:
    """The application's refusal: 403, 404 or 409, or back to the dossier page with its reason."""
    return refused_back_to(response, reverse("assessments:dossier_detail", args=[dossier.pk]))


def test_the_sweep_covers_every_state_of_every_procedure(every_state):
    _, cases, _years, _documents = every_state
    swept = {(d.criteria_set.procedure, d.state) for d in cases}
    defined = {(code, s) for code, p in workflow.PROCEDURES.items() for s in p.states}
    assert swept == defined


@pytest.mark.parametrize("role", ROLES)
def test_every_dossier_page_in_every_state_answers_as_the_table_says(client, every_state, role):
    people, cases, _years, _documents = every_state
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
    people, _cases, years, _documents = every_state
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


@pytest.mark.parametrize("role", ROLES)
def test_every_document_a_dossier_page_lists_opens_for_whoever_sees_the_page(client, every_state, role):
    """Each download link of each dossier page the role sees answers 200 with the PDF; a document no page
    of theirs lists answers 404, unless it is their province's or their dossier's. The commune reads the
    decision whose annex lists it and the notice naming it, and no other document of the province."""
    import re

    from communes.permissions import has_unit_perm

    people, cases, _years, documents = every_state
    user = getattr(people, role)
    client.force_login(user)
    client.raise_request_exception = False
    failures, listed = [], set()
    for dossier in cases:
        if not (user.is_superuser or workflow_can_view(dossier, user)):
            continue
        page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
        for pk in map(int, re.findall(r"/documents/(\d+)/download/", page)):
            listed.add(pk)
            response = client.get(reverse("recognition:document_download", args=[pk]))
            if response.status_code != 200 or b"".join(response.streaming_content)[:5] != b"%PDF-":
                failures.append(("listed", dossier.state, pk, response.status_code))
    for document in documents:
        if document.pk in listed:
            continue
        own = document.dossier_id and workflow_can_view(document.dossier, user)
        province = has_unit_perm(user, "view_province_dossiers", people.province)
        expected = 200 if user.is_superuser or own or province else 404
        status = client.get(reverse("recognition:document_download", args=[document.pk])).status_code
        if status != expected:
            failures.append(("not listed", document.kind, document.pk, status))
    assert failures == []
    if role in ("commune_police", "commune_chair"):
        # Beside the old Mỹ Lý's own decision (their history): of the province's, these two only.
        kinds = {d.kind for d in documents if d.pk in listed and not d.dossier_id}
        assert kinds == {"collective_decision", "council_notice"}, kinds


def workflow_can_view(dossier, user) -> bool:
    from assessments.permissions import can_view

    return can_view(dossier, user)
