"""Reads on dossiers that several views (and later the dashboards) use: scope, inbox, page data."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province
from communes.permissions import communes_visible_to, units_with_perm

from .models import Answer, Appraisal, CriteriaSet, Criterion, Dossier, DossierEvent, Evidence, Finding


def dossiers_visible_to(*, user) -> QuerySet[Dossier]:
    """Every dossier of a commune in the user's scope (one query, no per-row permission check)."""
    return Dossier.objects.filter(commune__in=communes_visible_to(user).values("pk"))


def _awaiting_filter(user) -> Q:
    """Dossiers on which the user holds the permission for the next step."""

    def units(codename, model):
        return units_with_perm(user, codename, model).values("pk")

    return (
        Q(commune__in=units("prepare_commune_dossiers", Commune), state__in=Dossier.EDITABLE_STATES)
        | Q(
            commune__district__in=units("appraise_district_dossiers", District),
            state__in=[Dossier.State.SUBMITTED, Dossier.State.UNDER_APPRAISAL],
        )
        | Q(
            commune__district__in=units("decide_district_dossiers", District),
            state=Dossier.State.APPRAISED,
            criteria_set__deciding_authority="district_chair",
        )
        | Q(
            commune__district__province__in=units("decide_province_dossiers", Province),
            state=Dossier.State.APPRAISED,
            criteria_set__deciding_authority="provincial_committee",
        )
    )


def dossiers_awaiting(*, user) -> QuerySet[Dossier]:
    """Hồ sơ chờ xử lý: what the user should act on now, longest waiting first."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(_awaiting_filter(user))
        .with_page_relations()
        .order_by("state_changed_at", "pk")
    )


def dossiers_for_inbox(
    *,
    user,
    year: int | None = None,
    district_code: str = "",
    state: str = "",
    border: str = "",
    query: str = "",
) -> QuerySet[Dossier]:
    qs = dossiers_visible_to(user=user).with_page_relations()
    if year:
        qs = qs.filter(year=year)
    if district_code:
        qs = qs.filter(commune__district__code=district_code)
    if state:
        qs = qs.filter(state=state)
    if border in ("1", "0"):
        qs = qs.filter(commune__is_border=border == "1")
    if query:
        qs = qs.filter(commune__in=Commune.objects.search(query).values("pk"))
    # Newest year first, then the commune: served by the (year, commune) index without sorting every
    # visible dossier (44,000 at national scale) for each page.
    return qs.order_by("-year", "commune_id")


# What the pages show of a dossier's record: criteria, answers, evidence, history, the appraisal.
RECORD_PREFETCHES = (
    Prefetch("criteria_set__criteria", queryset=Criterion.objects.order_by("order", "code")),
    Prefetch("answers", queryset=Answer.objects.all()),
    Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by").order_by("uploaded_at")),
    Prefetch("events", queryset=DossierEvent.objects.order_by("at", "pk")),
    Prefetch("appraisal", queryset=Appraisal.objects.prefetch_related("members", "findings")),
)


def dossier_for_page(*, pk: int, with_record: bool = True) -> Dossier:
    """A dossier with its commune, district, province and criteria set (one query), and with
    everything its pages show when `with_record` (a fixed number of queries more)."""
    # The appraisal comes in the same query (a LEFT JOIN): its members and findings are prefetched on it.
    dossier = Dossier.objects.with_page_relations().select_related("appraisal").get(pk=pk)
    if with_record:
        load_record(dossier)
    return dossier


def load_record(dossier: Dossier) -> Dossier:
    """Fetch the dossier's record (no query for what is already fetched)."""
    prefetch_related_objects([dossier], *RECORD_PREFETCHES)
    return dossier


def appraisal_of(dossier: Dossier) -> Appraisal | None:
    try:
        return dossier.appraisal
    except Appraisal.DoesNotExist:
        return None


def criterion_rows(*, dossier: Dossier) -> list[dict]:
    """Per applicable criterion: its answer, whether met (computed), evidence and the police finding."""
    answers = {a.criterion_id: a for a in dossier.answers.all()}
    evidence: dict[int, list[Evidence]] = {}
    for item in dossier.evidence.all():
        evidence.setdefault(item.criterion_id, []).append(item)
    appraisal = appraisal_of(dossier)
    findings: dict[int, Finding] = {f.criterion_id: f for f in appraisal.findings.all()} if appraisal else {}
    rows = []
    for criterion in dossier.applicable_criteria():
        answer = answers.get(criterion.pk)
        if answer is not None:
            answer.criterion = criterion  # avoid one query per row for is_met
        rows.append(
            {
                "criterion": criterion,
                "answer": answer,
                "is_met": answer.is_met if answer else None,
                "evidence": evidence.get(criterion.pk, []),
                "finding": findings.get(criterion.pk),
            }
        )
    return rows


def submission_problems(*, dossier: Dossier) -> list[str]:
    """What is still missing before the commune can submit, in words an official understands."""
    problems = []
    for row in criterion_rows(dossier=dossier):
        criterion = row["criterion"]
        if row["answer"] is None or row["answer"].value is None:
            problems.append(_("%(code)s: no answer yet.") % {"code": criterion.code})
        if criterion.evidence_required and not row["evidence"]:
            problems.append(_("%(code)s: evidence is required.") % {"code": criterion.code})
    return problems


def appraisal_problems(*, dossier: Dossier) -> list[str]:
    """What the police must still record before completing the appraisal."""
    appraisal = appraisal_of(dossier)
    if appraisal is None:
        return [_("The appraisal has not been recorded yet.")]
    problems = []
    if appraisal.inspection_date is None:
        problems.append(_("Give the inspection date."))
    if not appraisal.members.all():
        problems.append(_("List at least one member of the inspection team."))
    found = {f.criterion_id for f in appraisal.findings.all()}
    for criterion in dossier.applicable_criteria():
        if criterion.pk not in found:
            problems.append(_("%(code)s: no finding yet.") % {"code": criterion.code})
    if not appraisal.recommendation:
        problems.append(_("Give a recommendation (recognise or not)."))
    return problems


def days_waiting(dossier: Dossier, now: datetime.datetime | None = None) -> int:
    return ((now or timezone.now()) - dossier.state_changed_at).days


def criteria_set_for(*, year: int, level: str = "commune") -> CriteriaSet | None:
    return CriteriaSet.objects.for_year(year, level).first()


def open_years_for(*, commune: Commune, today: datetime.date | None = None) -> list[int]:
    """Years for which a dossier can be opened: a criteria set covers them, the commune existed
    that year, and it has no dossier yet."""
    today = today or timezone.localdate()
    taken = set(commune.dossiers.values_list("year", flat=True))
    spans = CriteriaSet.objects.filter(is_active=True, level="commune").values_list("year_from", "year_to")
    covered = {y for start, end in spans for y in range(start, (end or today.year) + 1)}
    return [
        year
        for year in range(min(covered, default=today.year), today.year + 1)
        if year in covered and year not in taken and commune.is_valid_in_year(year)
    ]
