"""The dependency direction: accounts <- outbox <- communes <- assessments <- recognition <- council <- dashboard. No app
imports (or loads the template tags of) an app above it, and no literal province in application code."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["accounts", "outbox", "communes", "assessments", "recognition", "council", "dashboard"]
TEMPLATE_TAGS = {"dossiers": "assessments", "recognition_tags": "recognition"}


def python_files(app: str):
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" not in path.parts:
            yield path


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_an_app_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    offenders = {str(p.relative_to(ROOT)): imported_apps(p) & above for p in python_files(app)}
    assert {p: apps for p, apps in offenders.items() if apps} == {}


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
