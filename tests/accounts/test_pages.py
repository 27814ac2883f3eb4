import json

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from communes.models import Province, Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("vi", "Đăng nhập"), ("en", "Sign in")])
def test_sign_in_page_in_both_languages(client, language, text):
    client.cookies["django_language"] = language
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_sign_in_and_out(client, official, border_units):
    official(Role.PROVINCIAL_VIEWER, Province.objects.get(code="40"), username="viewer")
    response = client.post("/accounts/login/", {"username": "viewer", "password": "pw-for-tests-2022"})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Cán bộ theo dõi cấp tỉnh" in home and "Tỉnh Nghệ An" in home  # role and unit in the header

    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_a_translated_error_and_keeps_the_username(client):
    UserFactory(username="canbo")
    response = client.post("/accounts/login/", {"username": "canbo", "password": "wrong"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="canbo"' in content
    assert "Vui lòng điền vào" in content


@pytest.mark.django_db
def test_password_change(client, official, border_units):
    user = official(Role.PROVINCIAL_VIEWER, Province.objects.get(code="40"))
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-for-tests-2022",
            "new_password1": "Nghe-An-2025-moi",
            "new_password2": "Nghe-An-2025-moi",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nghe-An-2025-moi")


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client, official, border_units):
    client.force_login(official(Role.PROVINCIAL_VIEWER, Province.objects.get(code="40")))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Provincial viewer" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Cán bộ theo dõi cấp tỉnh" in client.get("/").content.decode()


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_cache_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, official, border_units, language, text):
    client.force_login(official(Role.PROVINCIAL_VIEWER, Province.objects.get(code="40")))
    client.cookies["django_language"] = language
    response = client.get("/units/99999/")
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("vi", "Lỗi máy chủ"), ("en", "Server error")])
def test_500_page_in_both_languages(language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("vi", "Không có quyền truy cập"), ("en", "Access denied")])
def test_403_page_in_both_languages(language, text):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.django_db
def test_demo_accounts_are_refused_without_debug(settings, border_units):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_setup")


@pytest.mark.django_db
def test_demo_accounts_one_per_role_with_debug(settings, border_units):
    settings.DEBUG = True
    call_command("demo_setup", stdout=open("/dev/null", "w"))
    from communes.models import Post

    assert set(Post.objects.values_list("role", flat=True)) == set(Role.values)


@pytest.mark.django_db
def test_migrations_create_no_user():
    from django.contrib.auth import get_user_model

    from tests.world import OFFICIALS, SENTINEL_USERNAME

    # The test database holds the reference world's officials (tests/world.py) and no one else.
    seeded = {username for _a, _r, _u, username, _f in OFFICIALS} | {SENTINEL_USERNAME}
    assert set(get_user_model().objects.values_list("username", flat=True)) == seeded


@pytest.mark.django_db
def test_vietnamese_even_when_the_browser_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_demo_records_ky_sons_past_decisions_on_its_border_communes(settings, border_units):
    """The district's history comes in through the record path, as a province adopting the application
    enters it; run again, the demo records nothing twice."""
    from assessments.models import Dossier
    from recognition.models import RecordedDecision

    call_command("loaddata", "criteria_nghean_2022", verbosity=0)
    settings.DEBUG = True
    call_command("demo_setup", stdout=open("/dev/null", "w"))
    states = Dossier.objects.filter(year=2024, commune__district__code="417").values_list("state", flat=True)
    assert sorted(states) == ["not_recognised"] + ["recognised"] * 10
    assert Dossier.objects.filter(year=2023, commune__district__code="417", state="recognised").count() == 11
    call_command("demo_setup", stdout=open("/dev/null", "w"))
    assert RecordedDecision.objects.count() == 2


@pytest.mark.django_db
def test_the_demo_leaves_work_for_every_account_it_prints(settings, border_units, new_units, client):
    """A newcomer signing in as any printed account finds something to do, and the list says what and
    where; the viewers are told where to follow the figures."""
    import io
    import re

    from django.contrib.auth import get_user_model

    from assessments.models import Dossier
    from communes.models import IssuingBody

    # As `make demo` loads them: the whole province's units after the border ones.
    call_command(
        "loaddata", "nghean_units", "criteria_nghean_2022", "criteria_qd28_2025", "legal_bases", verbosity=0
    )
    # The reference world numbers the district's decisions by the application; a fresh demo database
    # has the default of a People's Committee: its clerk numbers them.
    IssuingBody.objects.filter(code="417").update(numbering=IssuingBody.Numbering.CLERK)
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_setup", stdout=out)
    printed = out.getvalue()
    states = dict(Dossier.objects.filter(year=2026).values_list("commune__code", "state"))
    assert states == {
        "16816": "draft",  # Mỹ Lý: for its commune police and chair
        "16834": "submitted",  # Na Loi: for the provincial police
        "16822": "appraised",  # Keng Đu: on the next council session
        "16828": "recommended",  # Huồi Tụ: for the chairman
        "16819": "recognised",  # Bắc Lý: the vice-chairman's decision, waiting for the clerk's number
    }
    accounts = re.findall(r"^  (\S+)\s{2,}", printed.split("Tài khoản thử")[1], re.M)
    assert len(accounts) == 16
    # The police's clerk has work only once the provincial police issue electronically (the demo's
    # bodies issue on paper): until then the account follows the dossiers, like the viewers.
    # The district accounts read the history: their units ceased on 30 June 2025 (F17).
    viewers = {
        "bocongan",
        "theodoi.tinh",
        "vanthu.congan",
        "xa.mylyky",
        "congan.kyson",
        "chutich.kyson",
        "vanthu.kyson",
    }
    for username in accounts:
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get("/").content.decode()
        awaiting = page.split('id="awaiting-title"')[1].split('id="all-title"')[0]
        waits = "/dossiers/" in awaiting or 'id="work-title"' in page
        assert waits or username in viewers, username
    assert "Chờ xử lý: Xã Mỹ Lý — 2026 (Nháp) tại /dossiers/" in printed
    assert "1 quyết định chờ cấp số trong sổ đăng ký: /register/" in printed
    assert "Phiên họp Hội đồng ngày 10/12/2026, 08:00: 1 xã cần xem xét" in printed
    assert "theo dõi mọi tỉnh tại /dashboard/national/" in printed
    assert not re.search(r"\b(population|records|route|Cycle|waiting|follows)\b", printed)  # Vietnamese
