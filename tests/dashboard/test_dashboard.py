"""The dashboard's figures, scope, exports and query budget."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Dossier
from communes.fragments import bump_everything
from dashboard.selectors import STATE_COLUMNS
from tests.factories import DossierFactory, put_in_state, small_criteria_set

pytestmark = pytest.mark.django_db

# Kỳ Sơn (11 border communes) in 2024: 4 recognised (one expired after its validity), 1 refused,
# 1 revoked, 1 appraised, 1 under appraisal, 1 submitted, 1 draft, 1 returned (waiting 40 days).
KY_SON_2024 = {
    "16816": "recognised",
    "16819": "recognised",
    "16822": "recognised",
    "16825": "expired",
    "16834": "not_recognised",
    "16837": "revoked",
    "16858": "appraised",
    "16867": "under_appraisal",
    "16873": "submitted",
    "16870": "draft",
    "16852": "returned",
}
# Anh Sơn's single border commune is recognised: 100% of that district (criterion H4).
ANH_SON_2024 = {"17374": "recognised"}


@pytest.fixture
def known_set(people):
    criteria_set = small_criteria_set()
    old = timezone.now() - datetime.timedelta(days=40)
    for code, state in {**KY_SON_2024, **ANH_SON_2024}.items():
        dossier = DossierFactory(
            commune=people.my_ly.__class__.objects.get(code=code, district__isnull=False),
            year=2024,
            criteria_set=criteria_set,
        )
        put_in_state([dossier], state, state_changed_at=old if code == "16852" else timezone.now())
    # A 2023 recognition, to show in the per-year chart only.
    dossier = DossierFactory(commune=people.my_ly, year=2023, criteria_set=criteria_set)
    put_in_state([dossier], "expired")
    return people


def get(client, user, **params):
    """The dashboard as the view computes it (not from the cache: caching has its own tests)."""
    cache.clear()
    client.force_login(user)
    response = client.get("/dashboard/", {"year": 2024, **params})
    assert response.status_code == 200
    response.figures = response.context["figures"]  # what the cached fragment shows
    return response


def test_every_headline_figure(client, known_set):
    headline = get(client, known_set.viewer).figures["headline"]
    assert (headline.border_recognised, headline.border_communes) == (5, 27)
    assert (headline.recognised, headline.communes) == (5, 27)
    assert headline.by_state == {
        "draft": 2,
        "submitted": 1,
        "under_appraisal": 1,
        "appraised": 1,
        "recommended": 0,  # the council's states: none in the district procedure
        "not_recommended": 0,
        "recognised": 5,
        "not_recognised": 1,
        "revoked": 1,
    }
    assert headline.not_started == 27 - 12
    assert headline.waiting == 1  # the returned dossier, 40 days > 15
    assert headline.complete_districts == ["Huyện Anh Sơn"]


def test_every_cell_of_the_district_table(client, known_set):
    rows = {r.code: r for r in get(client, known_set.viewer).figures["rows"]}
    ky_son = rows["417"]
    assert (ky_son.communes, ky_son.not_started) == (11, 0)
    assert ky_son.counts == {
        "draft": 2,
        "submitted": 1,
        "under_appraisal": 1,
        "appraised": 1,
        "recommended": 0,
        "not_recommended": 0,
        "recognised": 4,
        "not_recognised": 1,
        "revoked": 1,
    }
    assert ky_son.percent == 36.4
    assert (rows["424"].communes, rows["424"].recognised, rows["424"].percent) == (1, 1, 100.0)
    assert (rows["428"].communes, rows["428"].not_started, rows["428"].percent) == (5, 5, 0.0)
    assert [r.code for r in get(client, known_set.viewer).figures["rows"]] == [
        "415",
        "417",
        "418",
        "422",
        "424",
        "428",
    ]


def test_the_table_sorts(client, known_set):
    rows = get(client, known_set.viewer, sort="-percent").figures["rows"]
    assert [r.code for r in rows][:2] == ["424", "417"]
    rows = get(client, known_set.viewer, sort="communes").figures["rows"]
    assert [r.communes for r in rows] == sorted(r.communes for r in rows)


def test_the_commune_list_filters(client, known_set):
    page = get(client, known_set.viewer, district="417", state="recognised").context["page"]
    assert sorted(c.code for c in page) == ["16816", "16819", "16822", "16825"]
    assert get(client, known_set.viewer, state="not_started").context["page"].paginator.count == 15
    assert get(client, known_set.viewer, border="0").context["page"].paginator.count == 0


def test_recognised_per_year(client, known_set):
    per_year = {y["year"]: y for y in get(client, known_set.viewer).figures["per_year"]}
    assert (per_year[2024]["recognised"], per_year[2024]["communes"]) == (5, 27)
    assert (per_year[2023]["border_recognised"], per_year[2023]["border_communes"]) == (1, 27)


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())  # BOM: Excel opens Vietnamese correctly
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_district_csv_has_vietnamese_headers_and_the_same_cells(client, known_set):
    client.force_login(known_set.viewer)
    rows = read_csv(client.get("/dashboard/export/districts.csv", {"year": 2024}))
    assert rows[0][:4] == ["Mã huyện", "Đơn vị cấp huyện", "Huyện biên giới", "Số xã"]
    assert rows[0][9:11] == ["Được Hội đồng đề nghị công nhận", "Không được Hội đồng đề nghị"]
    ky_son = next(r for r in rows if r[0] == "417")
    assert ky_son == [
        "417",
        "Huyện Kỳ Sơn",
        "Có",
        "11",
        "0",
        "2",
        "1",
        "1",
        "1",
        "0",
        "0",
        "4",
        "1",
        "1",
        "36.4",
    ]


def test_commune_csv_follows_the_filters(client, known_set):
    client.force_login(known_set.viewer)
    rows = read_csv(
        client.get("/dashboard/export/communes.csv", {"year": 2024, "district": "417", "state": "draft"})
    )
    assert rows[0] == [
        "Mã xã",
        "Tên xã",
        "Mã huyện",
        "Đơn vị cấp huyện",
        "Xã biên giới",
        "Năm",
        "Trạng thái hồ sơ",
        "Số quyết định",
        "Ngày quyết định",
        "Hiệu lực đến",
        "Lý do (quyết định)",
        "Khác đề nghị của công an",
        "Số quyết định thu hồi",
        "Ngày thu hồi",
        "Lý do thu hồi",
    ]
    assert sorted(r[0] for r in rows[1:]) == ["16852", "16870"]
    assert {r[6] for r in rows[1:]} == {"Nháp hoặc trả lại"}


def test_xlsx_export(client, known_set):
    from openpyxl import load_workbook

    client.force_login(known_set.viewer)
    response = client.get("/dashboard/export/districts.xlsx", {"year": 2024})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    # A title, the date and scope, then the header, frozen on screen.
    assert values[0][0] == "Tiến độ xây dựng xã không ma túy theo đơn vị cấp huyện, năm 2024"
    assert values[1][0].startswith("Lập ngày ") and "Cán bộ theo dõi cấp tỉnh" in values[1][0]
    assert values[2][1] == "Đơn vị cấp huyện" and sheet.freeze_panes == "A4"
    assert next(v for v in values if v[0] == "417")[11] == 4  # "Được công nhận", a number
    # The total row is the sum of the rows (and the rate of the whole).
    rows = [v for v in values[3:] if v[1] != "Tổng cộng"]
    total = next(v for v in values if v[1] == "Tổng cộng")
    assert total[3] == sum(r[3] for r in rows) and total[9] == sum(r[9] for r in rows)
    assert isinstance(total[3], int) and sheet.column_dimensions["B"].width >= 16
    # Number formats: counts as whole numbers, the rate with one decimal.
    total_row = len(values)
    assert sheet.cell(row=total_row, column=4).number_format == "#,##0"
    assert sheet.cell(row=total_row, column=len(total)).number_format == "0.0"


def test_district_staff_see_only_their_district_in_the_page_and_the_exports(client, known_set):
    response = get(client, known_set.police)
    assert [r.code for r in response.figures["rows"]] == ["417"]
    assert response.figures["headline"].communes == 11
    assert "Huyện Anh Sơn" not in response.content.decode()
    client.force_login(known_set.police)
    districts = read_csv(client.get("/dashboard/export/districts.csv", {"year": 2024}))
    assert [r[0] for r in districts[1:-1]] == ["417"] and districts[-1][1] == "Tổng cộng"  # then the total
    communes = read_csv(client.get("/dashboard/export/communes.csv", {"year": 2024, "district": "424"}))
    assert communes[1:] == []  # asking for another district finds nothing


def test_a_commune_officer_sees_only_their_commune(client, known_set):
    response = get(client, known_set.officer)
    assert response.figures["headline"].communes == 1
    assert [c.code for c in response.context["page"]] == ["16816"]


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": "1900"}, {"sort": "drop table"}, {"state": "x", "border": "7"}]
)
def test_bad_parameters_fall_back_to_defaults(client, known_set, params):
    client.force_login(known_set.viewer)
    assert client.get("/dashboard/", params).status_code == 200


def count(client, url):
    """Queries of the page as computed (its cache emptied by a change to dossiers)."""
    client.get(url)
    bump_everything()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_query_count_is_the_same_at_27_460_and_5000_communes(
    client, people, django_assert_max_num_queries
):
    client.force_login(people.viewer)
    url = "/dashboard/?year=2024"
    call_command("seed_demo", "--communes", "27", "--years", "2", stdout=io.StringIO())
    at_27 = count(client, url)
    call_command("seed_demo", "--communes", "460", "--years", "2", stdout=io.StringIO())
    at_460 = count(client, url)
    call_command("seed_demo", "--communes", "5000", "--years", "2", stdout=io.StringIO())
    assert Dossier.objects.filter(year=2024).count() > 4000
    at_5000 = count(client, url)
    assert at_27 == at_460 == at_5000
    bump_everything()  # a page of the commune list, figures computed too
    with django_assert_max_num_queries(15):
        client.get(url + "&district=417&state=recognised&page=2")


@pytest.mark.district_clock
def test_cached_figures_follow_a_transition(client, known_set):
    from tests import workflow

    client.force_login(known_set.viewer)
    assert ">5/27<" in client.get("/dashboard/", {"year": 2024}).content.decode()
    dossier = Dossier.objects.get(commune__code="16858", year=2024)  # appraised
    from recognition.services import decision_record

    decision_record(
        decided_on=datetime.date(2024, 12, 2), dossier=dossier, actor=known_set.chair, outcome="recognised"
    )
    assert ">6/27<" in client.get("/dashboard/", {"year": 2024}).content.decode()
    assert workflow  # the figures changed through the real decision service


def test_the_cached_fragment_is_not_shared_across_scopes(client, known_set):
    client.force_login(known_set.viewer)
    assert "Huyện Anh Sơn" in client.get("/dashboard/", {"year": 2024}).content.decode()
    client.force_login(known_set.police)
    assert "Huyện Anh Sơn" not in client.get("/dashboard/", {"year": 2024}).content.decode()


def test_a_cached_dashboard_costs_what_the_reference_page_costs(client, known_set):
    client.force_login(known_set.viewer)
    reference = count_cached(client, "/reference/")
    # + the user's grants and the data versions (kept in the database, see communes.fragments)
    assert count_cached(client, "/dashboard/?year=2024") <= reference + 2


def count_cached(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_a_renamed_commune_shows_at_once(client, known_set):
    client.force_login(known_set.viewer)
    url = "/dashboard/?year=2024&district=417"
    assert "Xã Mỹ Lý" in client.get(url).content.decode()
    known_set.my_ly.name = "Xã Mỹ Lý Mới"
    known_set.my_ly.save()
    assert "Xã Mỹ Lý Mới" in client.get(url).content.decode()


FORMULAS = [
    '=HYPERLINK("http://evil.example","Bấm")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
]


@pytest.mark.parametrize("name", FORMULAS)
def test_exports_are_inert_whatever_a_unit_is_called(client, known_set, name):
    from openpyxl import load_workbook

    from communes.models import Commune

    Commune.objects.filter(code="16816").update(name=name)
    client.force_login(known_set.viewer)
    rows = read_csv(client.get("/dashboard/export/communes.csv", {"year": 2024, "district": "417"}))
    cell = next(r for r in rows if r[0] == "16816")[1]
    assert cell == "'" + name  # quoted: a spreadsheet shows it as text

    response = client.get("/dashboard/export/communes.xlsx", {"year": 2024, "district": "417"})
    workbook = load_workbook(io.BytesIO(response.content))
    row = next(r for r in workbook.active.iter_rows(min_row=2) if r[0].value == "16816")
    assert row[1].data_type == "s" and row[1].value == name  # a string cell, never a formula
    assert row[5].data_type == "n"  # numbers stay numbers


@pytest.mark.district_clock
def test_a_commune_officer_is_not_told_a_district_is_complete_when_only_their_commune_is(client, people):
    """1 of 21 communes recognised is not "1 district with 100 % of its communes recognised"."""
    from tests import workflow
    from tests.factories import DossierFactory

    workflow.bring_to(DossierFactory(commune=people.my_ly, year=2024), "recognised", people)
    client.force_login(people.officer)
    page = client.get("/dashboard/", {"year": 2024}).content.decode()
    assert "1/1" in page and "100% số xã được công nhận" not in page
    client.force_login(people.police)  # the district's police see the whole district: 1 of 11, not complete
    page = client.get("/dashboard/", {"year": 2024}).content.decode()
    assert "100% số xã được công nhận" in page


def test_the_page_has_the_province_total_row(client, known_set):
    response = get(client, known_set.viewer, year=2024)
    rows, total = response.figures["rows"], response.figures["total"]
    assert total.communes == sum(r.communes for r in rows) and total.recognised == sum(
        r.recognised for r in rows
    )
    assert total.counts == {k: sum(r.counts[k] for r in rows) for k in rows[0].counts}
    page = response.content.decode()
    foot = page.split("<tfoot>")[1].split("</tfoot>")[0]
    assert "Tổng cộng" in foot and f'<td class="num">{total.communes}</td>' in foot


@pytest.mark.district_clock
def test_the_commune_export_carries_the_decision(client, people, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from recognition.services import decision_record, decision_revoke
    from tests import workflow

    dossier = workflow.appraise(
        workflow.submit(DossierFactory(commune=people.my_ly, year=2024), people.officer), people.police
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision = decision_record(
            dossier=dossier, actor=people.chair, outcome="recognised", decided_on=datetime.date(2024, 12, 2)
        )
    bac_ly = people.my_ly.__class__.objects.get(code="16819", district__isnull=False)
    other = workflow.appraise(
        workflow.submit(DossierFactory(commune=bac_ly, year=2024), people.admin),
        people.police,
        recommendation="not_recognise",
    )
    with django_capture_on_commit_callbacks(execute=False):
        decision_record(
            dossier=other,
            actor=people.chair,
            outcome="not_recognised",
            decided_on=datetime.date(2024, 12, 3),
            reasons="Chưa đạt tiêu chí 3",
        )
        decision_revoke(
            decision=decision,
            actor=people.chair,
            incident_date=datetime.date(2025, 1, 5),
            incident_description="Bắt quả tang",
            reason="Phát sinh tội phạm",
            decided_on=datetime.date(2025, 1, 10),
            signer_title="Chủ tịch",
        )
    client.force_login(people.viewer)
    response = client.get("/dashboard/export/communes.xlsx", {"year": 2024, "district": "417"})
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    header = values[2]
    rows = {v[0]: dict(zip(header, v, strict=True)) for v in values[3:]}
    revoked, refused = rows["16816"], rows["16819"]
    assert revoked["Số quyết định"] == decision.number_display
    assert revoked["Ngày quyết định"] == datetime.datetime(2024, 12, 2)  # a real date cell
    assert revoked["Hiệu lực đến"] is None  # revoked: no validity any more
    assert (
        revoked["Số quyết định thu hồi"].endswith("/QĐ-UBND")
        and revoked["Lý do thu hồi"] == "Phát sinh tội phạm"
    )
    assert (
        refused["Lý do (quyết định)"] == "Chưa đạt tiêu chí 3" and refused["Khác đề nghị của công an"] is None
    )
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/dashboard/export/communes.csv", {"year": 2024, "district": "417"}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert next(r for r in csv_rows if r[0] == "16816")[8] == "02/12/2024"


@pytest.mark.parametrize("district", ["", "417"])
@pytest.mark.parametrize("state", ["", "not_started", *STATE_COLUMNS])
def test_the_commune_list_is_counted_from_the_district_table(client, known_set, district, state):
    """The list's length comes from the district table (no COUNT of every commune), for every column
    the workflow tables define, and equals the list itself; the page's rows carry their dossier's state."""
    from dashboard import selectors

    client.force_login(known_set.viewer)
    bump_everything()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/dashboard/", {"year": 2024, "district": district, "state": state})
    assert not [
        q["sql"] for q in ctx if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "communes_commune"')
    ]
    listed = selectors.commune_list(user=known_set.viewer, year=2024, district_code=district, state=state)
    page = response.context["page"]
    assert page.paginator.count == listed.count() == len(page.object_list)
    states = dict(listed.values_list("code", "dossier_state"))
    assert {c.code: c.dossier_state for c in page} == states


def test_the_border_filter_still_counts_the_list(client, known_set):
    from dashboard import selectors

    client.force_login(known_set.viewer)
    page = client.get("/dashboard/", {"year": 2024, "border": "1"}).context["page"]
    listed = selectors.commune_list(user=known_set.viewer, year=2024, border="1")
    assert page.paginator.count == len(page.object_list) == listed.count() > 0


def test_every_page_of_the_commune_list_read_by_district_is_the_lists_own_slice(client, people):
    """The unfiltered list is paged from the district table (CommunesByDistrict): page after page, the
    communes are the sorted list's, none twice and none left out, pages crossing districts included."""
    from dashboard import selectors

    call_command("seed_demo", "--communes", "460", "--years", "1", stdout=io.StringIO())
    year = Dossier.objects.latest("year").year
    client.force_login(people.viewer)
    listed = list(selectors.commune_list(user=people.viewer, year=year).values_list("code", flat=True))
    assert len(listed) > 400
    shown, number = [], 1
    while True:
        page = client.get("/dashboard/", {"year": year, "page": number}).context["page"]
        assert isinstance(page.paginator.object_list, selectors.CommunesByDistrict)
        shown.extend(c.code for c in page)
        if not page.has_next():
            break
        number += 1
    assert shown == listed
    # A district's own list starts within the district, whatever its place in the province's list.
    district = Dossier.objects.filter(year=year).values_list("commune__district__code", flat=True)[0]
    page = client.get("/dashboard/", {"year": year, "district": district}).context["page"]
    in_district = selectors.commune_list(user=people.viewer, year=year, district_code=district)
    assert [c.code for c in page] == list(in_district.values_list("code", flat=True)[:50])
