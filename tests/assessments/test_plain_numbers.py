"""Small input gaps the probe found: in percentages and areas "1e2" and Arabic-Indic digits ("١٢",
read as 12) were accepted; a cycle's report to the Ministry could be due on 31/12/2100. Numbers take
the digits 0-9 and the Vietnamese decimal comma, and due dates lie within the cycle's year."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.forms import CycleForm, SituationCountsForm
from assessments.models import EvaluationCycle
from communes.models import Commune

pytestmark = pytest.mark.django_db

HOW = "Nhập số bằng các chữ số 0-9, phần thập phân sau dấu phẩy, ví dụ 12 hoặc 1,5."
CYCLE = {
    "year": "2026",
    "target_percent": "30",
    "reports_due": "2026-12-05",
    "ministry_report_due": "2026-12-19",
}


def cycle_form(**changed):
    return CycleForm({**CYCLE, **changed}, communes=Commune.objects.none())


@pytest.mark.parametrize("typed", ["1e2", "١٢", "１２", "12%", "1.234,5", "-3"])
def test_a_percentage_in_another_script_or_notation_is_refused_with_how_to_type_it(typed):
    form = cycle_form(target_percent=typed)
    assert not form.is_valid()
    assert form.errors["target_percent"] == [HOW]


@pytest.mark.parametrize(
    ("typed", "read"), [("30", Decimal(30)), ("12,5", Decimal("12.5")), ("12.5", Decimal("12.5"))]
)
def test_a_percentage_typed_the_vietnamese_way_is_read(typed, read):
    form = cycle_form(target_percent=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target_percent"] == read


@pytest.mark.parametrize("field", ["drug_plant_area", "offenders_arrested"])
@pytest.mark.parametrize("typed", ["1e2", "١٢"])
def test_areas_and_counts_refuse_them_too(field, typed):
    form = SituationCountsForm({f"counts-{field}": typed})
    form.is_valid()
    assert field in form.errors


def test_the_cycle_page_shows_back_the_percentage_it_read(client, province_people):
    p = province_people
    client.force_login(p.provincial_police)
    response = client.post(reverse("assessments:cycles"), {**CYCLE, "target_percent": "12,5"})
    assert response.status_code == 302
    cycle = EvaluationCycle.objects.get(province=p.province, year=2026)
    assert cycle.target_percent == Decimal("12.5")
    assert "12,5" in client.get(response["Location"]).content.decode()


def test_a_due_date_after_the_cycles_year_is_refused_naming_the_field(client, province_people):
    p = province_people
    form = cycle_form(ministry_report_due="2100-12-31")
    assert not form.is_valid()
    assert form.errors["ministry_report_due"] == [
        "Hạn báo cáo Bộ Công an: ngày phải trước hoặc đúng 31/12/2026, trong năm của đợt xét."
    ]
    client.force_login(p.provincial_police)
    response = client.post(reverse("assessments:cycles"), {**CYCLE, "ministry_report_due": "2100-12-31"})
    assert "Hạn báo cáo Bộ Công an: ngày phải" in response.content.decode()
    assert 'value="2100-12-31"' in response.content.decode()  # what was typed is kept
    assert not EvaluationCycle.objects.exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(
        services.DossierActionError, match="Hạn báo cáo Bộ Công an: ngày phải nằm trong khoảng"
    ):
        services.cycle_open(
            province=p.province,
            year=2026,
            actor=p.provincial_police,
            target_percent=Decimal(30),
            reports_due=datetime.date(2026, 12, 5),
            ministry_report_due=datetime.date(2100, 12, 31),
        )
