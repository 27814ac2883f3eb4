import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, District


@pytest.fixture(autouse=True)
def _blank(blank_database):
    """These tests load the units themselves and count them: none of the reference world."""


SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
OFFICIAL_LIST = SHARED_DATA / "nghean_admin_units.csv"
PROVINCE = ["--province", "40", "--province-name", "Tỉnh Nghệ An"]
HEADER = "district_code,district_name,district_type,commune_code,commune_name,commune_type\n"


def run_import(path) -> str:
    out = io.StringIO()
    call_command("import_admin_units", str(path), *PROVINCE, stdout=out)
    return out.getvalue()


def run_import_expecting_errors(path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_admin_units", str(path), *PROVINCE, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


@pytest.mark.django_db
def test_official_list_creates_21_districts_and_460_communes():
    output = run_import(OFFICIAL_LIST)

    assert District.objects.count() == 21
    assert Commune.objects.count() == 460
    assert Commune.objects.filter(kind="xa").count() == 411
    assert Commune.objects.filter(kind="phuong").count() == 32
    assert Commune.objects.filter(kind="thi_tran").count() == 17
    assert "districts: 21 created, 0 updated, 0 unchanged" in output
    assert "communes: 460 created, 0 updated, 0 unchanged" in output


@pytest.mark.django_db
def test_second_run_of_the_same_file_changes_nothing_and_says_so():
    run_import(OFFICIAL_LIST)
    output = run_import(OFFICIAL_LIST)

    assert "districts: 0 created, 0 updated, 21 unchanged" in output
    assert "communes: 0 created, 0 updated, 460 unchanged" in output
    assert "Nothing changed" in output


@pytest.mark.django_db
def test_import_never_clears_a_border_flag():
    call_command("loaddata", "border_communes", verbosity=0)
    run_import(OFFICIAL_LIST)

    assert Commune.objects.filter(is_border=True, district__isnull=False).count() == 27
    assert Commune.objects.filter(is_border=True, district__isnull=True).count() == 21  # left alone
    assert District.objects.filter(is_border=True).count() == 6


@pytest.mark.django_db
def test_a_renamed_commune_is_updated(tmp_path):
    run_import(OFFICIAL_LIST)
    changed = tmp_path / "renamed.csv"
    changed.write_text(HEADER + "417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý Mới,Xã\n", encoding="utf-8")

    output = run_import(changed)

    assert "communes: 0 created, 1 updated, 0 unchanged" in output
    assert Commune.objects.get(code="16816", district__isnull=False).name == "Xã Mỹ Lý Mới"


BAD_FILES = {
    "missing column": (
        "district_code,district_name,district_type,commune_code,commune_name\n"
        "417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý\n",
        1,
        "commune_type",
    ),
    "malformed code": (
        HEADER + "417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý,Xã\n417,Huyện Kỳ Sơn,Huyện,1681X,Xã Bắc Lý,Xã\n",
        3,
        "1681X",
    ),
    "commune under two districts": (
        HEADER + "417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý,Xã\n"
        "415,Huyện Quế Phong,Huyện,16741,Xã Thông Thụ,Xã\n"
        "415,Huyện Quế Phong,Huyện,16816,Xã Mỹ Lý,Xã\n",
        4,
        "417",
    ),
    "duplicate code": (
        HEADER + "417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý,Xã\n417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý,Xã\n",
        3,
        "16816",
    ),
    "empty name": (
        HEADER + "417,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý,Xã\n417,Huyện Kỳ Sơn,Huyện,16819,,Xã\n",
        3,
        "",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_rejected_with_its_line_number_and_nothing_is_written(tmp_path, case):
    content, bad_line, detail = BAD_FILES[case]
    path = tmp_path / "units.csv"
    path.write_text(content, encoding="utf-8")

    errors = run_import_expecting_errors(path)

    assert f"line {bad_line}:" in errors
    assert detail in errors
    assert District.objects.count() == 0
    assert Commune.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_line_is_reported_not_only_the_first(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        HEADER + "41,Huyện Kỳ Sơn,Huyện,16816,Xã Mỹ Lý,Xã\n"
        "417,Huyện Kỳ Sơn,Huyện,16819,Xã Bắc Lý,Xã\n"
        "417,Huyện Kỳ Sơn,Huyện,16822,,Xã\n",
        encoding="utf-8",
    )
    errors = run_import_expecting_errors(path)
    assert "line 2:" in errors and "line 4:" in errors and "line 3:" not in errors


@pytest.mark.django_db
def test_an_error_after_a_good_import_leaves_the_database_as_it_was(tmp_path):
    run_import(OFFICIAL_LIST)
    path = tmp_path / "units.csv"
    path.write_text(
        HEADER + "417,Huyện Kỳ Sơn,Huyện,16816,Xã Đổi Tên,Xã\n417,Huyện Kỳ Sơn,Huyện,abc,X,Xã\n",
        encoding="utf-8",
    )
    run_import_expecting_errors(path)
    assert Commune.objects.get(code="16816", district__isnull=False).name == "Xã Mỹ Lý"
