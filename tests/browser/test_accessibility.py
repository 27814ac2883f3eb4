"""Accessibility and phones, in Debian's Chromium: axe-core (from the npm registry, injected with
page.evaluate since the Content-Security-Policy refuses injected script tags) finds no violation of
WCAG 2.1 A/AA on the pages each role uses, at 1366x768 and at 390x844; at 390 px every visible table
value carries a visible label, no sticky element takes more than 10 % of the screen, and radio buttons,
checkboxes, the bell and links in tables are at least 44 px high. A screenshot
of each page at both sizes goes to test-artefacts/screenshots/a11y/, and the results per page to
test-artefacts/axe-results.json."""

import contextlib
import datetime
import json
from pathlib import Path

import pytest
import time_machine

from tests import workflow
from tests.factories import DossierFactory
from tests.world import DISTRICT_CLOCK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artefacts" / "screenshots" / "a11y"
RESULTS = ROOT / "test-artefacts" / "axe-results.json"
SIZES = {"1366x768": (1366, 768), "390x844": (390, 844)}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# At 390 px: each visible cell of a data table shows its label (::before from data-label, or a visible
# label inside); the sticky elements' heights.
PHONE_CHECKS = """() => {
  const unlabelled = [];
  for (const cell of document.querySelectorAll("table.data td, table.data tbody th, table.data tfoot th")) {
    const box = cell.getBoundingClientRect();
    if (!box.width || !box.height || !cell.textContent.trim()) continue;
    const before = getComputedStyle(cell, "::before").content;
    const hasBefore = before && before !== "none" && before !== '""';
    const inner = [...cell.querySelectorAll("label")].some(l => l.getBoundingClientRect().width > 1);
    if (!hasBefore && !inner) unlabelled.push(cell.textContent.trim().slice(0, 40));
  }
  // Tap targets: a radio button's or checkbox's label, the bell, links in tables: 44 px high at least.
  const small = [];
  const targets = [
    ...[...document.querySelectorAll("input[type=radio], input[type=checkbox]")].map(i => i.closest("label") || i),
    ...document.querySelectorAll(".bell, table.data a"),
  ];
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height && box.height < 43.5) small.push((el.textContent || el.outerHTML).trim().slice(0, 40) + " " + Math.round(box.height));
  }
  const sticky = [...document.querySelectorAll("body *")]
    .filter(el => ["sticky", "fixed"].includes(getComputedStyle(el).position))
    .map(el => el.getBoundingClientRect().height);
  // Nothing wider than the screen, and each action bar's primary button inside it.
  const sideways = document.documentElement.scrollWidth > window.innerWidth + 1;
  const cut = [...document.querySelectorAll(".sticky-actions .primary, .sticky-actions .danger")]
    .filter(b => { const r = b.getBoundingClientRect(); return r.width && (r.left < 0 || r.right > window.innerWidth + 1); })
    .map(b => b.textContent.trim());
  return {unlabelled, sticky, small, sideways, cut};
}"""


@pytest.fixture
def pages(province_people, django_capture_on_commit_callbacks):
    """One dossier in each state the pages need, and the pages each role uses: (name, user, path)."""
    from recognition.services import decision_record
    from tests.workflow import fill_counts, open_cycle

    p = province_people
    # The district procedure's dossiers while its bodies existed (F17), the 2026 cycle today.
    with (
        django_capture_on_commit_callbacks(execute=False),
        time_machine.travel(DISTRICT_CLOCK, tick=True),
    ):
        draft = workflow.fill(DossierFactory(commune=p.my_ly, year=2024), p.officer)
        under = workflow.bring_to(DossierFactory(commune=p.my_ly, year=2023), "under_appraisal", p)
        appraised = workflow.bring_to(DossierFactory(commune=p.my_ly, year=2022), "appraised", p)
        recognised = workflow.appraise(
            workflow.submit(DossierFactory(commune=p.my_ly, year=2021), p.officer),
            p.police,
            inspection_date=datetime.date(2021, 10, 1),
        )
        decision_record(
            dossier=recognised, actor=p.chair, outcome="recognised", decided_on=datetime.date(2021, 10, 8)
        )
    with django_capture_on_commit_callbacks(execute=False), time_machine.travel(PRESENT, tick=True):
        cycle = open_cycle(p, 2026, assigned=[p.new_my_ly])
        province_draft = fill_counts(cycle.dossiers.get(), p.commune_police)
    return [
        ("sign-in", None, "/accounts/login/"),
        ("forgotten-password", None, "/accounts/password/reset/"),
        ("password-link-unusable", None, "/accounts/password/reset/MQ/set-password/"),
        ("inbox-commune-officer", "officer", "/"),
        ("inbox-district-police", "police", "/"),
        ("inbox-district-chair", "chair", "/"),
        ("inbox-commune-police", "ca_myly", "/"),
        ("inbox-provincial-police", "pc04", "/"),
        ("inbox-provincial-chair", "ct_tinh", "/"),
        ("inbox-provincial-viewer", "viewer", "/"),
        ("self-assessment-district-set", "officer", f"/dossiers/{draft.pk}/self-assessment/"),
        ("self-assessment-decision-28", "ca_myly", f"/dossiers/{province_draft.pk}/self-assessment/"),
        ("appraisal", "police", f"/dossiers/{under.pk}/appraisal/"),
        ("decision", "chair", f"/dossiers/{appraised.pk}/decision/"),
        ("revoke", "chair", f"/dossiers/{recognised.pk}/revoke/"),
        ("dossier", "chair", f"/dossiers/{recognised.pk}/"),
        ("dashboard", "viewer", "/dashboard/?year=2024"),
        ("verify", None, f"/verify/{verification_code(recognised)}/"),
    ]


# Today, read when the module is imported (before any test travels).
PRESENT = datetime.datetime.now(datetime.UTC)
DISTRICT_USERS = {"officer", "police", "chair"}


def verification_code(dossier) -> str:
    from recognition.models import Document

    return Document.objects.filter(decision__dossier=dossier, kind="recognition").get().verification_code


def test_no_axe_violation_and_phones_read_every_value(live_server, browser, pages):
    axe = AXE.read_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    results, failures = {}, []
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        page = context.new_page()
        signed_in = None
        clock = contextlib.ExitStack()
        for name, user, path in pages:
            if user != signed_in:
                # The district procedure's officials act while their bodies exist (F17).
                clock.close()
                if user in DISTRICT_USERS:
                    clock.enter_context(time_machine.travel(DISTRICT_CLOCK, tick=True))
                context.clear_cookies()
                if user is not None:
                    page.goto(f"{live_server.url}/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", "pw-for-tests-2022")
                    page.click("button.primary")
                    page.wait_for_url(f"{live_server.url}/")
                signed_in = user
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            page.evaluate(axe)
            violations = page.evaluate(
                "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
                WCAG,
            )
            page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
            results[f"{name} @ {size}"] = violations
            if violations:
                failures.append((name, size, violations))
            if size == "390x844":
                phone = page.evaluate(PHONE_CHECKS)
                if phone["unlabelled"]:
                    failures.append((name, size, {"unlabelled table values": phone["unlabelled"][:10]}))
                if phone["small"]:
                    failures.append((name, size, {"tap targets under 44 px": phone["small"][:10]}))
                if phone["sideways"]:
                    failures.append((name, size, "the page scrolls sideways"))
                if phone["cut"]:
                    failures.append((name, size, {"primary buttons outside the screen": phone["cut"]}))
                too_tall = [h for h in phone["sticky"] if h > 0.10 * height]
                if too_tall:
                    failures.append((name, size, {"sticky heights over 10 %": too_tall}))
        clock.close()
        context.close()
    # The tool itself works: a page with an image without a text alternative is a violation.
    check = browser.new_page()
    check.set_content(
        "<html lang='vi'><head><title>x</title></head><body><main><img src='x.png'></main></body></html>"
    )
    check.evaluate(axe)
    found = check.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
    check.close()
    assert "image-alt" in found
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    assert len(results) == 2 * len(pages)
    assert failures == []


@pytest.mark.district_clock
def test_the_dashboard_and_the_dossier_print_on_a4_without_the_navigation(live_server, browser, pages):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "chair")
    page.fill("#id_password", "pw-for-tests-2022")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    counted = {}
    for name, path in (
        ("dashboard", "/dashboard/?year=2024"),
        ("dossier", dict((n, p) for n, _u, p in pages)["dossier"]),
    ):
        page.goto(f"{live_server.url}{path}")
        page.emulate_media(media="print")
        assert not page.is_visible("nav.main-nav") and not page.is_visible(".lang-switch")
        header = page.inner_text(".print-only")
        assert (
            "In lúc" in header and "Chủ tịch UBND huyện, Huyện Kỳ Sơn" in header
        )  # the date and the user's scope
        # Every table's header repeats on each printed page.
        groups = page.eval_on_selector_all(
            "table.data thead", "els => els.map(e => getComputedStyle(e).display)"
        )
        assert set(groups) <= {"table-header-group"}
        pdf = page.pdf(format="A4", print_background=True)
        counted[name] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        (ROOT / "test-artefacts" / f"print-{name}.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")
    context.close()
    (ROOT / "test-artefacts" / "print-pages.json").write_text(json.dumps(counted))
    assert counted["dashboard"] <= 4 and counted["dossier"] <= 3, counted
