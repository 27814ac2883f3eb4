"""Officials in one step: from the admin (account, full name, post) and from a CSV file, checked line
by line with a dry run, as the unit importer does."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from communes.models import Post

HEADER = "username,full_name,email,role,unit_code,title\n"
GOOD = (
    "ca.kyson2,Lương Văn Hùng,hung@example.vn,district_police,417,Phó Trưởng Công an huyện\n"
    "ct.kyson2,Vi Thị Lan,lan@example.vn,district_chair,417,Chủ tịch UBND huyện\n"
    "xa.myly2,Lô Văn Xã,,commune_officer,16816,Cán bộ xã\n"
)


def run(path, *args):
    out = io.StringIO()
    call_command("import_officials", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.district_clock
def test_a_clean_file_then_a_second_run_that_changes_nothing(people, tmp_path):
    path = tmp_path / "can_bo.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    # The district procedure's officials: the units of before 1 July 2025.
    assert "officials: 3 would be created" in run(path, "--dry-run", "--on", "2024-12-31")
    assert not User.objects.filter(username="ca.kyson2").exists()
    assert "officials: 3 created, 0 updated, 0 unchanged" in run(path, "--on", "2024-12-31")
    hung = User.objects.get(username="ca.kyson2")
    assert hung.get_full_name() == "Lương Văn Hùng"
    post = Post.objects.get(user=hung)
    assert (post.role, post.district, post.title) == (
        "district_police",
        people.ky_son,
        "Phó Trưởng Công an huyện",
    )
    from assessments import permissions

    assert permissions.has_unit_perm(hung, "appraise_district_dossiers", people.ky_son)
    again = run(path, "--on", "2024-12-31")
    assert (
        "officials: 0 created, 0 updated, 3 unchanged" in again
        and "posts: 0 created, 0 updated, 3 unchanged" in again
    )


def test_bad_lines_are_reported_by_number_and_nothing_is_written(people, tmp_path):
    path = tmp_path / "can_bo.csv"
    path.write_text(
        HEADER
        + GOOD
        + "ca.kyson2,Trùng Tên,x@example.vn,district_police,417,\n"  # line 5: the username again
        + "x,Hùng,not-an-email,chief,999,\n",  # line 6: four problems
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_officials", str(path), "--on", "2024-12-31", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue()
    assert "line 5: tên đăng nhập đã có ở dòng 2" in lines
    assert "line 6: tên đăng nhập phải có" in lines and "line 6: ghi đủ họ và tên" in lines
    assert (
        "line 6: “not-an-email” không phải là địa chỉ thư điện tử" in lines
        and "line 6: vai trò “chief”" in lines
    )
    assert "line 2:" not in lines  # the good lines are not reported
    assert not User.objects.filter(username__in=["ca.kyson2", "ct.kyson2", "xa.myly2"]).exists()


def test_the_admin_creates_an_official_in_one_step(client, people):
    client.force_login(people.admin)
    url = reverse("admin:accounts_user_add")
    form = client.get(url).content.decode()
    assert 'name="full_name"' in form and 'name="role"' in form and 'name="first_name"' not in form
    data = {
        "username": "vanthu.kyson2",
        "full_name": "Hà Thị Thư",
        "email": "thu@example.vn",
        "usable_password": "false",
        "role": "provincial_clerk",
        "unit_code": people.province.code,
        "title": "Văn thư",
    }
    bad = client.post(url, {**data, "unit_code": "999"})
    assert bad.status_code == 200 and 'value="Hà Thị Thư"' in bad.content.decode()
    assert "mã “999” tồn tại vào ngày" in bad.content.decode()
    assert not User.objects.filter(username="vanthu.kyson2").exists()
    assert client.post(url, data).status_code == 302
    user = User.objects.get(username="vanthu.kyson2")
    assert user.full_name == "Hà Thị Thư" and Post.objects.get(user=user).province == people.province
