"""Benchmark: the chairman's decision recognising every unit of the province, with a 130-row annex.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/render_annex.py \
        [--repeat 5] [--sample docs/samples]

Creates a throwaway database (nghean_bench_annex), loads the 130 units of 1 July 2025, puts each one's
2026 dossier in "recommended" (bench set-up only: the council is tested elsewhere), records one decision
through the service and renders its PDF `--repeat` times the way the worker does (recognition.services.
document_render, WeasyPrint, PDF/A-3b). Prints the time to record the decision and the render times.
Not a test: the figures go in the issue's closing note.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    from render_all import recreate_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", default="")
    args = parser.parse_args()
    import render_all

    render_all.BENCH_DB = "nghean_bench_annex"
    os.environ.update(
        {
            "DATABASE_URL": recreate_database(os.environ["DATABASE_URL"]),
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="nghean-bench-annex-"),
            "SECRET_KEY": "bench",
            "DEBUG": "0",
            "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
            "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command(
        "loaddata", "border_communes", "nghean_units", "criteria_qd28_2025", "legal_bases", verbosity=0
    )
    from assessments.models import CriteriaSet, Dossier, SituationCounts
    from communes.models import Commune, IssuingBody, Province, Role
    from communes.services import issuing_body_for, post_create
    from recognition import services
    from recognition.models import Document
    from tests.factories import UserFactory

    province = Province.objects.get()
    chair = UserFactory(username="bench-chair", full_name="Lê Văn Trưởng")
    post_create(user=chair, role=Role.PROVINCIAL_CHAIR, unit=province)
    body = issuing_body_for(unit=province, kind=IssuingBody.Kind.PEOPLE_COMMITTEE)
    IssuingBody.objects.filter(pk=body.pk).update(numbering=IssuingBody.Numbering.APPLICATION)
    from assessments import workflow

    criteria_set = CriteriaSet.objects.get(procedure__in=workflow.procedures_with("recommend"))
    units = list(Commune.objects.valid_on(datetime.date(2026, 12, 31)).filter(province=province))
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(commune=u, year=2026, criteria_set=criteria_set, state=Dossier.State.RECOMMENDED)
            for u in units
        ]
    )
    SituationCounts.objects.bulk_create(
        [
            SituationCounts(dossier=d, population=5000, classification=["", "III", "II"][i % 3])
            for i, d in enumerate(dossiers)
        ]
    )
    services.documents_enqueue = lambda document_ids: 0  # rendered below, in this process
    started = time.perf_counter()
    collective = services.collective_decision_record(
        province=province,
        year=2026,
        actor=chair,
        listed=[d.pk for d in dossiers],
        decided_on=datetime.date(2026, 11, 24),
    )
    recorded = time.perf_counter() - started
    document = Document.objects.get(collective=collective)
    times = []
    for _ in range(args.repeat):
        Document.objects.filter(pk=document.pk).update(status=Document.Status.PENDING)
        t0 = time.perf_counter()
        rendered = services.document_render(document_id=document.pk)
        times.append(time.perf_counter() - t0)
    pages = subprocess.run(["pdfinfo", rendered.file.path], capture_output=True, text=True, check=True).stdout
    print(
        f"decision {collective.number_display} for {collective.decisions.count()} units recorded in {recorded:.2f} s"
    )
    print(
        f"render of the decision with its {len(units)}-row annex: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s over {len(times)} runs; "
        + next(line for line in pages.splitlines() if line.startswith("Pages:"))
    )
    if args.sample:
        out = ROOT / args.sample
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "2",
                "-l",
                "2",
                "-singlefile",
                rendered.file.path,
                str(out / "collective_decision-annex-130"),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
