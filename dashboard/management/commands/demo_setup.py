import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.models import Commune, District, Province, Role
from communes.services import post_create

DEMO_PASSWORD = "demo-nghean-2022"
OLD, NEW = datetime.date(2024, 6, 1), datetime.date(2026, 1, 1)
# One account per role, for both procedures. The district procedure (to 2024): the first border district
# (Kỳ Sơn, 417) and its commune Mỹ Lý (16816) as they were before 1 July 2025. The procedure in force:
# the new Xã Mỹ Lý (also 16816: a code names a unit only with a day) and the province. Provincial
# accounts take the province from the data (code None); the Ministry's viewer has no unit.
DEMO_ACCOUNTS = [
    ("xa.mylyky", "Lô Văn Xã", Role.COMMUNE_OFFICER, Commune, "16816", OLD, "Trưởng Công an xã Mỹ Lý"),
    (
        "congan.kyson",
        "Vi Văn Công",
        Role.DISTRICT_POLICE,
        District,
        "417",
        OLD,
        "Cán bộ Công an huyện Kỳ Sơn",
    ),
    ("chutich.kyson", "Lữ Văn Chủ", Role.DISTRICT_CHAIR, District, "417", OLD, "Chủ tịch UBND huyện Kỳ Sơn"),
    ("vanthu.kyson", "Hà Thị Văn", Role.DISTRICT_CLERK, District, "417", OLD, "Văn thư UBND huyện Kỳ Sơn"),
    ("congan.myly", "Moong Văn An", Role.COMMUNE_POLICE, Commune, "16816", NEW, "Trưởng Công an xã Mỹ Lý"),
    ("chutich.myly", "Lầu Bá Chủ", Role.COMMUNE_CHAIR, Commune, "16816", NEW, "Chủ tịch UBND xã Mỹ Lý"),
    (
        "congan.tinh",
        "Nguyễn Văn Tỉnh",
        Role.PROVINCIAL_POLICE,
        Province,
        None,
        NEW,
        "Phòng PC04, Công an tỉnh",
    ),
    ("hoidong.uyvien", "Phạm Văn Hội", Role.COUNCIL_MEMBER, Province, None, NEW, "Phó Giám đốc Sở Y tế"),
    ("hoidong.thuky", "Hồ Thị Thư", Role.COUNCIL_SECRETARY, Province, None, NEW, "Phòng PC04, Công an tỉnh"),
    ("chutich.tinh", "Lê Văn Trưởng", Role.PROVINCIAL_CHAIR, Province, None, NEW, "Chủ tịch UBND tỉnh"),
    (
        "phochutich.tinh",
        "Đặng Văn Phó",
        Role.PROVINCIAL_VICE_CHAIR,
        Province,
        None,
        NEW,
        "Phó Chủ tịch UBND tỉnh",
    ),
    ("vanthu.tinh", "Cao Thị Sổ", Role.PROVINCIAL_CLERK, Province, None, NEW, "Văn thư UBND tỉnh"),
    ("vanthu.congan", "Lò Văn Thư", Role.POLICE_CLERK, Province, None, NEW, "Văn thư Công an tỉnh"),
    ("bocongan", "Bùi Văn Bộ", Role.MINISTRY_VIEWER, None, None, NEW, "Cục C04, Bộ Công an"),
    ("theodoi.tinh", "Trần Thị Theo", Role.PROVINCIAL_VIEWER, Province, None, NEW, "Sở Y tế"),
    ("quantri", "Quản Trị Viên", Role.ADMIN, Province, None, NEW, "Quản trị hệ thống"),
]
# The 2026 cycle of the demo: five communes after the reform with their counts (Decision 28, Article 4
# classifies them: none, III, II, I and II).
DEMO_COUNTS = {
    "16816": dict(
        population=5200,
        users_with_records=0,
        users_substitution=0,
        users_community_rehab=0,
        users_post_rehab=0,
        resident_violators=0,
        wanted_fugitives=0,
        harbouring_places=0,
        offenders_arrested=0,
        drug_plants=0,
        drug_plant_area=0,
        on_key_route=False,
    ),
    "16819": dict(
        population=8000,
        users_with_records=4,
        users_substitution=3,
        users_community_rehab=1,
        users_post_rehab=0,
        resident_violators=0,
        wanted_fugitives=0,
        harbouring_places=0,
        offenders_arrested=0,
        drug_plants=0,
        drug_plant_area=0,
        on_key_route=False,
    ),
    "16822": dict(
        population=5000,
        users_with_records=10,
        users_substitution=2,
        users_community_rehab=1,
        users_post_rehab=1,
        resident_violators=3,
        wanted_fugitives=0,
        harbouring_places=2,
        offenders_arrested=3,
        drug_plants=0,
        drug_plant_area=0,
        on_key_route=False,
    ),
    "16834": dict(
        population=10000,
        users_with_records=60,
        users_substitution=10,
        users_community_rehab=5,
        users_post_rehab=5,
        resident_violators=12,
        wanted_fugitives=1,
        harbouring_places=3,
        offenders_arrested=12,
        drug_plants=0,
        drug_plant_area=0,
        on_key_route=True,
    ),
    "16828": dict(
        population=6000,
        users_with_records=12,
        users_substitution=12,
        users_community_rehab=0,
        users_post_rehab=0,
        resident_violators=0,
        wanted_fugitives=0,
        harbouring_places=0,
        offenders_arrested=0,
        drug_plants=600,
        drug_plant_area=0,
        on_key_route=True,
    ),
}


class Command(BaseCommand):
    help = "Create one demo account per role (DEBUG only; never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created with DEBUG=1 (never in production).")
        # The eager Celery tasks (the PDFs) log each run; the list printed at the end stays readable.
        for name in ("celery", "kombu", "recognition", "assessments", "outbox"):
            logging.getLogger(name).setLevel(logging.ERROR)
        with transaction.atomic():
            accounts = self._accounts(options["password"])
            self._record_district_past()
            self._open_demo_cycle()
            self._prepare_demo_council()
        self._print(accounts, options["password"])

    def _accounts(self, password: str) -> list:
        User = get_user_model()
        accounts = []
        for username, full_name, role, model, code, day, title in DEMO_ACCOUNTS:
            try:
                if model is None:
                    unit = None
                elif code:
                    unit = model.objects.valid_on(day).get(code=code)
                else:
                    unit = District.objects.get(code="417").province
            except (Commune.DoesNotExist, District.DoesNotExist) as exc:
                raise CommandError(
                    f"Unit {code} is missing: run 'manage.py loaddata border_communes' first."
                ) from exc
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if created:
                user.set_password(password)
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            if not user.posts.active().filter(role=role).exists():
                post_create(user=user, role=role, unit=unit, title=title)
            accounts.append((user, role, unit))
        return accounts

    def _print(self, accounts: list, password: str) -> None:
        """Each account, its unit, and what waits for it and where (in the application's language)."""
        from django.utils import translation

        from dashboard.demo import waiting_for

        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write("")
            self.stdout.write(f"  Tài khoản thử (mật khẩu: {password}):")
            for user, role, unit in accounts:
                self.stdout.write(f"  {user.username:<16} {role.label} — {unit or 'Bộ Công an'}")
                for line in waiting_for(user):
                    self.stdout.write(f"      {line}")

    def _record_district_past(self):
        """The district procedure's history, as a province that adopts the application enters it: the
        provincial clerk records Kỳ Sơn's chair's decisions of 2023 and 2024 on its border communes (one
        not recognised in 2024), signed on paper before the district ceased on 30 June 2025. From that day
        the district accounts only read (F17): nothing waits for them."""
        from assessments.selectors import criteria_set_for
        from recognition.models import RecordedOutcome
        from records.services import OutcomeLine, PastDecision, already_recorded, past_decision_record

        if criteria_set_for(year=2024) is None:
            self.stdout.write(
                "  (chưa có bộ tiêu chí năm 2023–2024: chạy 'manage.py loaddata criteria_nghean_2022')"
            )
            return
        clerk = get_user_model().objects.get(username="vanthu.tinh")
        ky_son = District.objects.get(code="417")
        border = list(Commune.objects.valid_on(OLD).filter(district=ky_son, is_border=True).order_by("code"))
        for year, number, day in (
            (2023, 198, datetime.date(2023, 12, 18)),
            (2024, 215, datetime.date(2024, 12, 20)),
        ):
            lines = tuple(
                OutcomeLine(
                    commune=commune,
                    year=year,
                    outcome=RecordedOutcome.Outcome.NOT_RECOGNISED
                    if year == 2024 and commune.code == "16822"
                    else RecordedOutcome.Outcome.RECOGNISED,
                    reasons="Còn 02 đối tượng mua bán trái phép chất ma túy chưa xử lý"
                    if year == 2024 and commune.code == "16822"
                    else "",
                )
                for commune in border
            )
            decision = PastDecision(
                unit=ky_son,
                number=number,
                decided_on=day,
                signer_name="Lữ Văn Chủ",
                signer_title="Chủ tịch UBND huyện Kỳ Sơn",
                lines=lines,
            )
            if already_recorded(decision) is None:
                past_decision_record(actor=clerk, decision=decision, source="demo")

    def _open_demo_cycle(self):
        """The 2026 cycle (Decision 28): five new communes assigned, their counts filled in."""
        from assessments.models import EvaluationCycle
        from assessments.selectors import criteria_set_for
        from assessments.services import cycle_open, self_assessment_save

        criteria_set = criteria_set_for(year=2026)
        if criteria_set is None or not criteria_set.classification_rules:
            self.stdout.write(
                "  (chưa có bộ tiêu chí Quyết định 28: chạy 'manage.py loaddata criteria_qd28_2025')"
            )
            return
        province = District.objects.get(code="417").province
        communes = list(Commune.objects.valid_on(NEW).filter(province=province, code__in=DEMO_COUNTS))
        if EvaluationCycle.objects.filter(province=province, year=2026).exists() or not communes:
            return
        admin = get_user_model().objects.get(username="quantri")
        cycle = cycle_open(
            province=province,
            year=2026,
            actor=admin,
            target_percent=30,
            reports_due=datetime.date(2026, 12, 5),
            ministry_report_due=datetime.date(2026, 12, 19),
            plan_reference="Kế hoạch số 107/KH-UBND ngày 12/02/2026 của UBND tỉnh",
            assigned=communes,
        )
        self.stdout.write("")
        self.stdout.write(f"  Đợt xét năm 2026: giao {len(communes)} xã; số liệu và phân loại theo Điều 4:")
        for dossier in cycle.dossiers.select_related("commune"):
            saved = self_assessment_save(
                dossier=dossier, actor=admin, answers={}, counts=DEMO_COUNTS[dossier.commune.code]
            )
            counts = saved.situation()
            self.stdout.write(
                f"    {dossier.commune.name:<18} dân số {counts.population:>6}, có hồ sơ quản lý "
                f"{counts.users_with_records:>3} (không được trừ {counts.users_not_exempt}), tụ điểm "
                f"{counts.harbouring_places}, bắt giữ {counts.offenders_arrested}, cây {counts.drug_plants}, "
                f"tuyến trọng điểm {'có' if counts.on_key_route else 'không'}: "
                f"{counts.classification_display}"
            )

    def _prepare_demo_council(self):
        """The procedure in force has work at each step: Mỹ Lý stays a draft for its commune police and
        chair; Na Loi is sent and waits for the provincial police; Bắc Lý and Huồi Tụ were recommended by
        the council's first session, and the vice-chairman's decision on Bắc Lý waits for the clerk's
        number while Huồi Tụ waits for the chairman; Keng Đu, appraised, is on the next session, for the
        council's members and secretary."""
        from assessments import services
        from assessments.models import Dossier
        from council.models import ReviewCouncil
        from council.services import council_set_up, session_close, session_record, session_schedule
        from recognition.services import collective_decision_record

        User = get_user_model()
        province = District.objects.get(code="417").province
        if ReviewCouncil.objects.filter(province=province, year=2026).exists():
            return
        police = User.objects.get(username="congan.tinh")
        admin = User.objects.get(username="quantri")  # for the communes without a demo account
        dossiers = {
            d.commune.code: d
            for d in Dossier.objects.filter(year=2026, commune__code__in=DEMO_COUNTS).select_related(
                "commune"
            )
        }
        if set(dossiers) != set(DEMO_COUNTS):
            return
        inspected = datetime.date(2026, 11, 10)
        appraised = {}
        for code in ("16819", "16828", "16822", "16834"):  # Bắc Lý, Huồi Tụ, Keng Đu; Na Loi only sent
            dossier = services.dossier_submit(dossier=_with_evidence(dossiers[code], admin), actor=admin)
            if code == "16834":
                continue
            dossier = services.dossier_start_appraisal(dossier=dossier, actor=police)
            services.appraisal_save(
                dossier=dossier,
                actor=police,
                counts_checked_on=inspected,
                **_appraisal(dossier, inspected, "provincial_police"),
            )
            appraised[code] = services.dossier_complete_appraisal(
                dossier=Dossier.objects.get(pk=dossier.pk), actor=police
            )
        seats = [
            ("phochutich.tinh", "chair", "Phó Chủ tịch UBND tỉnh"),
            ("congan.tinh", "vice_chair", "Giám đốc Công an tỉnh"),
            ("hoidong.uyvien", "member", "Phó Giám đốc Sở Y tế"),
            ("hoidong.thuky", "secretary", "Phòng PC04, Công an tỉnh"),
        ]
        council = council_set_up(
            province=province,
            year=2026,
            seats=[
                {"user": User.objects.get(username=u), "seat": seat, "position": pos}
                for u, seat, pos in seats
            ],
            actor=police,
        )
        place = "Phòng họp số 1, Ủy ban nhân dân tỉnh"
        first = session_schedule(
            council=council,
            held_on=datetime.date(2026, 11, 20),
            starts_at=datetime.time(8, 0),
            place=place,
            dossiers=[appraised["16819"], appraised["16828"]],
            actor=police,
        )
        secretary = User.objects.get(username="hoidong.thuky")
        voters = [m for m in council.members.all() if m.seat != "secretary"]
        session_record(
            session=first,
            actor=secretary,
            present={m.pk for m in council.members.all()},
            votes={(item.pk, m.pk): "for" for item in first.items.all() for m in voters},
        )
        session_close(session=first, actor=secretary, ends_at=datetime.time(10, 30))
        collective_decision_record(
            province=province,
            year=2026,
            actor=User.objects.get(username="phochutich.tinh"),
            listed=[appraised["16819"].pk],
            decided_on=datetime.date(2026, 11, 25),
            signer_title="Phó Chủ tịch UBND tỉnh",
        )
        session_schedule(
            council=council,
            held_on=datetime.date(2026, 12, 10),
            starts_at=datetime.time(8, 0),
            place=place,
            dossiers=[appraised["16822"]],
            actor=police,
        )


def _with_evidence(dossier, actor):
    """The dossier with a report attached to each criterion that asks for evidence."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments import services
    from assessments.models import Dossier
    from recognition.documents import html_to_pdf

    report = html_to_pdf("<p>Báo cáo rà soát tình hình ma túy của xã (tài liệu minh họa).</p>")
    for criterion in dossier.applicable_criteria():
        if criterion.evidence_required:
            services.evidence_add(
                dossier=dossier,
                actor=actor,
                criterion=criterion,
                upload=SimpleUploadedFile("Báo cáo rà soát.pdf", report, content_type="application/pdf"),
            )
    return Dossier.objects.get(pk=dossier.pk)


def _appraisal(dossier, day: datetime.date, police_agency: str) -> dict:
    """The appraisal of a commune that meets every criterion: the meeting, a team with the Border Guard
    on the border (both procedures' criteria sets ask for it), the findings and the proposal."""
    team = [
        {
            "duty": "leader",
            "name": "Nguyễn Văn Tổ",
            "agency": police_agency,
            "position": "Phó Trưởng phòng PC04",
        },
        {
            "duty": "member",
            "name": "Lương Thị Hoa",
            "agency": "health",
            "position": "Phó Giám đốc Trung tâm Y tế",
        },
        {"duty": "secretary", "name": "Hồ Thị Thư", "agency": police_agency, "position": "Cán bộ PC04"},
        {"duty": "commune", "name": "Lầu Bá Chủ", "agency": "commune", "position": "Chủ tịch UBND xã"},
    ]
    if dossier.commune.is_border:
        team.append(
            {
                "duty": "member",
                "name": "Vi Văn Biên",
                "agency": "border_guard",
                "position": "Đồn trưởng Đồn Biên phòng",
            }
        )
    return {
        "inspection_date": day,
        "started_at": datetime.time(8, 0),
        "ended_at": datetime.time(11, 0),
        "place": "Hội trường Ủy ban nhân dân xã",
        "proposal_date": day,
        "members": team,
        "findings": {c.pk: ("met", "") for c in dossier.applicable_criteria()},
        "recommendation": "recognise",
        "conclusion": "Đạt các tiêu chí công nhận địa bàn không ma túy.",
    }
