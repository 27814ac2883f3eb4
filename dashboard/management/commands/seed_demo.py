"""Fill a database with realistic dossiers in every state, for benchmarks and demos.

    manage.py seed_demo --communes 460 --years 3          # the whole province, 2022-2024
    manage.py seed_demo --communes 5000 --years 5         # 460 real communes + synthetic ones

Dossiers come with answers, appraisals and findings, numbered decisions, revocations and their
history, written in bulk (the workflow itself is exercised by the tests, not here). Communes or
years that already have a dossier are left alone, so the command can be run again. No PDF is
rendered: seeded decisions have no documents.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessments import workflow
from assessments.models import (
    Answer,
    Appraisal,
    AppraisalMember,
    CriteriaSet,
    Criterion,
    Dossier,
    DossierEvent,
    Finding,
)
from assessments.tallies import tallies_rebuild
from communes.fragments import bump_everything
from communes.models import Commune, District, IssuingBody, RegisterNumber, Role
from communes.permissions import ROLE_PERMISSIONS
from communes.services import issuing_body_for, post_create
from communes.text import fold, search_key
from recognition.models import RecognitionDecision, Revocation

S = Dossier.State
# Final states and their weights: the last year is a campaign in progress, earlier years are decided.
CURRENT_YEAR_WEIGHTS = {
    None: 8,
    S.DRAFT: 10,
    S.RETURNED: 4,
    S.SUBMITTED: 9,
    S.UNDER_APPRAISAL: 9,
    S.APPRAISED: 8,
    S.RECOGNISED: 40,
    S.NOT_RECOGNISED: 8,
    S.REVOKED: 4,
}
PAST_YEAR_WEIGHTS = {None: 12, S.EXPIRED: 60, S.NOT_RECOGNISED: 18, S.REVOKED: 4, S.RECOGNISED: 6}
PATH = {  # the transitions that lead to each state
    S.DRAFT: [],
    S.SUBMITTED: [("submit", S.DRAFT, S.SUBMITTED)],
    S.RETURNED: [("submit", S.DRAFT, S.SUBMITTED), ("return_to_commune", S.SUBMITTED, S.RETURNED)],
    S.UNDER_APPRAISAL: [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("start_appraisal", S.SUBMITTED, S.UNDER_APPRAISAL),
    ],
}
PATH[S.APPRAISED] = PATH[S.UNDER_APPRAISAL] + [("complete_appraisal", S.UNDER_APPRAISAL, S.APPRAISED)]
PATH[S.RECOGNISED] = PATH[S.APPRAISED] + [("recognise", S.APPRAISED, S.RECOGNISED)]
PATH[S.NOT_RECOGNISED] = PATH[S.APPRAISED] + [("refuse", S.APPRAISED, S.NOT_RECOGNISED)]
PATH[S.REVOKED] = PATH[S.RECOGNISED] + [("revoke", S.RECOGNISED, S.REVOKED)]
PATH[S.EXPIRED] = PATH[S.RECOGNISED] + [("expire", S.RECOGNISED, S.EXPIRED)]
DECIDED = Dossier.DECIDED_STATES
# The states a district dossier reaches only through an appraisal (as the table says).
APPRAISED_OR_LATER = tuple(workflow.states_through(workflow.PROCEDURES["district"], S.APPRAISED))
REFUSED = workflow.target_of("refuse")
# The reason the seeded history gives a step that needs one.
SEEDED_REASONS = {"revoke": "Phát sinh vụ việc ma túy."}
BATCH = 2000


class Command(BaseCommand):
    help = "Seed realistic dossiers (every state) for N communes over Y years, for benchmarks and demos."

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=460)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--last-year", type=int, default=2024)
        parser.add_argument("--seed", type=int, default=2022)
        # The country (the procedure in force): synthetic provinces of --units units each, instead.
        parser.add_argument("--provinces", type=int, default=0)
        parser.add_argument("--units", type=int, default=100)

    def handle(self, *args, **options):
        if options["provinces"]:
            last = options["last_year"] if options["last_year"] != 2024 else 2026
            call_command(
                "seed_country",
                provinces=options["provinces"],
                units=options["units"],
                years=options["years"],
                last_year=last,
                seed=options["seed"],
                stdout=self.stdout,
            )
            return
        n, n_years, last_year = options["communes"], options["years"], options["last_year"]
        if n < 1 or n_years < 1:
            raise CommandError("--communes and --years must be at least 1")
        rng = random.Random(options["seed"])
        years = list(range(last_year - n_years + 1, last_year + 1))
        with transaction.atomic():
            communes = self._communes(n, years)
            criteria = self._criteria(years)
            people = self._people({c.district for c in communes})
            created = self._dossiers(communes, years, criteria, people, rng)
            bump_everything()  # bulk writes send no signals: cached pages are stale
            tallies_rebuild()  # nor do they move the tallies
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} dossiers seeded for {len(communes)} communes, {years[0]}-{years[-1]}"
            )
        )

    # --- units ------------------------------------------------------------------------------------

    def _communes(self, n: int, years: list[int]) -> list[Commune]:
        if Commune.objects.filter(code__lt="90000").count() < 460:
            call_command("loaddata", "border_communes", "nghean_units", verbosity=0)
        # Seeded years may lie outside the 2020-2024 list: those units are kept valid for them.
        real = list(
            Commune.objects.filter(code__lt="90000", district__isnull=False)
            .valid_on(datetime.date(2024, 6, 1))
            .select_related("district")
            .order_by("-is_border", "code")
        )
        if n <= len(real):
            return real[:n]
        province = real[0].district.province  # synthetic districts join the province of the real ones
        missing = n - len(real)
        districts = []
        for i in range((missing + 19) // 20):
            code = f"{500 + i}"
            name = f"Huyện Mô Phỏng {i + 1}"
            districts.append(
                District(
                    code=code,
                    name=name,
                    name_ascii=fold(name),
                    name_search=search_key(name),
                    kind="huyen",
                    province=province,
                )
            )
        District.objects.bulk_create(districts, ignore_conflicts=True)
        by_code = {d.code: d for d in District.objects.filter(code__in=[d.code for d in districts])}
        synthetic = []
        for i in range(missing):
            name = f"Xã Mô Phỏng {i + 1}"
            synthetic.append(
                Commune(
                    code=f"{90000 + i}",
                    name=name,
                    name_ascii=fold(name),
                    name_search=search_key(name),
                    kind="xa",
                    district=by_code[f"{500 + i // 20}"],
                    province=province,
                )
            )
        Commune.objects.bulk_create(synthetic, ignore_conflicts=True, batch_size=BATCH)
        extra = list(
            Commune.objects.filter(code__gte="90000").select_related("district").order_by("code")[:missing]
        )
        return real + extra

    def _criteria(self, years: list[int]) -> dict[int, CriteriaSet]:
        call_command("loaddata", "criteria_nghean_2022", verbosity=0)
        base = CriteriaSet.objects.get(code="nghean-2022", version=1)
        sets = {}
        for year in years:
            chosen = CriteriaSet.objects.for_year(year).filter(procedure=base.procedure).first()
            if chosen is None:  # a year no real set covers: a demo copy of the provincial draft
                chosen, created = CriteriaSet.objects.get_or_create(
                    code=f"demo-{year}",
                    version=1,
                    defaults={
                        **{
                            f: getattr(base, f)
                            for f in (
                                "title_vi",
                                "title_en",
                                "source_document",
                                "recognition_term",
                                "level",
                                "procedure",
                            )
                        },
                        "year_from": year,
                        "year_to": year,
                    },
                )
                if created:
                    Criterion.objects.bulk_create(
                        [
                            Criterion(
                                **{
                                    f.name: getattr(c, f.name)
                                    for f in Criterion._meta.concrete_fields
                                    if f.name not in ("id", "criteria_set")
                                },
                                criteria_set=chosen,
                            )
                            for c in base.criteria.all()
                        ]
                    )
            sets[year] = chosen
        return sets

    def _people(self, districts) -> dict:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        people = {}
        for district in districts:
            roles = {}
            for role, prefix, title in (
                (Role.DISTRICT_POLICE, "congan", "Cán bộ Công an"),
                (Role.DISTRICT_CHAIR, "chutich", "Chủ tịch UBND"),
            ):
                user, created = User.objects.get_or_create(
                    username=f"seed.{prefix}.{district.code}",
                    defaults={"full_name": f"{title} {district.short_name}", "is_active": True},
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                    post_create(user=user, role=role, unit=district, title=f"{title} {district.name}")
                roles[role] = user
            people[district.pk] = roles
        return people

    # --- dossiers ---------------------------------------------------------------------------------

    def _dossiers(self, communes, years, criteria_sets, people, rng) -> int:
        existing = set(
            Dossier.objects.filter(commune__in=communes, year__in=years).values_list("commune_id", "year")
        )
        criteria = {year: list(cs.criteria.all()) for year, cs in criteria_sets.items()}
        plan = []  # (commune, year, final state)
        previous_recognised = set()
        for year in years:
            weights = CURRENT_YEAR_WEIGHTS if year == years[-1] else PAST_YEAR_WEIGHTS
            states, w = list(weights), list(weights.values())
            recognised_now = set()
            for commune in communes:
                state = rng.choices(states, w)[0]
                if state in Dossier.RECOGNISED_STATES:
                    recognised_now.add(commune.pk)
                if state is not None and (commune.pk, year) not in existing:
                    plan.append((commune, year, state, commune.pk in previous_recognised))
            previous_recognised = recognised_now

        dossiers = []
        for commune, year, state, reevaluation in plan:
            changed = timezone.make_aware(datetime.datetime(year, rng.randint(3, 11), rng.randint(1, 28), 9))
            dossiers.append(
                Dossier(
                    commune=commune,
                    year=year,
                    criteria_set=criteria_sets[year],
                    state=state,
                    is_reevaluation=reevaluation,
                    state_changed_at=changed,
                )
            )
        Dossier.objects.bulk_create(dossiers, batch_size=BATCH)

        answers, appraisals, events = [], [], []
        for dossier in dossiers:
            applicable = [
                c for c in criteria[dossier.year] if c.applies(reevaluation=dossier.is_reevaluation)
            ]
            fails = dossier.state == REFUSED
            answered = (
                applicable if dossier.state != workflow.INITIAL_STATE else applicable[: len(applicable) // 2]
            )
            for i, criterion in enumerate(answered):
                answers.append(self._answer(dossier, criterion, fail=fails and i == 2))
            if dossier.state in (workflow.target_of("start_appraisal"), *APPRAISED_OR_LATER):
                appraisals.append(
                    Appraisal(
                        dossier=dossier,
                        inspection_date=dossier.state_changed_at.date() - datetime.timedelta(days=10),
                        recommendation=("not_recognise" if fails else "recognise")
                        if dossier.state in APPRAISED_OR_LATER
                        else "",
                        conclusion="Chưa đạt tiêu chí SX-03." if fails else "Đạt các tiêu chí.",
                        appraised_by=people[dossier.commune.district_id][Role.DISTRICT_POLICE],
                    )
                )
            at = dossier.state_changed_at - datetime.timedelta(days=5 * len(PATH[dossier.state]))
            for name, source, target in PATH[dossier.state]:
                at += datetime.timedelta(days=5)
                actor = None if workflow.is_system_step(name) else self._actor(name, dossier, people)
                events.append(
                    DossierEvent(
                        dossier=dossier,
                        actor=actor,
                        actor_name=actor.get_full_name() if actor else "",
                        at=at,
                        transition=name,
                        from_state=source,
                        to_state=target,
                        comment=SEEDED_REASONS.get(name, ""),
                        object_repr=f"{dossier.commune.name} — {dossier.year}",
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        Appraisal.objects.bulk_create(appraisals, batch_size=BATCH)
        DossierEvent.objects.bulk_create(events, batch_size=BATCH)

        members, findings = [], []
        for appraisal in appraisals:
            dossier = appraisal.dossier
            members.append(
                AppraisalMember(
                    appraisal=appraisal, name=appraisal.appraised_by.get_full_name(), agency="district_police"
                )
            )
            if dossier.commune.is_border:
                members.append(
                    AppraisalMember(
                        appraisal=appraisal, name="Đại diện Đồn Biên phòng", agency="border_guard"
                    )
                )
            if dossier.state in APPRAISED_OR_LATER:
                applicable = [
                    c for c in criteria[dossier.year] if c.applies(reevaluation=dossier.is_reevaluation)
                ]
                for i, criterion in enumerate(applicable):
                    failed = dossier.state == REFUSED and i == 2
                    findings.append(
                        Finding(
                            appraisal=appraisal,
                            criterion=criterion,
                            result="not_met" if failed else "met",
                            note="Còn người nghiện ngoài cộng đồng." if failed else "",
                        )
                    )
        AppraisalMember.objects.bulk_create(members, batch_size=BATCH)
        Finding.objects.bulk_create(findings, batch_size=BATCH)
        self._decisions([d for d in dossiers if d.state in DECIDED], people)
        return len(dossiers)

    def _answer(self, dossier, criterion, *, fail: bool) -> Answer:
        if criterion.measure == Criterion.Measure.BOOLEAN:
            return Answer(
                dossier=dossier, criterion=criterion, value_bool=not fail, explanation="Có văn bản."
            )
        target = criterion.target or Decimal(0)
        value = target + (3 if fail and criterion.comparator == "eq" else 0)
        if criterion.comparator == "gte":
            value = target + (-4 if fail else 2)
        return Answer(
            dossier=dossier,
            criterion=criterion,
            value_number=value,
            explanation="Theo báo cáo của Công an xã.",
        )

    def _actor(self, transition: str, dossier, people):
        """Who takes `transition` by the workflow table: the seeded holder of its permission (None for
        the commune's own steps, which the seed records without a user)."""
        permission = next(
            s.permission
            for state_rule in workflow.procedure_of(dossier).states.values()
            for s in state_rule.steps
            if s.transition == transition
        )
        for role, user in people[dossier.commune.district_id].items():
            if permission in ROLE_PERMISSIONS[role]:
                return user
        return None

    def _decisions(self, decided, people):
        counters = defaultdict(int)
        for row in (
            RegisterNumber.objects.filter(series="decision")
            .values("body__code", "year")
            .annotate(last=Max("number"))
        ):
            counters[(row["body__code"], row["year"])] = row["last"]
        taken = []
        decisions, revocations = [], []
        for dossier in sorted(decided, key=lambda d: (d.state_changed_at, d.pk)):
            district = dossier.commune.district
            chair = people[district.pk][Role.DISTRICT_CHAIR]
            decided_on = dossier.state_changed_at.date()
            if dossier.state in (workflow.target_of("revoke"), workflow.target_of("expire")):
                decided_on = datetime.date(dossier.year, 6, 30)
            counters[(district.code, decided_on.year)] += 1
            recognised = dossier.state != REFUSED
            decision = RecognitionDecision(
                dossier=dossier,
                outcome="recognised" if recognised else "not_recognised",
                decided_on=decided_on,
                year=decided_on.year,
                issuer_code=district.code,
                issuer_name=f"Ủy ban nhân dân {district.name}",
                number=counters[(district.code, decided_on.year)],
                symbol="QĐ-UBND",
                signer=chair,
                signer_name=chair.get_full_name(),
                signer_title="Chủ tịch UBND",
                reasons="" if recognised else "Còn người nghiện ngoài cộng đồng (SX-03).",
                valid_until=datetime.date(dossier.year, 12, 31) if recognised else None,
            )
            decisions.append(decision)
        RecognitionDecision.objects.bulk_create(decisions, batch_size=BATCH)
        for decision in decisions:
            if decision.dossier.state == workflow.target_of("revoke"):
                district = decision.dossier.commune.district
                revoked_on = datetime.date(decision.dossier.year, 9, 15)
                counters[(district.code, revoked_on.year)] += 1
                revocations.append(
                    Revocation(
                        decision=decision,
                        incident_date=revoked_on - datetime.timedelta(days=7),
                        incident_description="Phát hiện 01 đối tượng tàng trữ trái phép chất ma túy.",
                        reason="Phát sinh tội phạm ma túy trên địa bàn.",
                        decided_on=revoked_on,
                        year=revoked_on.year,
                        issuer_code=decision.issuer_code,
                        issuer_name=decision.issuer_name,
                        number=counters[(district.code, revoked_on.year)],
                        symbol=decision.symbol,
                        signer=decision.signer,
                        signer_name=decision.signer_name,
                        signer_title=decision.signer_title,
                    )
                )
        Revocation.objects.bulk_create(revocations, batch_size=BATCH)
        # The numbers go into each People's Committee's register: the next ones follow them.
        bodies = {}
        for record in [*decisions, *revocations]:
            district = (
                record.decision.dossier if isinstance(record, Revocation) else record.dossier
            ).commune.district
            if district.pk not in bodies:
                bodies[district.pk] = issuing_body_for(unit=district, kind=IssuingBody.Kind.PEOPLE_COMMITTEE)
            taken.append(
                RegisterNumber(
                    body=bodies[district.pk],
                    year=record.year,
                    series="decision",
                    number=record.number,
                    issued_on=record.decided_on,
                    label="demo",
                )
            )
        RegisterNumber.objects.bulk_create(taken, batch_size=BATCH)
