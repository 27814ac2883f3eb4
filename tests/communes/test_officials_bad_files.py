"""F6: import_officials stopped with a traceback on a NUL byte, a cell over 131,072 characters or a
folder given as the file, and it accepted names beginning as a spreadsheet formula. Every bad line is
now told by its number, and nothing is written when any line is bad."""

import errno
import io
import os

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from communes import importers
from tests.communes.test_officials import GOOD, HEADER


def failed_import(path) -> str:
    """What the command says on stderr; it must end in a CommandError, never a traceback."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_officials", str(path), "--on", "2024-12-31", stdout=io.StringIO(), stderr=err)
    return err.getvalue() + "\n" + str(failure.value)


def test_every_bad_line_is_told_by_its_number_and_nothing_is_written(people, tmp_path):
    path = tmp_path / "can_bo.csv"
    path.write_text(
        HEADER
        + GOOD  # lines 2-4
        + "nul.user,Lê Văn\x00 Nam,,commune_officer,16816,\n"  # line 5
        + "long.user,Lê Văn Dài,,commune_officer,16816,"
        + "x" * 131_073
        + "\n"  # line 6
        + 'eq.user,=HYPERLINK("http://x"),,commune_officer,16816,\n'  # line 7
        + "plus.user,+Lê Văn Cộng,,commune_officer,16816,\n"  # line 8
        + "at.user,Lê Văn Tâm,,commune_officer,16816,@SUM(A1)\n"  # line 9: the title
        + "minus.user,-Lê Văn Trừ,,commune_officer,16816,\n",  # line 10
        encoding="utf-8",
    )
    told = failed_import(path)
    assert "line 5: dòng có ký tự NUL" in told
    assert "line 6: có ô dài quá 131.072 ký tự" in told
    for line in (7, 8, 9, 10):
        assert f"line {line}: “" in told and "không được bắt đầu như một công thức bảng tính" in told
    assert "line 2:" not in told and "line 4:" not in told
    assert "7 error(s); nothing was written" in told  # line 7 is also not a full name
    assert not User.objects.filter(username__in=["ca.kyson2", "nul.user", "minus.user"]).exists()


def test_a_folder_is_one_clear_message(people, tmp_path):
    told = failed_import(tmp_path)
    assert "là một thư mục" in told and "Traceback" not in told


def test_an_unreadable_file_is_one_clear_message(people, tmp_path, monkeypatch):
    path = tmp_path / "can_bo.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")

    def denied(*args, **kwargs):  # the tests run as root, who reads a file whatever its mode
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(importers, "open", denied, raising=False)
    told = failed_import(path)
    assert "không đọc được tệp" in told and "Permission denied" in told
