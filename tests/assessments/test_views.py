import pytest
from django.urls import reverse

from assessments.models import Dossier, Evidence, Notification
from tests import workflow
from tests.factories import PDF_BYTES, DossierFactory

pytestmark = pytest.mark.django_db


def sa_url(d):
    return reverse("assessments:self_assessment", args=[d.pk])


def form_data(dossier, **values):
    """The self-assessment form as the browser posts it, with every criterion answered to meet it."""
    data = {"version": dossier.version}
    for c in dossier.applicable_criteria():
        value = workflow.meeting_value(c)
        data[f"value_{c.pk}"] = (
            ("1" if value else "0") if c.measure == "boolean" else f"{value.normalize():f}"
        )
        data[f"explanation_{c.pk}"] = "Đã rà soát"
    data.update(values)
    return data


@pytest.mark.district_clock
def test_inbox_lists_what_awaits_me_first(client, people, dossier):
    workflow.submit(dossier, people.officer)
    client.force_login(people.police)
    response = client.get("/")
    assert response.status_code == 200
    assert [d.pk for d in response.context["awaiting"]] == [dossier.pk]
    assert "Xã Mỹ Lý" in response.content.decode()


@pytest.mark.district_clock
def test_inbox_of_another_district_is_empty(client, people, dossier):
    workflow.submit(dossier, people.officer)
    client.force_login(people.other_police)
    response = client.get("/")
    assert response.context["awaiting"] == []
    assert response.context["page"].count_if_known == 0


@pytest.mark.district_clock
def test_the_cached_inbox_follows_each_step_of_the_procedure(client, people, dossier):
    client.force_login(people.police)
    assert dossier_links(client.get("/"), "awaiting-title") == []
    dossier = workflow.submit(dossier, people.officer)
    assert dossier_links(client.get("/"), "awaiting-title") == [dossier.pk]  # served fresh, not cached
    workflow.appraise(dossier, people.police)
    assert dossier_links(client.get("/"), "awaiting-title") == []


def dossier_links(response, section_id):
    """Dossier ids linked from one section of the page, read from the HTML (cached or not)."""
    import re

    html = response.content.decode()
    section = html[html.index(f'id="{section_id}"') :].split("</section>", 1)[0]
    return [int(pk) for pk in re.findall(r'href="/dossiers/(\d+)/"', section)]


def test_a_cached_inbox_costs_about_what_the_reference_page_costs(client, people, dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.viewer)
    counts = []
    for url in ("/reference/", "/"):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[1] <= counts[0] + 2  # + the user's grants and the data versions


def test_the_cached_inbox_is_not_shared_across_scopes(client, people, dossier):
    client.force_login(people.police)
    assert dossier_links(client.get("/"), "all-title") == [dossier.pk]
    client.force_login(people.other_police)
    assert dossier_links(client.get("/"), "all-title") == []


def test_inbox_search_without_diacritics_and_filters(client, people, dossier):
    DossierFactory(commune=people.my_ly, year=2023)
    client.force_login(people.viewer)
    assert client.get("/", {"q": "my ly"}).context["page"].count_if_known == 2
    assert client.get("/", {"q": "Mỹ Lý", "year": 2023}).context["page"].count_if_known == 1
    assert client.get("/", {"district": "428"}).context["page"].count_if_known == 0
    assert client.get("/", {"border": "1", "state": "draft"}).context["page"].count_if_known == 2


@pytest.mark.district_clock
def test_commune_officer_opens_a_dossier_for_a_year(client, people):
    from django.core.management import call_command

    call_command("loaddata", "criteria_nghean_2022", verbosity=0)
    client.force_login(people.officer)
    page = client.get("/")
    assert page.context["openable"]
    response = client.post(reverse("assessments:dossier_open"), {"commune": people.my_ly.pk, "year": 2024})
    dossier = Dossier.objects.get(commune=people.my_ly, year=2024)
    assert response["Location"] == sa_url(dossier)


def test_officer_cannot_open_a_dossier_for_another_commune(client, people):
    from django.core.management import call_command

    call_command("loaddata", "criteria_nghean_2022", verbosity=0)
    client.force_login(people.officer)
    response = client.post(reverse("assessments:dossier_open"), {"commune": people.hanh_lam.pk, "year": 2024})
    assert response.status_code == 403
    assert not Dossier.objects.exists()


@pytest.mark.district_clock
def test_saving_a_draft_keeps_values_and_computes_met(client, people, dossier):
    client.force_login(people.officer)
    c1, c2, c3 = dossier.applicable_criteria()
    response = client.post(sa_url(dossier), form_data(dossier, **{f"value_{c3.pk}": "8"}))
    assert response.status_code == 302
    page = client.get(reverse("assessments:dossier_detail", args=[dossier.pk]))
    rows = {
        row.split("</strong>", 1)[0]: row
        for row in page.content.decode().split('<tr><th scope="row"><strong>')[1:]
    }
    assert 'class="badge badge-ok"' in rows["C1"].split("</tr>", 1)[0]
    assert (
        'class="badge badge-bad"' in rows["C3"].split("</tr>", 1)[0]
    )  # 8 sessions < 12: computed, not claimed


@pytest.mark.district_clock
def test_submit_with_missing_evidence_shows_the_list_and_keeps_everything(client, people, dossier):
    client.force_login(people.officer)
    response = client.post(sa_url(dossier), form_data(dossier, submit="1"), follow=True)
    content = response.content.decode()
    assert "C1: cần có minh chứng." in content
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    assert dossier.answers.count() == 3
    assert 'value="Đã rà soát"' in content or "Đã rà soát</textarea>" in content


@pytest.mark.district_clock
def test_submit_with_evidence_moves_the_dossier_and_notifies_police(client, people, dossier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.officer)
    c1 = dossier.applicable_criteria()[0]
    data = form_data(dossier, submit="1")
    data[f"evidence_{c1.pk}"] = SimpleUploadedFile(
        "Báo cáo tình hình.pdf", PDF_BYTES, content_type="application/pdf"
    )
    response = client.post(sa_url(dossier), data)
    # The answers and the file are saved; submitting is asked again on a page that says what happens.
    confirm_url = reverse("assessments:dossier_action", args=[dossier.pk, "submit"])
    assert response.status_code == 302 and response["Location"] == confirm_url
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    page = client.get(confirm_url).content.decode()
    assert "Kiểm tra trước khi xác nhận" in page
    assert f"{people.police.get_full_name()} (Huyện Kỳ Sơn)" in page  # who is told
    assert f'name="version" value="{dossier.version}"' in page
    response = client.post(confirm_url, {"version": dossier.version, "confirmed": "1"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert Evidence.objects.get().original_name == "Báo cáo tình hình.pdf"
    assert Notification.objects.filter(recipient=people.police).count() == 1


@pytest.mark.district_clock
def test_invalid_number_keeps_what_was_typed_and_saves_nothing(client, people, dossier):
    client.force_login(people.officer)
    c3 = dossier.applicable_criteria()[2]
    response = client.post(sa_url(dossier), form_data(dossier, **{f"value_{c3.pk}": "mười hai"}))
    assert response.status_code == 400
    assert 'value="mười hai"' in response.content.decode()
    assert dossier.answers.count() == 0


@pytest.mark.district_clock
def test_a_stale_page_is_refused_with_a_message(client, people, dossier):
    client.force_login(people.officer)
    stale = form_data(dossier)
    client.post(sa_url(dossier), form_data(dossier))
    response = client.post(sa_url(dossier), stale)
    assert response.status_code == 409
    assert "Người khác đã lưu hồ sơ này sau khi bạn mở trang" in response.content.decode()


@pytest.mark.district_clock
def test_dossier_page_shows_only_the_buttons_i_may_use(client, people, dossier):
    workflow.submit(dossier, people.officer)
    url = reverse("assessments:dossier_detail", args=[dossier.pk])

    client.force_login(people.police)
    actions = [name for name, *_ in client.get(url).context["actions"]]
    assert actions == ["start_appraisal", "return_to_commune"]

    client.force_login(people.viewer)
    assert client.get(url).context["actions"] == []
    client.force_login(people.officer)
    assert client.get(url).context["actions"] == []


@pytest.mark.district_clock
def test_a_transition_not_allowed_any_more_gives_a_message_not_a_500(client, people, dossier):
    workflow.submit(dossier, people.officer)
    client.force_login(people.police)
    url = reverse("assessments:dossier_action", args=[dossier.pk, "start_appraisal"])
    client.post(url, {"version": Dossier.objects.get(pk=dossier.pk).version, "confirmed": "1"})
    response = client.post(
        url, {"version": Dossier.objects.get(pk=dossier.pk).version, "confirmed": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "Không thể thực hiện thao tác này" in response.content.decode()


@pytest.mark.district_clock
def test_return_without_a_reason_is_refused_with_a_message(client, people, dossier):
    workflow.submit(dossier, people.officer)
    client.force_login(people.police)
    url = reverse("assessments:dossier_action", args=[dossier.pk, "return_to_commune"])
    response = client.post(
        url, {"version": Dossier.objects.get(pk=dossier.pk).version, "reason": "", "confirmed": "1"}
    )
    assert response.status_code == 400  # the confirmation again, with the message and the reason field
    assert "Hãy nêu lý do." in response.content.decode()
    assert 'name="reason"' in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"


@pytest.mark.district_clock
def test_police_appraise_in_the_browser_form(client, people, dossier):
    dossier = workflow.submit(dossier, people.officer)
    client.force_login(people.police)
    client.post(
        reverse("assessments:dossier_action", args=[dossier.pk, "start_appraisal"]),
        {"version": dossier.version, "confirmed": "1"},
    )
    dossier.refresh_from_db()
    data = {**workflow.appraisal_form(dossier, "2024-10-02"), "member_1_agency": "border_guard"}
    # Without the commune's representative the minutes cannot be completed: refused, nothing typed lost.
    response = client.post(
        reverse("assessments:appraisal", args=[dossier.pk]),
        {**data, "member_3_name": "", "member_3_agency": "", "complete": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nêu tên ít nhất một đại diện của xã." in page and 'value="Hội trường Ủy ban nhân dân xã"' in page
    dossier.refresh_from_db()
    data["version"] = dossier.version
    response = client.post(reverse("assessments:appraisal", args=[dossier.pk]), {**data, "complete": "1"})
    confirm_url = reverse("assessments:dossier_action", args=[dossier.pk, "complete_appraisal"])
    assert response.status_code == 302 and response["Location"] == confirm_url
    dossier.refresh_from_db()
    assert dossier.state == "under_appraisal"  # saved, not completed before the confirmation
    response = client.post(confirm_url, {"version": dossier.version, "confirmed": "1"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "appraised"
    assert [(m.duty, m.agency) for m in dossier.appraisal.members.all()] == [
        ("leader", "district_police"),
        ("member", "border_guard"),
        ("secretary", "district_police"),
        ("commune", "commune"),
    ]
    # The minutes and the proposal took the first numbers of the district police's own register.
    assert (dossier.appraisal.minutes_display, dossier.appraisal.proposal_display) == (
        "01/BB-CAH",
        "01/TTr-CAH",
    )
    assert Notification.objects.filter(recipient=people.chair).count() == 1


@pytest.mark.district_clock
def test_chair_recognises_with_a_decision_record(client, people, dossier):
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    response = client.post(
        reverse("recognition:decision", args=[dossier.pk]),
        {
            "version": dossier.version,
            "outcome": "recognised",
            "decided_on": "2024-10-05",
            "signer_title": "Chủ tịch UBND huyện",
            "reasons": "",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "recognised"
    decision = dossier.recognition_decision
    assert (decision.outcome, decision.decided_on.isoformat(), decision.signer) == (
        "recognised",
        "2024-10-05",
        people.chair,
    )


@pytest.mark.district_clock
def test_chair_must_give_reasons_to_refuse(client, people, dossier):
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    response = client.post(
        reverse("recognition:decision", args=[dossier.pk]),
        {
            "version": dossier.version,
            "outcome": "not_recognised",
            "decided_on": "2024-10-05",
            "reasons": "",
        },
    )
    assert response.status_code == 400
    assert "Hãy nêu lý do." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == "appraised"


@pytest.mark.district_clock
def test_chair_sends_back_to_police_with_a_reason(client, people, dossier):
    dossier = workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.chair)
    client.post(
        reverse("recognition:decision", args=[dossier.pk]),
        {
            "version": dossier.version,
            "outcome": "send_back",
            "decided_on": "2024-10-05",
            "reasons": "Kiểm tra lại SX-03",
            "confirmed": "1",
        },
    )
    dossier.refresh_from_db()
    assert dossier.state == "under_appraisal"
    assert dossier.events.last().comment == "Kiểm tra lại SX-03"


@pytest.mark.district_clock
def test_bell_counts_unread_notifications_and_the_list_marks_them_read(client, people, dossier):
    workflow.submit(dossier, people.officer)
    client.force_login(people.police)
    assert client.get("/").context["unread_notifications"] == 1
    response = client.get(reverse("notifications"))
    assert "Xã Mỹ Lý — 2024" in response.content.decode()
    assert client.get("/").context["unread_notifications"] == 0


@pytest.mark.district_clock
def test_history_timeline_on_the_dossier_page(client, people, dossier):
    workflow.submit(dossier, people.officer)
    client.force_login(people.viewer)
    content = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Nháp → Đã nộp" in content


@pytest.mark.district_clock
def test_dates_and_numbers_are_in_vietnamese_format(client, people):
    from decimal import Decimal

    from django.utils import translation

    from assessments.models import Answer
    from tests.factories import CriterionFactory, small_criteria_set

    criteria_set = small_criteria_set()
    share = CriterionFactory(criteria_set=criteria_set, code="P1", measure="percentage", target=Decimal(100))
    count = CriterionFactory(criteria_set=criteria_set, code="N1", measure="count", target=Decimal(0))
    with translation.override("vi"):
        assert Answer(criterion=share, value_number=Decimal("99.50")).value_display == "99,5 %"
        assert Answer(criterion=count, value_number=Decimal("1234")).value_display == "1.234"
    with translation.override("en"):
        assert Answer(criterion=share, value_number=Decimal("99.50")).value_display == "99.5 %"

    dossier = DossierFactory(commune=people.my_ly, year=2024, criteria_set=criteria_set)
    dossier = workflow.appraise(
        workflow.submit(dossier, people.officer), people.police
    )  # inspected 1 Oct 2024
    client.force_login(people.viewer)
    content = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    assert "01/10/2024" in content
    assert "100 %" in content


# --- the dossier page's cached record ---------------------------------------------------------------


def record_html(client, dossier):
    html = client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).content.decode()
    return html[html.index('id="sa-title"') :]


@pytest.mark.district_clock
def test_the_cached_record_follows_every_change_of_the_dossier(client, people, dossier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.viewer)
    assert "Đã rà soát" not in record_html(client, dossier)  # cached now, with no answer

    client.force_login(people.officer)
    client.post(sa_url(dossier), form_data(dossier))
    client.force_login(people.viewer)
    assert "Đã rà soát" in record_html(client, dossier)  # the answers

    dossier.refresh_from_db()
    c1 = dossier.applicable_criteria()[0]
    client.force_login(people.officer)
    data = form_data(dossier)
    data[f"evidence_{c1.pk}"] = SimpleUploadedFile(
        "Biên bản họp.pdf", PDF_BYTES, content_type="application/pdf"
    )
    client.post(sa_url(dossier), data)
    client.force_login(people.viewer)
    assert "Biên bản họp.pdf" in record_html(client, dossier)  # the evidence

    dossier = workflow.submit(Dossier.objects.get(pk=dossier.pk), people.officer)
    workflow.appraise(dossier, people.police, complete=False)
    html = record_html(client, dossier)
    assert "Vi Văn Công" in html and "Đạt các tiêu chí." in html  # the appraisal
    assert html.count("Đã thẩm định") == 0 and "Đang thẩm định" in html  # the history


def test_the_cached_record_is_per_language(client, people, dossier):
    client.force_login(people.viewer)
    assert "Tự đánh giá" in record_html(client, dossier)
    client.cookies["django_language"] = "en"
    assert "Self-assessment" in record_html(client, dossier)


@pytest.mark.district_clock
def test_a_cached_dossier_page_stays_within_a_few_queries_of_the_reference_page(client, people, dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workflow.appraise(workflow.submit(dossier, people.officer), people.police)
    client.force_login(people.viewer)
    counts = []
    for url in ("/reference/", reverse("assessments:dossier_detail", args=[dossier.pk])):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    # + the dossier, the user's grants, marking its notifications read, the criteria's version, and the
    # documents that name its commune (a council's notice comes before any decision)
    assert counts[1] <= counts[0] + 5


def test_the_inbox_pages_through_dossiers_without_counting_them(client, people, dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DossierFactory

    for year in range(2000, 2030):  # 30 dossiers of Mỹ Lý: a page of 25, then 5
        if year != dossier.year:
            DossierFactory(commune=people.my_ly, year=year, criteria_set=dossier.criteria_set)
    client.force_login(people.officer)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get("/")
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"] and "assessments_dossier" in q["sql"]]
    page = first.context["page"]
    assert len(page) == 25 and page.has_next and page.count_if_known is None
    assert "?page=2" in first.content.decode()
    second = client.get("/", {"page": 2}).context["page"]
    assert len(second) == 5 and not second.has_next and second.has_previous()


@pytest.mark.district_clock
def test_a_refused_value_keeps_the_files_chosen_with_it(client, people, dossier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.officer)
    c1, _c2, c3 = dossier.applicable_criteria()
    data = form_data(dossier, **{f"value_{c3.pk}": "mười hai"})
    data[f"evidence_{c1.pk}"] = [
        SimpleUploadedFile("Biên bản 1.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("Biên bản 2.pdf", PDF_BYTES, content_type="application/pdf"),
    ]
    response = client.post(sa_url(dossier), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="mười hai"' in page  # what was typed stays, marked
    assert "các tệp đã chọn được giữ lại: Biên bản 1.pdf, Biên bản 2.pdf" in page
    assert sorted(dossier.evidence.values_list("original_name", flat=True)) == [
        "Biên bản 1.pdf",
        "Biên bản 2.pdf",
    ]
    assert dossier.answers.count() == 0  # the values were not saved
    version = Dossier.objects.get(pk=dossier.pk).version
    assert f'name="version" value="{version}"' in page  # the next save is not refused as stale
