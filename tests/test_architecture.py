"""The dependency direction: accounts <- outbox <- communes <- assessments <- recognition <- council <- dashboard. No app
imports (or loads the template tags of) an app above it, and no literal province in application code."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "accounts",
    "outbox",
    "communes",
    "assessments",
    "recognition",
    "council",
    "esign",
    "records",
    "dashboard",
]
TEMPLATE_TAGS = {"dossiers": "assessments", "recognition_tags": "recognition"}


def python_files(app: str):
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" not in path.parts:
            yield path


def import_contracts() -> str:
    """The import-linter contracts of pyproject.toml, as written there."""
    text = (ROOT / "pyproject.toml").read_text()
    start = text.index("[tool.importlinter]")
    end = text.find("\n[tool.", start + 1)
    while end != -1 and text[end + 1 :].startswith("[tool.importlinter"):
        end = text.find("\n[tool.", end + 1)
    return text[start:] if end == -1 else text[start:end]


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    import shutil
    import sys

    binary = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return subprocess.run(
        [binary, str(config), "--no-cache"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_linter_keeps_the_layers_on_the_tree():
    """The apps import one way (import-linter's layers contract, also run by .ci/run's lint phase)."""
    contracts = import_contracts()
    assert (
        '"dashboard", "records", "esign", "council", "recognition", "assessments", "communes", "outbox", "accounts"'
        in contracts
    )
    done = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_import_linter_refuses_an_import_that_goes_upward(tmp_path):
    """Its self-test: the same contracts on a sample tree where accounts imports the dashboard."""
    for app in (
        "accounts",
        "outbox",
        "communes",
        "assessments",
        "recognition",
        "council",
        "esign",
        "records",
        "dashboard",
    ):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    for package in ("documents", "views", "services"):
        (tmp_path / "recognition" / package).mkdir()
        (tmp_path / "recognition" / package / "__init__.py").write_text("")
    (tmp_path / "recognition" / "reports.py").write_text("")
    (tmp_path / "dashboard" / "selectors.py").write_text("")
    (tmp_path / "accounts" / "audit.py").write_text("from dashboard import selectors  # upward\n")
    config = tmp_path / "pyproject.toml"
    config.write_text(import_contracts())
    done = lint_imports(config, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BROKEN" in done.stdout and "accounts.audit -> dashboard" in done.stdout.replace("\n", " ")


@pytest.mark.parametrize("app", LAYERS)
def test_no_template_of_an_app_loads_the_tags_of_an_app_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    offenders = []
    for path in (ROOT / "templates" / app).rglob("*.html"):
        for library in re.findall(r"{% load ([^%]+)%}", path.read_text()):
            for name in library.split():
                if TEMPLATE_TAGS.get(name) in above:
                    offenders.append((str(path.relative_to(ROOT)), name))
    assert offenders == []


def test_no_literal_province_in_application_code():
    offenders = []
    for app in LAYERS:
        for path in python_files(app):
            text = path.read_text()
            if re.search(r"""code\s*=\s*["']40["']|["']Nghệ An["']|PROVINCE_CODE""", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_confirmed_act_goes_through_the_one_routine():
    """The confirmation routine (form, refusals, confirmation, act, redirect) is written once,
    assessments.pages.confirmed_act: no page calls the confirmation page itself."""
    calls = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if path not in (ROOT / "communes" / "confirm.py", ROOT / "assessments" / "pages.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "confirmation_page(" in line
    ]
    assert calls == []


def test_no_view_names_a_permission_codename():
    """Who may act is a named predicate of a permissions.py (follows_province, can_retry_documents...):
    no view checks a codename written as a string."""
    import ast

    from communes.permissions import ROLE_PERMISSIONS

    codenames = {codename for codenames in ROLE_PERMISSIONS.values() for codename in codenames}
    found = []
    for app in LAYERS:
        for path in (ROOT / app).rglob("views*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and node.value in codenames:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert found == []
