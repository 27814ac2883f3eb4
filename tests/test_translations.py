"""The Vietnamese catalogue is complete and up to date with the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_vietnamese_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (xgettext)")
def test_catalogue_holds_every_string_the_code_marks_for_translation(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "staticfiles", "node_modules", "test-artefacts", "__pycache__", "*.mo"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0"],
        cwd=copy,
        check=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE))}
    assert sorted(fresh - committed) == []


def test_the_application_refuses_to_start_without_the_compiled_vietnamese_catalogue(settings, tmp_path):
    from communes.checks import vietnamese_catalogue_compiled

    assert vietnamese_catalogue_compiled(None) == []
    settings.LOCALE_PATHS = [str(tmp_path)]  # a deployment that skipped compilemessages
    errors = vietnamese_catalogue_compiled(None)
    assert [e.id for e in errors] == ["nghean_dfc.E001"]
