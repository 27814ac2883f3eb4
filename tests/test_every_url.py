"""Every URL pattern the resolver knows, against every role in and out of scope, a user with no post,
and anonymous. A new page without a rule here fails `test_every_url_pattern_has_a_rule`."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Dossier
from communes.models import Commune, IssuingBody
from council.models import CouncilSession, ReviewCouncil
from recognition import services as recognition_services
from recognition.models import Document, RecordedDecision
from recognition.selectors import ministry_report_figures
from tests import workflow
from tests.answers import refusal_messages, refused_back_to, signed_out, taken
from tests.factories import PDF_BYTES, DossierFactory, UserFactory
from tests.world import load_people, module_world

# The roles of the procedure in force: the new Xã Mỹ Lý's police and chair read the old Mỹ Lý's dossiers
# (their history, never acting on them); the council, the provincial chair and vice-chair and the
# Ministry's viewer read the province's.
NEW_COMMUNE = ["commune_police", "commune_chair"]
NEW_PROVINCE = [
    "council_member",
    "council_secretary",
    "provincial_chair",
    "provincial_vice_chair",
    "ministry",
]
IN_SCOPE = [
    "officer",
    "police",
    "chair",
    "clerk",
    "provincial_police",
    "viewer",
    "admin",
    *NEW_COMMUNE,
    *NEW_PROVINCE,
]
OUT_OF_SCOPE = [
    "other_officer",
    "other_police",
    "other_chair",
    "tam_quang_police",
    "tam_quang_chair",
    "other_province_police",
]
EVERYONE = set(IN_SCOPE + OUT_OF_SCOPE)
SEES_MY_LY = set(IN_SCOPE)
PROVINCE = {"provincial_police", "viewer", "admin", *NEW_PROVINCE}
PUBLIC = "public"  # no sign-in needed


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        else:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


# name: (method, kwargs builder, roles allowed; the rest get 403 in scope, 404 out of scope, or
#        the no-post page; anonymous users are sent to sign in)
def draft(d):
    return {"pk": d["draft"].pk}


def recognised(d):
    return {"pk": d["recognised"].pk}


# The district procedure's officials: their units ceased on 30 June 2025, and from then on their posts
# read and act on nothing (F17). The pages of acting are refused to them today (the world was built on a
# clock before that day); reading is not.
CEASED = {"officer", "police", "chair", "clerk", "other_officer", "other_police", "other_chair"}
# The pages of the district procedure's actions: refused to CEASED today.
ACTING = {
    "assessments:appraisal",
    "assessments:appraisals_complete",
    "assessments:appraisals_start",
    "assessments:dossier_action",
    "assessments:dossier_open",
    "assessments:evidence_delete",
    "assessments:self_assessment",
    "esign:document_signing",
    "esign:signed_download",
    "recognition:decision",
    "recognition:decisions",
    "recognition:document_retry",
    "recognition:issue",
    "recognition:register",
    "recognition:revoke",
}

RULES = {
    "home": ("get", lambda d: {}, EVERYONE),
    "notifications": ("get", lambda d: {}, EVERYONE),
    "reference": ("get", lambda d: {}, EVERYONE),
    "password_change": ("get", lambda d: {}, EVERYONE | {"no_post"}),
    "password_change_done": ("get", lambda d: {}, EVERYONE | {"no_post"}),
    "dashboard:dashboard": ("get", lambda d: {}, EVERYONE),
    "dashboard:export": ("get", lambda d: {"table": "districts", "fmt": "csv"}, EVERYONE),
    # Decision 28: a province's cycle and the country (each province's officials see their own).
    "dashboard:cycle": ("get", lambda d: {}, PROVINCE | {"other_province_police"}),
    "dashboard:cycle_year": ("get", lambda d: {"year": 2026}, PROVINCE | {"other_province_police"}),
    "dashboard:national": ("get", lambda d: {}, PROVINCE | {"other_province_police"}),
    "dashboard:national_year": ("get", lambda d: {"year": 2026}, PROVINCE | {"other_province_police"}),
    "communes:commune_list": ("get", lambda d: {}, EVERYONE),
    "communes:commune_detail": ("get", lambda d: {"pk": d["draft"].commune_id}, SEES_MY_LY),
    # Province-wide lists: another province's police see their own province's (none of Nghệ An's).
    "assessments:cycles": ("get", lambda d: {}, PROVINCE | {"other_province_police"}),
    "assessments:cycle_detail": ("get", lambda d: {"pk": d["cycle"].pk}, PROVINCE),
    "assessments:cycle_register": (
        "post",
        lambda d: {"pk": d["cycle"].pk},
        {"admin", *NEW_COMMUNE},  # the old Mỹ Lý's officer gains nothing on the new unit
        {"commune": "new-my-ly"},
    ),
    "assessments:dossier_open": (
        "post",
        lambda d: {},
        {"officer", "admin"},
        {"commune": "my-ly", "year": "2023"},  # a year without a dossier yet
    ),
    "assessments:dossier_detail": ("get", draft, SEES_MY_LY),
    "assessments:self_assessment": ("get", draft, {"officer", "admin"}),
    "assessments:appraisal": ("get", lambda d: {"pk": d["under_appraisal"].pk}, {"police", "admin"}),
    "assessments:dossier_action": ("post", lambda d: {**draft(d), "action": "submit"}, {"officer", "admin"}),
    "assessments:evidence_download": (
        "get",
        lambda d: {**draft(d), "evidence_id": d["evidence"].pk},
        SEES_MY_LY,
    ),
    "assessments:evidence_delete": (
        "post",
        lambda d: {**draft(d), "evidence_id": d["evidence"].pk},
        {"officer", "admin"},
    ),
    "recognition:decision": ("get", lambda d: {"pk": d["appraised"].pk}, {"chair", "admin"}),
    "recognition:revoke": ("get", recognised, {"chair", "admin"}),
    "recognition:documents_panel": ("get", recognised, SEES_MY_LY),
    "recognition:document_download": ("get", lambda d: {"document_id": d["document"].pk}, SEES_MY_LY),
    # Digital signatures: the document's signer and its body's clerk (the list: everyone, their own).
    "esign:awaiting": ("get", lambda d: {}, EVERYONE),
    "esign:scan_download": ("get", lambda d: {"document_id": d["document"].pk}, SEES_MY_LY),
    "esign:document_signing": (
        "get",
        lambda d: {"document_id": d["document"].pk},
        {"chair", "clerk", "admin"},
    ),
    "esign:signed_download": (
        "get",
        lambda d: {"document_id": d["document"].pk},
        {"chair", "clerk", "admin"},
    ),
    "recognition:document_retry": (
        "post",
        lambda d: {"document_id": d["failed"].pk},
        {"chair", "provincial_police", "admin"},
    ),
    "recognition:summaries": ("get", lambda d: {}, PROVINCE | {"other_province_police"}),
    # The review council's pages: the province's officials (another province's police see their own).
    "council:council": ("get", lambda d: {}, PROVINCE | {"other_province_police"}),
    "council:year": ("get", lambda d: {"year": 2026}, PROVINCE | {"other_province_police"}),
    "council:session": ("get", lambda d: {"pk": d["session"].pk}, PROVINCE),
    "recognition:collective_decision": (
        "get",
        lambda d: {"year": 2026},
        PROVINCE | {"other_province_police"},
    ),
    "recognition:ministry_report": ("get", lambda d: {"year": 2026}, PROVINCE | {"other_province_police"}),
    "recognition:report_xlsx": ("get", lambda d: {"document_id": d["report"].pk}, PROVINCE),
    # The clerk of Kỳ Sơn's People's Committee numbers its approved decisions.
    "recognition:register": ("get", lambda d: {}, {"clerk", "admin"}),
    "recognition:issue": (
        "get",
        lambda d: {"kind": "decision", "pk": d["unnumbered"].pk},
        {"clerk", "admin"},
    ),
    # The campaign pages: the police (start, complete several appraisals), the district chair (decide
    # several), the provincial police (prepare failed documents again); each lists only its own.
    "assessments:appraisals_start": (
        "get",
        lambda d: {},
        {"police", "other_police", "provincial_police", "other_province_police", "admin"},
    ),
    "assessments:appraisals_complete": (
        "get",
        lambda d: {},
        {"police", "other_police", "provincial_police", "other_province_police", "admin"},
    ),
    "recognition:decisions": ("get", lambda d: {}, {"chair", "other_chair", "admin"}),
    "recognition:documents_failed": (
        "get",
        lambda d: {},
        {"provincial_police", "other_province_police", "admin"},
    ),
    # A province's past: its officials read the recorded decisions; the clerk (here the administrator)
    # records them.
    "records:list": ("get", lambda d: {}, PROVINCE | {"other_province_police"}),
    "records:new": ("get", lambda d: {}, {"admin"}),
    "records:import": ("get", lambda d: {}, {"admin"}),
    "records:detail": ("get", lambda d: {"pk": d["recorded"].pk}, PROVINCE),
    "records:file": ("get", lambda d: {"pk": d["recorded"].pk}, PROVINCE),
    # "Stay signed in" before the idle timeout: every signed-in official.
    "keepalive": ("get", lambda d: {}, EVERYONE),
    "healthz": ("get", lambda d: {}, PUBLIC),
    "verify": ("get", lambda d: {"code": d["document"].verification_code}, PUBLIC),
    "login": ("get", lambda d: {}, PUBLIC),
    # Setting a password from the e-mailed link: before signing in (an unknown link says it is unusable).
    "password_reset": ("get", lambda d: {}, PUBLIC),
    "password_reset_done": ("get", lambda d: {}, PUBLIC),
    "password_reset_confirm": ("get", lambda d: {"uidb64": "MQ", "token": "set-password"}, PUBLIC),
    "password_reset_complete": ("get", lambda d: {}, PUBLIC),
    "logout": ("post", lambda d: {}, PUBLIC),
    "set_language": ("post", lambda d: {}, PUBLIC),
}


# The answer a permitted visitor gets where the world leaves nothing to do: every year of the old Mỹ Lý
# already holds a dossier here, so opening one gets past the permission check to the form's refusal, on
# the home page (tests/assessments/test_views.py opens one for real). Any other permitted answer is
# `taken`: served, or sent on with no warning or error.
PERMITTED_REFUSALS = {"assessments:dossier_open": "/"}


def test_every_url_pattern_has_a_rule():
    names = {name for _, name in walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    assert names - set(RULES) == set(), "add an authorization rule for the new page(s)"
    assert set(RULES) - names == set()


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker, tmp_path_factory):
    """Five dossiers of Mỹ Lý in five states, their decision's documents, the 2026 cycle, a council
    session and a report: built once for the module (each visitor's request is rolled back, and so is each
    test); `SharedWorld` fails the test that changes one of them."""
    with module_world("every-url", django_db_blocker, tmp_path_factory) as world:
        yield _build_data(world)


def _build_data(world):
    import time_machine
    from django.test import TestCase

    from tests.world import DISTRICT_CLOCK

    people = load_people()
    # The district procedure's dossiers and decisions, while its bodies existed (F17).
    with time_machine.travel(DISTRICT_CLOCK, tick=True), TestCase.captureOnCommitCallbacks(execute=False):
        draft_dossier = workflow.fill(DossierFactory(commune=people.my_ly, year=2024), people.officer)
        under = workflow.bring_to(DossierFactory(commune=people.my_ly, year=2023), "under_appraisal", people)
        appraised = workflow.bring_to(DossierFactory(commune=people.my_ly, year=2021), "appraised", people)
        done = workflow.appraise(
            workflow.submit(DossierFactory(commune=people.my_ly, year=2022), people.officer),
            people.police,
            inspection_date=datetime.date(2022, 10, 1),
        )
        decision = recognition_services.decision_record(
            dossier=done, actor=people.chair, outcome="recognised", decided_on=datetime.date(2022, 10, 5)
        )
        # A decision approved while Kỳ Sơn's clerk gives the numbers: it waits for the clerk.
        waiting = workflow.bring_to(DossierFactory(commune=people.my_ly, year=2020), "appraised", people)
        IssuingBody.objects.filter(code="417").update(numbering="clerk")
        unnumbered = recognition_services.decision_record(
            dossier=waiting, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 12, 2)
        )
        IssuingBody.objects.filter(code="417").update(numbering="application")
    ready, failed = Document.objects.filter(decision=decision).order_by("pk")[:2]
    ready.file.save(ready.storage_name, ContentFile(PDF_BYTES), save=False)
    Document.objects.filter(pk=ready.pk).update(
        file=ready.file.name, status="ready", rendered_at=timezone.now()
    )
    Document.objects.filter(pk=failed.pk).update(status="failed", error="test")
    cycle = assessment_services.cycle_open(
        province=people.province,
        year=2026,
        actor=people.provincial_police,
        target_percent=30,
        reports_due=datetime.date(2026, 12, 5),
        ministry_report_due=datetime.date(2026, 12, 19),
        assigned=[],
    )
    # A council session (set-up only: the council's services have their own tests).
    council = ReviewCouncil.objects.create(
        province=people.province, year=2026, created_by=people.provincial_police
    )
    session = CouncilSession.objects.create(
        council=council,
        held_on=datetime.date(2026, 11, 20),
        starts_at=datetime.time(8, 0),
        place="Phòng họp",
        scheduled_by=people.provincial_police,
    )
    report = Document.objects.create(
        kind="ministry_report",
        province=people.province,
        year=2026,
        requested_at=timezone.now(),
        issued_on=datetime.date(2026, 11, 25),
        figures=ministry_report_figures(province=people.province, year=2026),
        number=1,
        symbol="BC-CAT-PC04",
    )
    recorded = RecordedDecision(
        province=people.province,
        issuer_code="417",
        issuer_name="Ủy ban nhân dân huyện Kỳ Sơn",
        number=30,
        symbol="QĐ-UBND",
        decided_on=datetime.date(2023, 12, 18),
        signer_name="Lô Văn Chủ",
        entered_by=people.admin,
        attachment_kind="scan",
        attachment_name="qd-30.pdf",
    )
    recorded.attachment.save("recorded-30.pdf", ContentFile(PDF_BYTES), save=False)
    recorded.save()
    built = {
        "recorded": recorded,
        "report": report,
        "session": session,
        "cycle": cycle,
        "draft": draft_dossier,
        "under_appraisal": under,
        "appraised": appraised,
        "recognised": Dossier.objects.get(pk=done.pk),
        "evidence": draft_dossier.evidence.first(),
        "document": ready,
        "failed": failed,
        "unnumbered": unnumbered,
    }
    for label, obj in built.items():
        world.keep(label, obj)
    world.keep_file("document", built["document"].file.path)
    world.keep_file("recorded", recorded.attachment.path)
    world.freeze()
    return built


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_url_for_each_role(client, province_people, data, name):
    people = province_people
    method, kwargs_of, allowed, *post_data = RULES[name]
    if name in ACTING:
        allowed = set(allowed) - CEASED
    url = reverse(name, kwargs=kwargs_of(data))
    people.no_post = UserFactory(username="nopost")
    failures = []
    for who in [*IN_SCOPE, *OUT_OF_SCOPE, "no_post", "anonymous"]:
        with transaction.atomic():  # each visitor sees the data as it was: their action is rolled back
            client.logout()
            if who != "anonymous":
                client.force_login(getattr(people, who))
            body = dict(post_data[0]) if post_data else {}
            if body.get("commune") == "my-ly":
                body["commune"] = people.my_ly.pk
            elif body.get("commune") == "new-my-ly":
                body["commune"] = Commune.objects.get(code="16816", district__isnull=True).pk
            response = client.get(url) if method == "get" else client.post(url, body)
            transaction.set_rollback(True)
        status = response.status_code
        if allowed == PUBLIC:
            ok = status in (200, 302)
        elif who == "anonymous":
            ok = signed_out(response)
        elif who in allowed and name in PERMITTED_REFUSALS:
            ok = status == 302 and refused_back_to(response, PERMITTED_REFUSALS[name])
        elif who in allowed:
            ok = taken(response)  # a redirect carrying "not possible now" is no permission
        elif who == "no_post":
            ok = status == 403 and "Chưa được giao chức vụ" in response.content.decode()
        elif who in OUT_OF_SCOPE:
            ok = status in (403, 404)
        else:
            ok = status == 403
        if not ok:
            failures.append((who, status, response.get("Location", ""), refusal_messages(response)))
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "police", "viewer", "provincial_police"])
def test_the_admin_is_for_staff_only(client, people, who):
    client.force_login(getattr(people, who))
    response = client.get("/admin/communes/post/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
