"""How many pages officials load to get a campaign through, counted by driving the pages as they do
(each form sent, each link followed; a redirect followed is counted apart as an HTTP request):

- district procedure: the district police and chair take 11 submitted dossiers to decisions;
- Decision 28: the provincial police, the council's secretary and the chairman take 40 appraised
  communes to recognised.

The figures go to test-artefacts/campaign-requests.json for the issue's report."""

import datetime
import json
from pathlib import Path

import pytest
from django.test import Client

from assessments.models import Dossier, InspectionTeam, SituationCounts
from communes.models import Commune, IssuingBody, Role
from recognition.models import RecognitionDecision
from tests import workflow
from tests.factories import DossierFactory, put_in_state, small_criteria_set

pytestmark = pytest.mark.django_db

OUT = Path(__file__).resolve().parents[1] / "test-artefacts" / "campaign-requests.json"


class Official:
    """A browser: counts the pages the official asks for (actions) and the HTTP requests, redirects
    followed included."""

    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)
        self.actions = self.http = 0

    def _follow(self, response):
        while response.status_code in (301, 302):
            self.http += 1
            response = self.client.get(response["Location"])
        assert response.status_code == 200, response.content.decode()[:2000]
        return response

    def get(self, url):
        self.actions += 1
        self.http += 1
        return self._follow(self.client.get(url))

    def post(self, url, data):
        self.actions += 1
        self.http += 1
        return self._follow(self.client.post(url, data))


def record(name: str, figures: dict) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(OUT.read_text()) if OUT.exists() else {}
    known[name] = figures
    OUT.write_text(json.dumps(known, ensure_ascii=False, indent=1))


@pytest.mark.district_clock
def test_a_district_takes_eleven_dossiers_to_decisions_in_few_pages(
    people, django_capture_on_commit_callbacks
):
    criteria_set = small_criteria_set()
    communes = list(Commune.objects.filter(district__code="417").order_by("code"))[:11]
    assert len(communes) == 11
    dossiers = [
        workflow.submit(DossierFactory(commune=c, year=2024, criteria_set=criteria_set), people.admin)
        for c in communes
    ]
    team = InspectionTeam.objects.create(
        district=people.ky_son, name="Tổ thẩm định 2024", members=workflow.team(), saved_by=people.police
    )
    police, chair = Official(people.police), Official(people.chair)
    with django_capture_on_commit_callbacks(execute=False):
        police.get("/")
        police.get("/dossiers/appraisals/start/")
        start = {
            "dossiers": [d.pk for d in dossiers],
            "team": team.pk,
            "inspection_date": "2024-10-01",
            "place": "Hội trường UBND xã",
        }
        police.post("/dossiers/appraisals/start/", start)
        page = police.post(
            "/dossiers/appraisals/start/", {**start, "confirmed": "1"}
        )  # lands on the 1st form
        for _ in dossiers:  # each form: the times, the findings, the recommendation; "save and open the next"
            dossier = page.context["dossier"]
            data = workflow.appraisal_form(dossier, "2024-10-01")
            page = police.post(f"/dossiers/{dossier.pk}/appraisal/", {**data, "next": "1"})
        ready = [d.pk for d in page.context["ready"]]
        assert len(ready) == 11
        # The list says what completing does and who is told: it is its own confirmation.
        assert "Các văn bản thẩm định được lấy số" in page.content.decode()
        police.post("/dossiers/appraisals/complete/", {"dossiers": ready, "confirmed": "1"})

        chair.get("/")
        page = chair.get("/decisions/")
        decide = {"decided_on": "2024-10-20", "signer_title": "Chủ tịch UBND huyện"}
        decide.update({f"outcome_{d.pk}": "recognised" for d in dossiers})
        chair.post("/decisions/", decide)
        chair.post("/decisions/", {**decide, "confirmed": "1"})
    assert Dossier.objects.filter(pk__in=[d.pk for d in dossiers], state="recognised").count() == 11
    assert RecognitionDecision.objects.count() == 11
    figures = {
        "district police": {"pages": police.actions, "http requests": police.http},
        "district chair": {"pages": chair.actions, "http requests": chair.http},
        "total pages": police.actions + chair.actions,
    }
    record("district procedure, 11 dossiers", figures)
    # 11 appraisal forms are the police's own work; everything else is a handful of pages.
    assert police.actions + chair.actions <= 20, figures


def test_the_province_takes_forty_appraised_communes_to_recognised_in_few_pages(
    province_people, official, django_capture_on_commit_callbacks
):
    from council import services as council_services

    p = province_people
    IssuingBody.objects.filter(code=p.province.code).update(numbering="application")
    from assessments.models import CriteriaSet

    criteria_set = CriteriaSet.objects.filter(procedure="province").first()
    dossiers = []
    for i in range(40):
        commune = Commune.objects.create(
            code=f"9{i:04d}",
            name=f"Xã Thử {i + 1:02d}",
            kind="xa",
            province=p.province,
            valid_from=datetime.date(2025, 7, 1),
        )
        dossier = DossierFactory(commune=commune, year=2026, criteria_set=criteria_set)
        SituationCounts.objects.create(dossier=dossier, population=4000, classification="III")
        official(Role.COMMUNE_CHAIR, commune, username=f"ct_thu_{i}")
        dossiers.append(dossier)
    # Test set-up: the 40 dossiers appraised (the appraisal pages are counted in the district's test).
    put_in_state(dossiers, Dossier.State.APPRAISED)
    council_services.council_set_up(
        province=p.province,
        year=2026,
        seats=[
            {"user": p.provincial_vice_chair, "seat": "chair", "position": "Phó Chủ tịch UBND tỉnh"},
            {"user": p.provincial_police, "seat": "vice_chair", "position": "Giám đốc Công an tỉnh"},
            {"user": p.council_member, "seat": "member", "position": "Giám đốc Sở Y tế"},
            {"user": p.council_secretary, "seat": "secretary", "position": "Trưởng phòng PC04"},
        ],
        actor=p.provincial_police,
    )
    police, secretary, chairman = (
        Official(p.provincial_police),
        Official(p.council_secretary),
        Official(p.provincial_chair),
    )
    with django_capture_on_commit_callbacks(execute=False):
        police.get("/council/2026/")
        session = {
            "action": "session",
            "held_on": "2026-11-20",
            "starts_at": "08:00",
            "place": "Phòng họp số 1",
            "dossiers": [d.pk for d in dossiers],
        }
        page = police.post("/council/2026/", session)
        session_url = page.wsgi_request.path

        page = secretary.get(session_url)
        form = page.context["form"]
        votes = {"ends_at": "10:00", "conclusion": "Thống nhất", "close": "1"}
        for member in form.members:
            votes[f"present_{member.pk}"] = "on"
        for item in form.items:
            for member in form.members:
                if member.votes:
                    votes[f"vote_{item.pk}_{member.pk}"] = "for"
        secretary.post(session_url, votes)
        secretary.post(session_url, {**votes, "confirmed": "1"})

        chairman.get("/council/2026/decision/")
        decision = {"decided_on": "2026-11-24", "signer_title": "Chủ tịch UBND tỉnh"}
        decision.update({f"include_{d.pk}": "on" for d in dossiers})
        chairman.post("/council/2026/decision/", decision)
        chairman.post("/council/2026/decision/", {**decision, "confirmed": "1"})
    assert Dossier.objects.filter(pk__in=[d.pk for d in dossiers], state="recognised").count() == 40
    figures = {
        "provincial police": {"pages": police.actions, "http requests": police.http},
        "council secretary": {"pages": secretary.actions, "http requests": secretary.http},
        "provincial chairman": {"pages": chairman.actions, "http requests": chairman.http},
        "total pages": police.actions + secretary.actions + chairman.actions,
    }
    record("Decision 28, 40 communes from appraised to recognised", figures)
    assert police.actions + secretary.actions + chairman.actions <= 8, figures
