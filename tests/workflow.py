"""Steps of the procedure, done through the services as officials would, for tests to build on."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from assessments.models import Criterion, Dossier
from tests.factories import PDF_BYTES


def meeting_value(criterion: Criterion):
    if criterion.measure == Criterion.Measure.BOOLEAN:
        return criterion.target != 0
    if criterion.comparator == "gte":
        return criterion.target
    return criterion.target if criterion.target is not None else Decimal(0)


def fill(dossier: Dossier, officer, *, with_evidence: bool = True) -> Dossier:
    answers = {c.pk: (meeting_value(c), "Đã rà soát") for c in dossier.applicable_criteria()}
    dossier = services.self_assessment_save(dossier=dossier, actor=officer, answers=answers)
    if with_evidence:
        for criterion in dossier.applicable_criteria():
            if criterion.evidence_required:
                services.evidence_add(
                    dossier=dossier,
                    actor=officer,
                    criterion=criterion,
                    upload=SimpleUploadedFile("Báo cáo.pdf", PDF_BYTES, content_type="application/pdf"),
                )
    return Dossier.objects.get(pk=dossier.pk)


def submit(dossier: Dossier, officer) -> Dossier:
    return services.dossier_submit(dossier=fill(dossier, officer), actor=officer)


BORDER_GUARD = {"duty": "member", "name": "Lầu Bá Chư", "agency": "border_guard", "position": "Đồn trưởng"}


def team(police_agency: str = "district_police", *, border: bool = False) -> list[dict]:
    """An inspection team as the minutes list it: a leader, a member, the secretary, the commune; on
    the border, a member of the Border Guard too."""
    return [
        {"duty": "leader", "name": "Vi Văn Công", "agency": police_agency, "position": "Phó Trưởng Công an"},
        {
            "duty": "member",
            "name": "Lương Thị Hoa",
            "agency": "health",
            "position": "Phó Giám đốc",
            "body": "Trung tâm Y tế huyện Kỳ Sơn",
        },
        {"duty": "secretary", "name": "Lô Văn Thư", "agency": police_agency, "position": "Cán bộ"},
        {"duty": "commune", "name": "Lô Văn Xã", "agency": "commune", "position": "Chủ tịch UBND xã"},
        *([BORDER_GUARD] if border else []),
    ]


def needs_border_guard(dossier: Dossier) -> bool:
    """Whether the dossier's criteria set asks a Border Guard member of its border commune's team."""
    return dossier.commune.is_border and dossier.criteria_set.appraisal_rule("border_guard_on_border")


def meeting(day: datetime.date) -> dict:
    """When and where the team met the commune, and the proposal dated the same day."""
    return {
        "inspection_date": day,
        "started_at": datetime.time(8, 0),
        "ended_at": datetime.time(11, 30),
        "place": "Hội trường Ủy ban nhân dân xã",
        "proposal_date": day,
    }


def appraisal_form(dossier: Dossier, day: str = "2024-10-01", police_agency: str = "district_police") -> dict:
    """The appraisal page's fields as a police officer fills them: meeting, team with duties, a
    finding "met" for every criterion, the recommendation and the proposal's date."""
    data = {
        "version": dossier.version,
        "inspection_date": day,
        "started_at": "08:00",
        "ended_at": "11:30",
        "place": "Hội trường Ủy ban nhân dân xã",
        "proposal_date": day,
        "recommendation": "recognise",
        "conclusion": "Đạt các tiêu chí.",
    }
    for i, member in enumerate(team(police_agency, border=needs_border_guard(dossier))):
        data.update({f"member_{i}_{key}": value for key, value in member.items()})
    for criterion in dossier.applicable_criteria():
        data[f"finding_{criterion.pk}"] = "met"
    return data


def appraise(
    dossier: Dossier,
    police,
    *,
    recommendation: str = "recognise",
    complete: bool = True,
    inspection_date: datetime.date = datetime.date(2024, 10, 1),
    members: list[dict] | None = None,
) -> Dossier:
    if dossier.state == Dossier.State.SUBMITTED:
        dossier = services.dossier_start_appraisal(dossier=dossier, actor=police)
    services.appraisal_save(
        dossier=dossier,
        actor=police,
        members=members if members is not None else team(border=needs_border_guard(dossier)),
        **meeting(inspection_date),
        findings={c.pk: ("met", "") for c in dossier.applicable_criteria()},
        recommendation=recommendation,
        conclusion="Đạt các tiêu chí.",
    )
    if complete:
        dossier = services.dossier_complete_appraisal(
            dossier=Dossier.objects.get(pk=dossier.pk), actor=police
        )
    return Dossier.objects.get(pk=dossier.pk)


def bring_to(dossier: Dossier, state: str, people) -> Dossier:
    """Move a draft dossier to `state` through the real transitions."""
    from recognition.services import decision_record

    if state == Dossier.State.DRAFT:
        return dossier
    if state == Dossier.State.RETURNED:
        dossier = submit(dossier, people.officer)
        return services.dossier_return_to_commune(
            dossier=dossier, actor=people.police, reason="Thiếu minh chứng"
        )
    dossier = submit(dossier, people.officer)
    if state == Dossier.State.SUBMITTED:
        return dossier
    if state == Dossier.State.UNDER_APPRAISAL:
        return services.dossier_start_appraisal(dossier=dossier, actor=people.police)
    dossier = appraise(dossier, people.police)
    if state == Dossier.State.APPRAISED:
        return dossier
    outcome = "recognised" if state == Dossier.State.RECOGNISED else "not_recognised"
    decision_record(
        decided_on=datetime.date(2024, 12, 2),
        dossier=dossier,
        actor=people.chair,
        outcome=outcome,
        reasons="Lý do",
    )
    return Dossier.objects.get(pk=dossier.pk)


# --- the procedure in force (Decision 28) ------------------------------------------------------------

# The counts of a commune that meets KMT-1..3: two users with management records, both exempt.
CLEAN = dict(
    population=5200,
    users_with_records=2,
    users_substitution=1,
    users_community_rehab=1,
    users_post_rehab=0,
    resident_violators=0,
    wanted_fugitives=0,
    harbouring_places=0,
    offenders_arrested=0,
    drug_plants=0,
    drug_plant_area=Decimal(0),
    on_key_route=False,
    attested_by="Thiếu tá Moong Văn An",
)


def fill_counts(dossier, police, counts=CLEAN):
    """The commune police fill the counts, one line per criterion, and one file per criterion."""
    dossier = services.self_assessment_save(
        dossier=dossier,
        actor=police,
        answers={c.pk: (None, "Theo số liệu rà soát") for c in dossier.applicable_criteria()},
        counts=counts,
    )
    for criterion in dossier.applicable_criteria():
        services.evidence_add(
            dossier=dossier,
            actor=police,
            criterion=criterion,
            upload=SimpleUploadedFile("Báo cáo rà soát.pdf", PDF_BYTES, content_type="application/pdf"),
        )
    return Dossier.objects.get(pk=dossier.pk)


def open_cycle(people, year: int, *, actor=None, target_percent=30, **kwargs):
    """The provincial police open `year`'s cycle: commune reports due 5 December, the report to the
    Ministry 19 December (pass `assigned=[...]`, `today=...` and the rest as the service takes them)."""
    return services.cycle_open(
        province=people.province,
        year=year,
        actor=actor or people.provincial_police,
        target_percent=Decimal(target_percent),
        reports_due=datetime.date(year, 12, 5),
        ministry_report_due=datetime.date(year, 12, 19),
        **kwargs,
    )


def province_appraised(people, communes, *, year: int = 2026, inspected=datetime.date(2026, 10, 5)):
    """The year's cycle opened on `communes` [(commune, its police, its chair)] of the procedure in
    force, each dossier filled by its commune police, sent by its chair, appraised by the province."""
    cycle = open_cycle(people, year, assigned=[commune for commune, _, _ in communes])
    appraised = []
    for commune, police, chair in communes:
        dossier = fill_counts(cycle.dossiers.get(commune=commune), police)
        dossier = services.dossier_submit(dossier=dossier, actor=chair)
        dossier = services.dossier_start_appraisal(dossier=dossier, actor=people.provincial_police)
        services.appraisal_save(
            dossier=dossier,
            actor=people.provincial_police,
            counts_checked_on=inspected,
            members=team("provincial_police", border=needs_border_guard(dossier)),
            **meeting(inspected),
            findings={c.pk: ("met", "") for c in dossier.applicable_criteria()},
            recommendation="recognise",
            conclusion="Đạt ba tiêu chí của Điều 6.",
        )
        appraised.append(
            services.dossier_complete_appraisal(
                dossier=Dossier.objects.get(pk=dossier.pk), actor=people.provincial_police
            )
        )
    return appraised
