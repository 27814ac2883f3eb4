"""Benchmark: render the recognition decisions of all 460 communes through 2 worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python bench/render_all.py [--communes 460] [--samples docs/samples]

Creates a throwaway database (nghean_bench_render), records one decision per commune through the
services (documents held back), starts one Celery worker on the "pdf" queue with 2 prefork processes,
sends every render task at once and waits. Prints the median and p95 render time per document, the
total wall time and the peak resident memory of a worker process. With --samples, writes page 1 of
each kind of document as PNG (pdftoppm). Not a test: figures go in the issue's closing note.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "nghean_bench_render"


def recreate_database(base_url: str) -> str:
    import psycopg2

    parsed = urlparse(base_url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=parsed.username or "postgres",
        host=parsed.hostname,
        port=parsed.port or 5432,
        password=parsed.password,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        cur.execute(f"CREATE DATABASE {BENCH_DB}")
    conn.close()
    # Persistent connections, as deployed (README): a worker process keeps its connection across tasks.
    return parsed._replace(path=f"/{BENCH_DB}", query="conn_max_age=60").geturl()


def worker_children(pid: int) -> list[int]:
    """The worker's processes, read from /proc (spawning `ps` five times a second took CPU from them)."""
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def communes_to_redo(recognised):
    """Two recognised dossiers put back to "appraised" for the extra samples (bench set-up only)."""
    from assessments.models import Dossier
    from recognition.models import Document, RecognitionDecision

    picked = list(recognised[:2])
    for dossier in picked:
        Document.objects.filter(dossier=dossier).delete()
        RecognitionDecision.objects.filter(dossier=dossier).delete()
        Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.APPRAISED)
    return picked


def bare_and_pipeline(document_ids: list[int]) -> float:
    """In this process, on the same documents: the pipeline (render_pdf: the context, the template, NFC,
    WeasyPrint with the process's FontConfiguration and parsed stylesheet, PDF/A-3b) against bare
    WeasyPrint on the same HTML with one shared FontConfiguration (without and with PDF/A-3b). Prints the
    medians and the ratio; returns the bare PDF/A-3b median (seconds)."""
    from weasyprint import HTML

    from recognition.documents import render
    from recognition.models import Document

    documents = list(Document.objects.filter(pk__in=document_ids))
    render.render_pdf(documents[0])  # warm: the process's fonts and stylesheet, the templates
    fonts, stylesheet, fetcher = render._renderer(render.typeface())
    timings: dict[str, list[float]] = {"pipeline": [], "bare": [], "bare pdf/a-3b": []}
    for i, document in enumerate(documents):
        html = render.render_html(document)
        runs = ["pipeline", "bare", "bare pdf/a-3b"]
        # Whoever renders a document's text first warms the caches for the others: the order turns.
        for name in runs[i % 3 :] + runs[: i % 3]:
            started = time.perf_counter()
            if name == "pipeline":
                render.render_pdf(document)
            else:
                HTML(string=html, base_url=render.FONT_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
                    stylesheets=[stylesheet],
                    font_config=fonts,
                    pdf_variant=None if name == "bare" else "pdf/a-3b",
                )
            timings[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(
        f"same HTML, {len(documents)} decisions, in one process (median): bare WeasyPrint "
        f"{medians['bare'] * 1000:.1f} ms, bare with pdf/a-3b {medians['bare pdf/a-3b'] * 1000:.1f} ms, "
        f"the application's pipeline {medians['pipeline'] * 1000:.1f} ms: "
        f"{medians['pipeline'] / medians['bare pdf/a-3b']:.2f} x bare pdf/a-3b (target: at most 1.15)"
    )
    return medians["bare pdf/a-3b"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=460)
    parser.add_argument("--samples", default="")
    args = parser.parse_args()

    database_url = recreate_database(os.environ["DATABASE_URL"])
    redis_url = os.environ["REDIS_URL"]
    media = tempfile.mkdtemp(prefix="nghean-bench-media-")
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": media,
            "SECRET_KEY": "bench",
            "DEBUG": "0",
            "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:8000"),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SETTINGS_MODULE": "nghean_dfc.settings",
        }
    )
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command

    redis.Redis.from_url(redis_url).flushdb()
    call_command("migrate", verbosity=0)
    call_command(
        "loaddata", "border_communes", "nghean_units", "criteria_nghean_2022", "legal_bases", verbosity=0
    )

    import datetime

    import time_machine
    from django.db import transaction

    from assessments.models import Appraisal, AppraisalMember, Dossier, Finding
    from communes.models import Commune, District, IssuingBody, Role
    from communes.services import issuing_body_for, post_create, register_next
    from recognition import services
    from recognition.models import Document
    from tests.factories import UserFactory

    # The district procedure's decisions are recorded while its bodies existed (before 1 July 2025: a
    # ceased body's posts grant nothing, F17), on the day they were taken; the workers render today.
    district_days = time_machine.travel(datetime.datetime(2024, 11, 5, 9, 0, tzinfo=datetime.UTC), tick=True)
    district_days.start()
    held = []
    from recognition.services import documents as document_services

    # Held back for the bench (the services call the module's own function after the commit).
    document_services.documents_enqueue = lambda document_ids: held.extend(document_ids)
    chairs = {}
    for district in District.objects.all():
        chairs[district.pk] = UserFactory(username=f"chair-{district.code}", full_name="Nguyễn Văn Chủ Tịch")
        post_create(user=chairs[district.pk], role=Role.DISTRICT_CHAIR, unit=district)
        # The bench measures rendering: the People's Committees let the application number.
        body = issuing_body_for(unit=district, kind=IssuingBody.Kind.PEOPLE_COMMITTEE)
        IssuingBody.objects.filter(pk=body.pk).update(numbering=IssuingBody.Numbering.APPLICATION)
    started = time.perf_counter()
    # The units of 2024 (the district procedure), decided in November 2024 as they were.
    communes = list(
        Commune.objects.valid_on(datetime.date(2024, 6, 1)).select_related("district")[: args.communes]
    )
    for i, commune in enumerate(communes):
        dossier = Dossier.objects.create(commune=commune, year=2024, criteria_set_id=1)
        police = issuing_body_for(unit=commune.district, kind=IssuingBody.Kind.POLICE)
        inspected = datetime.date(2024, 10, 1)
        with transaction.atomic():  # the minutes and the proposal take the police register's numbers
            minutes = register_next(body=police, series="minutes", issued_on=inspected)
            proposal = register_next(body=police, series="proposal", issued_on=datetime.date(2024, 10, 3))
        appraisal = Appraisal.objects.create(
            dossier=dossier,
            inspection_date=inspected,
            started_at=datetime.time(8, 0),
            ended_at=datetime.time(11, 15),
            place="Hội trường Ủy ban nhân dân xã",
            recommendation="recognise",
            conclusion="Đạt các tiêu chí",
            proposal_date=datetime.date(2024, 10, 3),
            proposal_number=proposal,
            proposal_symbol=police.symbol("proposal"),
            minutes_number=minutes,
            minutes_symbol=police.symbol("minutes"),
            police_body=police.name,
        )
        AppraisalMember.objects.bulk_create(
            [
                AppraisalMember(
                    appraisal=appraisal,
                    duty="leader",
                    name="Vi Văn Công",
                    agency="district_police",
                    position="Phó Trưởng Công an huyện",
                ),
                AppraisalMember(
                    appraisal=appraisal,
                    duty="member",
                    name="Lương Thị Hoa",
                    agency="health",
                    position="Phó Giám đốc Trung tâm Y tế huyện",
                ),
                AppraisalMember(
                    appraisal=appraisal,
                    duty="member",
                    name="Lô Văn Biên",
                    agency="border_guard",
                    position="Đồn trưởng Đồn Biên phòng",
                ),
                AppraisalMember(
                    appraisal=appraisal,
                    duty="secretary",
                    name="Hà Thị Thư",
                    agency="district_police",
                    position="Cán bộ Đội Cảnh sát điều tra tội phạm về ma túy",
                ),
                AppraisalMember(
                    appraisal=appraisal,
                    duty="commune",
                    name="Lầu Bá Chủ",
                    agency="commune",
                    position="Chủ tịch Ủy ban nhân dân xã",
                ),
                AppraisalMember(
                    appraisal=appraisal,
                    duty="commune",
                    name="Moong Văn An",
                    agency="commune",
                    position="Trưởng Công an xã",
                ),
            ]
        )
        Finding.objects.bulk_create(
            [Finding(appraisal=appraisal, criterion=c, result="met") for c in dossier.applicable_criteria()]
        )
        Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.APPRAISED)  # bench set-up only
        dossier.refresh_from_db()
        outcome = "recognised" if i % 5 else "not_recognised"
        services.decision_record(
            dossier=dossier,
            actor=chairs[commune.district_id],
            outcome=outcome,
            decided_on=datetime.date(2024, 11, 5),
            reasons="" if outcome == "recognised" else "Còn điểm bán lẻ ma túy.",
        )
    decisions = list(
        Document.objects.filter(kind__in=["recognition", "non_recognition"]).values_list("pk", flat=True)
    )
    print(
        f"set-up: {len(communes)} decisions recorded in {time.perf_counter() - started:.1f} s "
        f"({len(held)} documents held back)"
    )

    district_days.stop()
    log = open(Path(media) / "worker.log", "wb")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "nghean_dfc",
            "worker",
            "-Q",
            "pdf,pdf-bulk",
            "--pool=prefork",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(4)  # ready in about 3 s
        from recognition.tasks import render_document

        peak = {}
        t0 = time.perf_counter()
        for document_id in decisions:
            render_document.apply_async(args=[document_id])
        while True:
            for child in worker_children(worker.pid):
                peak[child] = max(peak.get(child, 0.0), rss_mb(child))
            left = Document.objects.filter(pk__in=decisions).exclude(status="ready").count()
            if left == 0 or time.perf_counter() - t0 > 600:
                break
            time.sleep(0.2)
        wall = time.perf_counter() - t0
        # Busy or waiting: the CPU the worker's processes used against the wall time of 2 processes.
        busy = {pid: cpu_seconds(pid) for pid in worker_children(worker.pid)}
        print(
            f"CPU of the worker's processes: {sum(busy.values()):.1f} s over {len(busy)} (of 2 x {wall:.1f} s wall);"
            f" its main process {cpu_seconds(worker.pid):.1f} s"
        )
    finally:
        worker.terminate()
        worker.wait(30)
    times = sorted(
        Document.objects.filter(pk__in=decisions, status="ready").values_list("render_seconds", flat=True)
    )
    failed = Document.objects.filter(pk__in=decisions, status="failed").count()
    print(f"decisions rendered: {len(times)} (failed {failed}) by 2 worker processes")
    print(
        f"median render time per decision: {statistics.median(times):.3f} s; "
        f"p95 {times[int(len(times) * 0.95) - 1]:.3f} s; max {times[-1]:.3f} s"
    )
    print(f"total wall time for all {len(decisions)}: {wall:.1f} s")
    print(
        "peak resident memory of a worker process: "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(peak.values(), reverse=True)[:4])
        + f" ({len(peak)} processes seen; recycled above {settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD} KiB;"
        " target: none above 150 MB)"
    )
    bare = bare_and_pipeline(decisions[:: max(1, len(decisions) // 25)])
    target_wall = 1.2 * len(decisions) * bare / 2
    print(
        f"wall time {wall:.1f} s against 1.2 x ({len(decisions)} x the bare median / 2) = {target_wall:.1f} s:"
        f" {wall / (len(decisions) * bare / 2):.2f} x (target: at most 1.20)"
    )

    if args.samples:
        from communes.models import Province

        # The samples' revocation and decisions are dated up to 20 November 2024, the summary in December.
        time_machine.travel(datetime.datetime(2024, 12, 20, 9, 0, tzinfo=datetime.UTC), tick=True).start()
        out = ROOT / args.samples
        out.mkdir(parents=True, exist_ok=True)
        recognised = Document.objects.filter(kind="recognition").first().decision
        services.decision_revoke(
            decision=recognised,
            actor=recognised.signer,
            incident_date=datetime.date(2024, 11, 8),
            incident_description="Bắt quả tang 01 đối tượng tàng trữ trái phép chất ma túy.",
            reason="Phát sinh tội phạm ma túy trên địa bàn.",
            decided_on=datetime.date(2024, 11, 15),
        )
        viewer = UserFactory(username="bench-pc04", full_name="Cán bộ PC04")
        post_create(user=viewer, role=Role.PROVINCIAL_POLICE, unit=Province.objects.get())
        services.summary_request(
            year=2024,
            province=Province.objects.get(),
            actor=viewer,
            issued_on=datetime.date(2024, 12, 10),
            signer_title="Phó Giám đốc Công an tỉnh",
        )
        # A vice-chair's decision and dispatch (KT. CHỦ TỊCH), and a decision waiting for the clerk's
        # number (DỰ THẢO), from the next commune of the list.
        extra = Dossier.objects.filter(state=Dossier.State.RECOGNISED).exclude(pk=recognised.dossier_id)
        first, second = [Dossier.objects.get(pk=d.pk) for d in communes_to_redo(extra)]
        vice = UserFactory(username="bench-vice", full_name="Trần Văn Phó")
        post_create(
            user=vice, role=Role.DISTRICT_CHAIR, unit=first.commune.district, title="Phó Chủ tịch UBND huyện"
        )
        services.decision_record(
            dossier=first,
            actor=vice,
            outcome="recognised",
            decided_on=datetime.date(2024, 11, 20),
            signer_title="Phó Chủ tịch UBND huyện",
        )
        IssuingBody.objects.filter(code=second.commune.district.code).update(
            numbering=IssuingBody.Numbering.CLERK
        )
        services.decision_record(
            dossier=second,
            actor=chairs[second.commune.district_id],
            outcome="recognised",
            decided_on=datetime.date(2024, 11, 20),
        )
        samples = {
            kind: Document.objects.filter(kind=kind, draft=False).first()
            for kind in (
                "recognition",
                "non_recognition",
                "notification",
                "appraisal_minutes",
                "revocation",
                "provincial_summary",
            )
        }
        samples["notification-vice-chair"] = Document.objects.get(kind="notification", decision__signer=vice)
        samples["recognition-draft"] = Document.objects.get(kind="recognition", draft=True)
        for kind, document in samples.items():
            if document is None:  # a kind this set-up does not produce
                print(f"no {kind} to sample")
                continue
            if document.status != "ready":
                document = services.document_render(document_id=document.pk)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    document.file.path,
                    str(out / kind),
                ],
                check=True,
            )
        print(f"page 1 of each document written to {out}/")


if __name__ == "__main__":
    main()
