"""Reads on dossiers that several views (and later the dashboards) use: scope, inbox, page data."""

from __future__ import annotations

import datetime
import math

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.models import AdministrativeUnit, Commune
from communes.permissions import commune_scope_q, holders_of, unit_grants, units_with_perm

from . import workflow
from .models import (
    Answer,
    Appraisal,
    AppraisalMember,
    CriteriaSet,
    Criterion,
    Dossier,
    DossierEvent,
    DossierQuerySet,
    EvaluationCycle,
    Evidence,
    Finding,
    SituationCounts,
)


def dossiers_visible_to(*, user) -> DossierQuerySet:
    """Every dossier of a commune in the user's scope (one query, no per-row permission check): the
    scope's condition on the dossier's own commune, not a semi-join on the scope's communes."""
    condition = commune_scope_q(user, prefix="commune__")
    return Dossier.objects.all() if condition is None else Dossier.objects.filter(condition)


def _awaiting_filter(user) -> Q:
    """Dossiers on which the user holds the permission of whoever acts now (the workflow table), the
    grants' pks written into the condition (no subquery per permission, none for a permission the user
    holds nowhere)."""

    def units_with(codename: str, level: str) -> list[int] | None:
        if not user.is_authenticated or not user.is_active:
            return []
        if user.is_superuser:
            return None
        return sorted(unit_grants(user).get((level, codename), ()))

    return workflow.awaiting_q(units_with)


def dossiers_awaiting(*, user) -> DossierQuerySet:
    """Hồ sơ chờ xử lý: what the user should act on now, longest waiting first."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(_awaiting_filter(user))
        .with_page_relations()
        .annotate(return_reason=return_reason_subquery())
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
) -> DossierQuerySet:
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
    dossier = Dossier.objects.with_page_relations().select_related("appraisal", "counts").get(pk=pk)
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
    if collects_counts(dossier.criteria_set):
        counts = dossier.situation()
        if counts is None or not counts.is_complete:
            missing = counts.missing() if counts is not None else SituationCounts.ENTERED_FIELDS
            problems.append(
                _("Not entered: %(counts)s; a zero is a count too.")
                % {"counts": "; ".join(count_label(n) for n in missing)}
            )
        elif counts.carried_over:
            problems.append(_("The counts are last year's: confirm or correct them."))
    for row in criterion_rows(dossier=dossier):
        criterion = row["criterion"]
        if row["answer"] is None or row["answer"].value is None:
            if criterion.is_computed:
                continue  # said once above, with the counts
            problems.append(_("%(code)s: no answer yet.") % {"code": criterion.code})
        elif row["answer"].carried_over and not criterion.is_computed:
            problems.append(
                _("%(code)s: last year's answer: confirm or change it.") % {"code": criterion.code}
            )
        if criterion.evidence_required and not row["evidence"]:
            problems.append(_("%(code)s: evidence is required.") % {"code": criterion.code})
        elif any(item.carried_over for item in row["evidence"]):
            problems.append(
                _("%(code)s: last year's files: confirm or replace them.") % {"code": criterion.code}
            )
    return problems


def collects_counts(criteria_set: CriteriaSet) -> bool:
    """Decision 28 sets collect the situation counts (their criteria and classification read them)."""
    return bool(criteria_set.classification_rules)


def history_of(*, dossier: Dossier) -> list[Dossier]:
    """Earlier dossiers of the commune and of the units it replaced: what the officials read when a new
    unit is evaluated for the first time."""
    return list(
        Dossier.objects.filter(
            Q(commune=dossier.commune_id) | Q(commune__successors=dossier.commune_id), year__lt=dossier.year
        )
        .select_related("commune", "criteria_set")
        .order_by("-year", "commune__name")[:20]
    )


def appraisal_problems(*, dossier: Dossier, police_numbering: str | None = None) -> list[str]:
    """What the police must still record before completing the appraisal. `police_numbering` is the
    appraising command's register setting when the caller has read it already (lists of dossiers)."""
    appraisal = appraisal_of(dossier)
    if appraisal is None:
        return [_("The appraisal has not been recorded yet.")]
    problems = []
    if appraisal.inspection_date is None:
        problems.append(_("Give the inspection date."))
    rules = dossier.criteria_set.appraisal_rule
    if rules("counts_cross_check") and appraisal.counts_checked_on is None:
        problems.append(_("Give the date the counts were cross-checked against police data."))
    if appraisal.started_at is None or appraisal.ended_at is None:
        problems.append(_("Give the times the meeting started and ended."))
    if not appraisal.place:
        problems.append(_("Give the place of the inspection."))
    members = list(appraisal.members.all())
    duties = [m.duty for m in members]
    team = [m for m in members if m.duty != AppraisalMember.Duty.COMMUNE]
    if len(team) < rules("min_team"):
        problems.append(
            ngettext(
                "The inspection team needs at least %(count)d member besides the commune's representatives.",
                "The inspection team needs at least %(count)d members besides the commune's representatives.",
                rules("min_team"),
            )
            % {"count": rules("min_team")}
        )
    if (
        rules("border_guard_on_border")
        and dossier.commune.is_border
        and not any(m.agency == AppraisalMember.Agency.BORDER_GUARD for m in members)
    ):
        problems.append(_("The commune is on the border: the team needs a member from the Border Guard."))
    for duty, missing in (
        ("leader", _("Name the team leader.")),
        ("secretary", _("Name the secretary who keeps the minutes.")),
        ("commune", _("Name at least one representative of the commune.")),
    ):
        if duty not in duties:
            problems.append(missing)
    # A proposal (Tờ trình) per dossier where the table has one (district); under Decision 28 the
    # standing body sends one per council session.
    per_dossier = bool(workflow.appraisal_papers(dossier).proposal_kind)
    if per_dossier and appraisal.proposal_date is None:
        problems.append(_("Give the date of the proposal (Tờ trình) to the deciding authority."))
    from communes.selectors import register_numbering

    numbering = police_numbering or register_numbering(unit=workflow.appraising_unit(dossier), kind="police")
    if numbering == "clerk" and not (
        appraisal.minutes_number and (appraisal.proposal_number or not per_dossier)
    ):
        problems.append(
            _("Give the numbers of the minutes and of the proposal from the office's register.")
            if per_dossier
            else _("Give the number of the appraisal report from the office's register.")
        )
    found = {f.criterion_id for f in appraisal.findings.all()}
    for criterion in dossier.applicable_criteria():
        if criterion.pk not in found:
            problems.append(_("%(code)s: no finding yet.") % {"code": criterion.code})
    if not appraisal.recommendation:
        problems.append(_("Give a recommendation (recognise or not)."))
    if rules("conclusion") and not appraisal.conclusion.strip():
        problems.append(_("Write the team's conclusion."))
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
    # The set in force each year (as criteria_set_for chooses it), read in one query; only the years
    # whose set opens dossiers one by one (not through the province's yearly cycle) are offered.
    years: dict[int, CriteriaSet] = {}
    for criteria_set in CriteriaSet.objects.filter(is_active=True, level="commune").order_by(
        "-year_from", "-version"
    ):
        for year in range(criteria_set.year_from, (criteria_set.year_to or today.year) + 1):
            years.setdefault(year, criteria_set)
    return [
        year
        for year, criteria_set in sorted(years.items())
        if year <= today.year
        and year not in taken
        and not workflow.PROCEDURES[criteria_set.procedure].opens_through_cycle
        and commune.is_valid_on(criteria_set.evaluation_period(year)[1])
    ]


# --- the yearly cycle ---------------------------------------------------------------------------------


def cycles_of(*, provinces) -> list[EvaluationCycle]:
    return list(
        EvaluationCycle.objects.filter(province__in=[p.pk for p in provinces])
        .select_related("province", "criteria_set")
        .annotate(
            n_communes=Count("entries", distinct=True),
            n_submitted=Count(
                "dossiers", filter=~Q(dossiers__state__in=workflow.editable_states()), distinct=True
            ),
        )
        .order_by("-year")
    )


def cycle_candidates(*, province, year: int, cycle: EvaluationCycle | None = None) -> QuerySet[Commune]:
    """The units of the province in place at the end of `year`'s period, not yet in the cycle."""
    day = datetime.date(year, 12, 14)
    qs = Commune.objects.filter(province=province).valid_on(day).order_by("name")
    if cycle is not None:
        qs = qs.exclude(cycle_entries__cycle=cycle)
    return qs


def cycle_progress(*, cycle: EvaluationCycle) -> dict:
    """The communes of a cycle with their dossier's state, and where the province stands on its target."""
    entries = list(cycle.entries.select_related("commune").order_by("commune__name"))
    dossiers = {d.commune_id: d for d in cycle.dossiers.select_related("counts")}
    units = Commune.objects.filter(province=cycle.province_id).valid_on(cycle.period[1]).count()
    recognised = sum(1 for d in dossiers.values() if d.state in Dossier.RECOGNISED_STATES)
    return {
        "rows": [(entry, dossiers.get(entry.commune_id)) for entry in entries],
        "units": units,
        "target_units": math.ceil(units * cycle.target_percent / 100),
        "recognised": recognised,
        "submitted": sum(1 for d in dossiers.values() if d.state not in workflow.editable_states()),
    }


def open_cycles_for(*, user) -> list[tuple[EvaluationCycle, list[tuple[Commune, Dossier | None]]]]:
    """For a commune's officers: the open cycles of their province and, per commune of theirs, its
    dossier in that cycle (None when it has not registered)."""
    communes = list(
        Commune.objects.filter(
            pk__in=[
                *units_with_perm(user, "prepare_commune_dossiers", Commune).values_list("pk", flat=True),
                *units_with_perm(user, "submit_commune_reports", Commune).values_list("pk", flat=True),
            ]
        ).valid_on(timezone.localdate())[:10]
    )
    if not communes:
        return []
    today = timezone.localdate()
    found = []
    for cycle in EvaluationCycle.objects.filter(
        province__in={c.province_id for c in communes}, ministry_report_due__gte=today
    ).select_related("criteria_set"):
        dossiers = {d.commune_id: d for d in cycle.dossiers.filter(commune__in=communes)}
        found.append(
            (cycle, [(c, dossiers.get(c.pk)) for c in communes if c.province_id == cycle.province_id])
        )
    return found


def told_after(*, dossiers: list[Dossier], transition: str, actor) -> list[str]:
    """Who is notified when `transition` is taken on `dossiers`: the people who act in the state it leads
    to, by the workflow table (the same rule as the notices), as "Full name (unit)", sorted; one query per
    (permission, unit), however many dossiers share them."""
    pairs: dict[tuple[str, str, int], AdministrativeUnit] = {}
    for dossier in dossiers:
        step = workflow.step(dossier, transition)
        if step is None:
            continue
        for codename, level in workflow.actors_of(dossier, step.target):
            unit = workflow.unit_for(dossier, level)
            if unit is not None:
                pairs.setdefault((codename, str(unit._meta.model_name), unit.pk), unit)
    told: dict[int, str] = {}
    for (codename, _model, _pk), unit in pairs.items():
        for user in holders_of(codename, unit).exclude(pk=actor.pk):
            told.setdefault(user.pk, f"{user.get_full_name() or user.username} ({unit.name})")
    return sorted(told.values())


def latest_return(dossier: Dossier, returns: list[DossierEvent] | None = None) -> DossierEvent | None:
    """The return (to the commune, to the police) that put the dossier in its present state, with its
    reason and who gave it; None when its present state did not come from a return."""
    for event in returns if returns is not None else returns_of(dossier):
        if event.to_state == dossier.state and event.at >= dossier.state_changed_at:
            return event
    return None


def returns_of(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's returns, latest first (one query; none when its state can show no return: reached
    by no return, and no one is acting on it)."""
    rule = workflow.rule(dossier)
    if dossier.state not in workflow.states_after_return() and (rule.editable or not rule.waiting):
        return []
    return list(
        DossierEvent.objects.filter(dossier=dossier, transition__in=workflow.RETURNS).order_by("-at", "-pk")
    )


def return_reason_subquery() -> Subquery:
    """For lists: the reason of the return that put each dossier in its present state (else NULL)."""
    return Subquery(
        DossierEvent.objects.filter(
            dossier=OuterRef("pk"),
            transition__in=workflow.RETURNS,
            to_state=OuterRef("state"),
            at__gte=OuterRef("state_changed_at"),
        )
        .order_by("-at", "-pk")
        .values("comment")[:1]
    )


def changes_since_return(dossier: Dossier, returns: list[DossierEvent] | None = None) -> dict | None:
    """What the commune changed between its dossier's last return and now (the police and the chair read
    it after resubmission): each answer and count before and after, files added and removed with their
    dates. None when the dossier was never returned."""
    from django.conf import settings
    from django.utils import translation

    returned = next(
        (
            e
            for e in (returns if returns is not None else returns_of(dossier))
            if e.transition == workflow.RETURN_TO_COMMUNE and e.snapshot
        ),
        None,
    )
    # Shown while the police or the authority act on the resubmitted dossier (not while the commune is
    # still correcting it, nor once it is decided).
    if returned is None or workflow.is_editable(dossier) or not workflow.rule(dossier).waiting:
        return None
    before = returned.snapshot
    answers = []
    with translation.override(settings.LANGUAGE_CODE):
        for answer in dossier.answers.select_related("criterion").order_by("criterion__order"):
            old = before["answers"].get(str(answer.criterion_id), {"value": "—", "explanation": ""})
            now = {"value": answer.value_display, "explanation": answer.explanation}
            if old != now:
                answers.append({"criterion": answer.criterion, "before": old, "after": now})
    counts = []
    current = dossier.situation()
    if current is not None and before.get("counts"):
        labels = {f.name: f.verbose_name for f in current._meta.concrete_fields}
        for name in current.COUNT_FIELDS:
            was, is_now = before["counts"].get(name), str(getattr(current, name))
            if name in labels and was != is_now:  # derived counts follow the stored ones
                counts.append({"label": labels[name], "before": was, "after": is_now})
    kept = set(before.get("evidence", []))
    added = [e for e in dossier.evidence.select_related("criterion") if e.pk not in kept]
    removed = list(dossier.evidence_removals.filter(removed_at__gte=returned.at).select_related("criterion"))
    return {
        "returned": returned,
        "answers": answers,
        "counts": counts,
        "added": added,
        "removed": removed,
        "unchanged": not (answers or counts or added or removed),
    }


def teams_for(unit) -> QuerySet:
    """The inspection teams saved by the police command of `unit` (a district or the province)."""
    from .models import InspectionTeam

    return InspectionTeam.objects.filter(**{unit._meta.model_name: unit})


def dossiers_to_act_on(*, user, transition: str) -> list[Dossier]:
    """The dossiers awaiting `user` on which they may take `transition` now (the campaign lists: start
    several appraisals, complete several, decide several), longest waiting first."""
    from . import permissions as perms

    return [
        d
        for d in dossiers_awaiting(user=user).select_related("appraisal")[:200]
        if workflow.step(d, transition) is not None and perms.may_take(transition, d, user)
    ]


def values_saved_since(*, dossier: Dossier, answers: dict[int, tuple], counts: dict | None) -> list[dict]:
    """What another official saved that differs from what this one typed (a save refused because the
    dossier changed since the page was opened): one row per answer or count, theirs beside yours."""

    def shown(answer: Answer, value, explanation: str) -> str:
        # Another Answer with the typed value, so both read alike ("Có", "12", "99,5 %").
        typed = Answer(criterion=answer.criterion, explanation=explanation)
        if answer.criterion.measure == Criterion.Measure.BOOLEAN:
            typed.value_bool = value
        else:
            typed.value_number = value
        return typed.value_display

    rows = []
    saved = {a.criterion_id: a for a in dossier.answers.select_related("criterion")}
    for criterion_id, (value, explanation) in answers.items():
        answer = saved.get(criterion_id)
        if answer is None or answer.criterion.is_computed:
            continue
        if (answer.value, answer.explanation) != (value, explanation or ""):
            label = f"{answer.criterion.code}"
            rows.append(
                {
                    "label": label,
                    "theirs": answer.value_display
                    + (f" — {answer.explanation}" if answer.explanation else ""),
                    "yours": shown(answer, value, explanation) + (f" — {explanation}" if explanation else ""),
                }
            )
    current = dossier.situation()
    for name, typed in (counts or {}).items():
        if current is None or name not in SituationCounts.ENTERED_FIELDS:
            continue
        stored = getattr(current, name)
        if stored != typed:
            rows.append(
                {
                    "label": count_label(name).capitalize(),
                    "theirs": "—" if stored is None else str(stored),
                    "yours": "—" if typed is None else str(typed),
                }
            )
    return rows


def count_label(name: str) -> str:
    """The words of one count of SituationCounts (its field's verbose name)."""
    field = SituationCounts._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))
