"""Read-only figures for the dashboards, in a fixed number of queries whatever the number of communes.

Every figure counts against the units that existed in the year shown (460 communes until 2024,
412 in the first half of 2025) and only within the user's scope (guardian, through `communes_visible_to`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.classification import KeyAreaType
from assessments.models import Dossier
from assessments.tallies import column_sums, tally_rows
from communes.models import Commune, UnitQuerySet, valid_on_q
from communes.permissions import commune_scope_q, communes_visible_to, unit_grants
from communes.text import document_number

S = Dossier.State
# The columns of the district table, each a set of dossier states: the workflow tables' (one home).
STATE_COLUMNS: dict[str, tuple[str, ...]] = workflow.state_columns()
COLUMN_OF_STATE: dict[str, str] = workflow.column_of_state()
WAITING_STATES = tuple(sorted(workflow.waiting_states()))
SORT_KEYS = ("name", "communes", "not_started", *STATE_COLUMNS, "percent")


def communes_in_scope(*, user, year: int) -> UnitQuerySet[Commune]:
    """The units of the user's scope counted for `year`: those in place at its end (2025: the 130 units
    of 1 July, not the units they replaced; units change on 1 January or 1 July, never in December)."""
    return communes_visible_to(user).valid_on(year_end(year))


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


@dataclass
class DistrictRow:
    code: str
    name: str
    is_border: bool
    communes: int
    border_communes: int
    border_recognised: int
    waiting: int
    counts: dict[str, int] = field(default_factory=dict)
    # The district's pk when the row was read from the tallies (None: directly under the province, or a
    # row computed from the dossiers): what `CommunesByDistrict` cuts the commune list with.
    district_id: int | None = field(default=None, compare=False)

    @property
    def started(self) -> int:
        return sum(self.counts.values())

    @property
    def not_started(self) -> int:
        return self.communes - self.started

    @property
    def recognised(self) -> int:
        return self.counts["recognised"]

    @property
    def percent(self) -> float:
        return round(100 * self.recognised / self.communes, 1) if self.communes else 0.0

    @property
    def complete(self) -> bool:
        """Criterion H4 of the district rules: 100% of the district's communes recognised."""
        return self.communes > 0 and self.recognised == self.communes

    def value(self, key: str):
        if key in STATE_COLUMNS:
            return self.counts[key]
        return getattr(self, key)


def whole_units(user) -> Q | None:
    """The user's scope as a condition on the tallies' units (StateTally.province / .district), when it is
    made of whole units (a province, districts); None when it holds single communes (a commune officer,
    the units their own replaced): those figures are computed from the dossiers."""
    if user.is_superuser:
        return Q()
    grants = unit_grants(user)
    if grants.get(("commune", "view_commune_dossiers")):
        return None
    return Q(province_id__in=sorted(grants.get(("province", "view_province_dossiers"), ()))) | Q(
        district_id__in=sorted(grants.get(("district", "view_district_dossiers"), ()))
    )


def scope_tallies(*, user, year: int, years: list[int]) -> dict | None:
    """The tallies of the user's scope summed by state column, per district in `year` and per year of
    `years` (one query), or None for a scope of single communes."""
    units = whole_units(user)
    if units is None:
        return None
    return column_sums(
        units=units,
        year=year,
        years=sorted({year, *years}),
        # "waiting": the dossiers in a state that waits on someone, whenever they entered it.
        columns={**STATE_COLUMNS, "waiting": WAITING_STATES},
    )


@dataclass(frozen=True)
class UnitWindow:
    """The units of a scope sharing a district, a validity window and a border flag: how many."""

    district_id: int | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    is_border: bool
    n: int

    def in_place(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )


def scope_units(*, user) -> list[UnitWindow]:
    """Every unit of the user's scope, counted per district, validity window and border flag (one query,
    a few rows per district): the district table's communes of any year and the per-year chart's totals
    from one pass over the communes, where each had its own (at 10,000 communes, 10 ms against 5)."""
    return [
        UnitWindow(*row)
        for row in communes_visible_to(user)
        .values_list("district_id", "valid_from", "valid_until", "is_border")
        .annotate(n=Count("id"))
        .order_by()
    ]


def district_rows(
    *,
    user,
    year: int,
    waiting_days: int,
    sort: str = "",
    tallies: dict | None = None,
    units: list[UnitWindow] | None = None,
) -> list[DistrictRow]:
    """The district table: the units of the scope in place at the year's end (`units`, read once for the
    page, or read here) with their districts' names, the dossiers waiting longer than `waiting_days`
    (time-dependent, so counted from the dossiers: a query of those only), and the year's tallies
    (`tallies`, likewise). Three to five queries, none over every dossier; border districts first
    unless sorted."""
    from communes.models import District

    if tallies is None:
        tallies = scope_tallies(user=user, year=year, years=[])
        if tallies is None:
            return district_rows_from_dossiers(user=user, year=year, waiting_days=waiting_days, sort=sort)
    cutoff = timezone.now() - datetime.timedelta(days=waiting_days)
    end = year_end(year)
    per_unit: dict[int | None, dict[str, int]] = {}
    for window in scope_units(user=user) if units is None else units:
        if window.in_place(end):
            counted = per_unit.setdefault(window.district_id, {"n_communes": 0, "n_border": 0})
            counted["n_communes"] += window.n
            counted["n_border"] += window.n if window.is_border else 0
    named = {
        pk: {"district__code": code, "district__name": name, "district__is_border": border}
        for pk, code, name, border in District.objects.filter(
            pk__in=[pk for pk in per_unit if pk is not None]
        ).values_list("pk", "code", "name", "is_border")
    }
    none = {"district__code": None, "district__name": None, "district__is_border": False}
    districts = [{"district_id": pk, **named.get(pk, none), **counted} for pk, counted in per_unit.items()]
    # Waiting longer than the days: the tallies' waiting dossiers less those that entered their state
    # since the cutoff, read through the index on (year, state, state_changed_at). Counting the long
    # waiting ones from the dossiers joined every one of them to its commune (5 to 9 ms at 10,000
    # communes); the recent ones are the few the campaign moved in those days.
    recent = dict(
        Dossier.objects.filter(
            commune_scope_q(user, prefix="commune__") or Q(),
            valid_on_q(end, "commune__"),
            year=year,
            state__in=WAITING_STATES,
            state_changed_at__gte=cutoff,
        )
        .values_list("commune__district_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_district = tallies["district"]
    empty = {**dict.fromkeys(STATE_COLUMNS, 0), "border_recognised": 0, "waiting": 0}
    columns = list(STATE_COLUMNS)
    sums = {r["district_id"]: per_district.get(r["district_id"], empty) for r in districts}
    result = [
        _district_row(
            r,
            border_recognised=sums[r["district_id"]]["border_recognised"],
            counts={key: sums[r["district_id"]][key] for key in columns},
            waiting=sums[r["district_id"]]["waiting"] - recent.get(r["district_id"], 0),
        )
        for r in sorted(districts, key=lambda r: (not r["district__is_border"], r["district__code"] or ""))
    ]
    return _sorted(result, sort)


def _district_row(r: dict, *, border_recognised: int, counts: dict[str, int], waiting: int) -> DistrictRow:
    """A row of the district table from a row grouped by district (its code, name, border flag, the
    numbers of communes and border communes)."""
    return DistrictRow(
        district_id=r.get("district_id"),
        code=r["district__code"] or "",
        # Since 1 July 2025 communes sit directly under the province: one row for them.
        name=r["district__name"] or str(_("Directly under the province")),
        is_border=bool(r["district__is_border"]),
        communes=r["n_communes"],
        border_communes=r["n_border"],
        border_recognised=border_recognised,
        waiting=waiting,
        counts=counts,
    )


def _sorted(rows: list[DistrictRow], sort: str) -> list[DistrictRow]:
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key in SORT_KEYS:
        rows.sort(key=lambda row: (row.value(key), row.code), reverse=descending)
    return rows


def district_rows_from_dossiers(*, user, year: int, waiting_days: int, sort: str = "") -> list[DistrictRow]:
    """The district table computed from the dossiers: one query, grouped by district, border districts
    first unless sorted (the figures of a scope that is not whole units, and the tallies' check).

    Each commune is joined to its dossier of `year` only (at most one: unique per commune and year), so
    the query reads that year's dossiers and counts without DISTINCT (no sort of every year's rows)."""
    cutoff = timezone.now() - datetime.timedelta(days=waiting_days)
    annotations = {
        f"n_{key}": Count("year_dossier", filter=Q(year_dossier__state__in=states))
        for key, states in STATE_COLUMNS.items()
    }
    # Rows of values() with a key per state column (their names are made from the table).
    rows: Any = (
        communes_in_scope(user=user, year=year)
        .annotate(year_dossier=FilteredRelation("dossiers", condition=Q(dossiers__year=year)))
        .values("district__code", "district__name", "district__is_border")
        .annotate(
            n_communes=Count("id"),
            n_border=Count("id", filter=Q(is_border=True)),
            n_border_recognised=Count(
                "year_dossier", filter=Q(is_border=True, year_dossier__state__in=STATE_COLUMNS["recognised"])
            ),
            n_waiting=Count(
                "year_dossier",
                filter=Q(year_dossier__state__in=WAITING_STATES, year_dossier__state_changed_at__lt=cutoff),
            ),
            **annotations,
        )
        .order_by("-district__is_border", "district__code")
    )
    result = [
        _district_row(
            r,
            border_recognised=r["n_border_recognised"],
            counts={key: r[f"n_{key}"] for key in STATE_COLUMNS},
            waiting=r["n_waiting"],
        )
        for r in rows
    ]
    return _sorted(result, sort)


@dataclass
class Headline:
    year: int
    communes: int
    recognised: int
    border_communes: int
    border_recognised: int
    by_state: dict[str, int]
    not_started: int
    waiting: int
    waiting_days: int
    # None when the user sees part of a district only (a commune officer): "100 %" would be of their part.
    complete_districts: list[str] | None

    @property
    def percent(self) -> float:
        return round(100 * self.recognised / self.communes, 1) if self.communes else 0.0


def headline(
    *, rows: list[DistrictRow], year: int, waiting_days: int, whole_districts: bool = True
) -> Headline:
    """The figures at a glance, summed from the district table (no extra query)."""
    return Headline(
        year=year,
        communes=sum(r.communes for r in rows),
        recognised=sum(r.recognised for r in rows),
        border_communes=sum(r.border_communes for r in rows),
        border_recognised=sum(r.border_recognised for r in rows),
        by_state={key: sum(r.counts[key] for r in rows) for key in STATE_COLUMNS},
        not_started=sum(r.not_started for r in rows),
        waiting=sum(r.waiting for r in rows),
        waiting_days=waiting_days,
        complete_districts=[r.name for r in rows if r.complete] if whole_districts else None,
    )


def total_row(rows: list[DistrictRow], *, name: str) -> DistrictRow:
    """The province's total under the district table: each count summed (the rate is then the whole's,
    not a sum of rates)."""
    return DistrictRow(
        code="",
        name=name,
        is_border=False,
        communes=sum(r.communes for r in rows),
        border_communes=sum(r.border_communes for r in rows),
        border_recognised=sum(r.border_recognised for r in rows),
        waiting=sum(r.waiting for r in rows),
        counts={key: sum(r.counts[key] for r in rows) for key in STATE_COLUMNS},
    )


def decided_against_recommendation(*, user, year: int) -> list[dict]:
    """Decisions of the year in the user's scope that went against the police's recommendation, with
    the reasons the authority gave (one query)."""
    from recognition.models import RecognitionDecision

    rows: list[dict[str, Any]] = [
        dict(row)
        for row in RecognitionDecision.objects.filter(
            commune_scope_q(user, prefix="dossier__commune__") or Q(),
            valid_on_q(year_end(year), "dossier__commune__"),
            against_recommendation=True,
            dossier__year=year,
        )
        .order_by("dossier__commune__name")
        .values(
            "dossier_id",
            "dossier__commune__name",
            "outcome",
            "decided_on",
            "reasons",
            "number",
            "symbol",
        )
    ]
    for row in rows:
        row["number_display"] = document_number(row["number"], row["symbol"])
    return rows


def with_decisions(communes: UnitQuerySet[Commune]) -> UnitQuerySet[Any]:
    """`commune_list` with the year's decision: number, date, validity, reasons and the revocation's
    (the same LEFT JOINs, no query per row), for the exports."""
    return communes.annotate(
        decision_number=F("year_dossier__recognition_decision__number"),
        decision_symbol=F("year_dossier__recognition_decision__symbol"),
        decision_date=F("year_dossier__recognition_decision__decided_on"),
        decision_valid_until=F("year_dossier__recognition_decision__valid_until"),
        decision_reasons=F("year_dossier__recognition_decision__reasons"),
        against_recommendation=F("year_dossier__recognition_decision__against_recommendation"),
        revocation_number=F("year_dossier__recognition_decision__revocation__number"),
        revocation_symbol=F("year_dossier__recognition_decision__revocation__symbol"),
        revoked_on=F("year_dossier__recognition_decision__revocation__decided_on"),
        revocation_reason=F("year_dossier__recognition_decision__revocation__reason"),
    )


def recognised_per_year(
    *, user, years: list[int], tallies: dict | None = None, units: list[UnitWindow] | None = None
) -> list[dict]:
    """Recognised communes per year, border and all, against the communes of that year: up to two queries
    (the units of the scope and the years' tallies, unless given; from the dossiers for a scope of
    single communes)."""
    scope = communes_visible_to(user)
    # The units share a few validity windows: counted per window, then per year here (ten conditional
    # counts over every commune cost several times more).
    totals = dict.fromkeys([f"{kind}_{y}" for y in years for kind in ("all", "border")], 0)
    ends = [(y, year_end(y)) for y in years]
    for window in scope_units(user=user) if units is None else units:
        for y, end in ends:
            if window.in_place(end):
                totals[f"all_{y}"] += window.n
                if window.is_border:
                    totals[f"border_{y}"] += window.n
    if tallies is None and years:
        tallies = scope_tallies(user=user, year=years[0], years=years)
    recognised: dict[int, dict[str, int]] = {y: {"n_all": 0, "n_border": 0} for y in years}
    if tallies is None:
        for r in (
            # Only the communes in place at the end of each year, as the totals count them.
            Dossier.objects.filter(
                commune__in=scope.values("pk"),
                year__in=years,
                state__in=STATE_COLUMNS["recognised"],
            )
            .values("year", "commune__valid_from", "commune__valid_until", "commune__is_border")
            .annotate(n=Count("id"))
        ):
            end = year_end(r["year"])
            if (r["commune__valid_from"] or end) <= end and (r["commune__valid_until"] or end) >= end:
                recognised[r["year"]]["n_all"] += r["n"]
                if r["commune__is_border"]:
                    recognised[r["year"]]["n_border"] += r["n"]
    else:
        for y in years:
            sums = tallies["year"].get(y)
            if sums is not None:
                recognised[y] = {"n_all": sums["recognised"], "n_border": sums["border_recognised"]}
    return [
        {
            "year": y,
            "recognised": recognised[y]["n_all"],
            "communes": totals[f"all_{y}"],
            "border_recognised": recognised[y]["n_border"],
            "border_communes": totals[f"border_{y}"],
        }
        for y in years
    ]


def commune_list(
    *, user, year: int, district_code: str = "", state: str = "", border: str = "", paged: bool = False
) -> UnitQuerySet[Any]:
    """Communes of the year with the state and id of their dossier for that year (not started: none):
    one LEFT JOIN on that year's dossier (unique per commune and year), no subquery per row; `paged`
    (a page of the list, not filtered by state): the dossier read per row of the page instead, so the
    database sorts and cuts the communes before reading any dossier (PostgreSQL evaluates a subquery
    of the select list after the sort and LIMIT)."""
    # Annotated one of two ways (the stubs type each apart): Any.
    qs: Any = communes_in_scope(user=user, year=year)
    if paged:
        # The page shows these alone: fewer columns to compile, read and build.
        qs = qs.select_related("district").only("code", "name", "is_border", "district__name")
    else:
        qs = qs.select_related("district", "province")
    if paged and not state:
        year_dossier = Dossier.objects.filter(commune=OuterRef("pk"), year=year)
        qs = qs.annotate(
            dossier_id=Subquery(year_dossier.values("pk")[:1]),
            dossier_state=Subquery(year_dossier.values("state")[:1]),
        )
    else:
        qs = qs.annotate(
            year_dossier=FilteredRelation("dossiers", condition=Q(dossiers__year=year)),
            dossier_id=F("year_dossier__id"),
            dossier_state=F("year_dossier__state"),
        )
    qs = qs.order_by("-district__is_border", "district__code", "code")
    if district_code:
        qs = qs.filter(district__code=district_code)
    if border in ("1", "0"):
        qs = qs.filter(is_border=border == "1")
    if state == "not_started":
        qs = qs.filter(year_dossier__id__isnull=True)
    elif state in STATE_COLUMNS:
        qs = qs.filter(year_dossier__state__in=STATE_COLUMNS[state])
    return qs


class CommunesByDistrict:
    """The unfiltered commune list (`commune_list(paged=True)`), cut into pages by the district table.

    The list is sorted by district (border districts first, then GSO code: three digits, so Python and
    every collation sort them alike), and each row of the table says how many communes of its district
    the list holds: a page's communes are those of the few districts it covers, read with their
    district's index, not by sorting every commune of the scope (5 ms at 10,000 communes)."""

    def __init__(self, communes: QuerySet, rows: list[DistrictRow]):
        self.communes = communes
        in_list_order = sorted(rows, key=lambda r: (not r.is_border, r.code))
        self.spans = [(r.district_id, r.communes) for r in in_list_order if r.communes]

    @classmethod
    def applies(cls, rows: list[DistrictRow], *, state: str, border: str) -> bool:
        """Whether the rows describe the list: not filtered by state or border, every row a district
        read from the tallies."""
        return not state and border not in ("1", "0") and all(r.district_id is not None for r in rows)

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        chosen: list[int | None] = []
        offset, seen = 0, 0
        for district_id, n in self.spans:
            if seen + n > start and seen < stop:
                if not chosen:
                    offset = start - seen
                chosen.append(district_id)
            seen += n
        if not chosen:
            return []
        return list(self.communes.filter(district_id__in=chosen)[offset : offset + stop - start])


def commune_count(*, rows: list[DistrictRow], district_code: str, state: str, border: str) -> int | None:
    """How many communes `commune_list` lists with these filters, from the district table's rows (the
    same units, the same year), or None when the table does not say (the border filter)."""
    if border in ("1", "0"):
        return None
    chosen = [r for r in rows if r.code == district_code] if district_code else rows
    if state == "not_started":
        return sum(r.not_started for r in chosen)
    if state in STATE_COLUMNS:
        return sum(r.counts[state] for r in chosen)
    return sum(r.communes for r in chosen)


def default_year(*, user) -> int:
    """The current campaign year: the latest year with a dossier in scope, else this year."""
    latest = (
        Dossier.objects.filter(commune__in=communes_visible_to(user).values("pk"))
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or timezone.localdate().year


# --- the procedure in force (Decision 28/2025): a province's cycle, and the country -------------------

# The funnel of a cycle, the workflow table's stages (workflow.FUNNEL_STAGES): each stage but the first
# is a state, and counts the dossiers that reached it (funnel_counts), whatever became of them after.
FUNNEL: tuple[str, ...] = tuple(workflow.FUNNEL_STAGES)


def funnel_counts(dossiers: QuerySet[Dossier]) -> list[tuple[str, int]]:
    """Each stage of FUNNEL -> how many of `dossiers` reached it, in one query. A dossier reached a
    state when its history records it (a DossierEvent into it), when the review council recorded that
    outcome on it (AgendaItem of a closed session), or when it is now in a state that has passed it
    (the table's StateRule.funnel: dossiers loaded from the past carry no history). So a commune the council
    recommended and the chairman left out of the decision stays counted as recommended, as in the
    council's minutes."""
    from django.db.models import Exists, OuterRef

    from assessments.models import DossierEvent
    from council.models import AgendaItem, CouncilSession

    def reached(state: str) -> Q:
        now_after = Q()
        for code, procedure in workflow.PROCEDURES.items():
            now_after |= Q(criteria_set__procedure=code, state__in=workflow.states_past(procedure, state))
        history = Exists(DossierEvent.objects.filter(dossier=OuterRef("pk"), to_state=state))
        q = now_after | Q(history)
        if state in AgendaItem.Outcome.values:
            q |= Q(
                Exists(
                    AgendaItem.objects.filter(
                        dossier=OuterRef("pk"), outcome=state, session__status=CouncilSession.Status.CLOSED
                    )
                )
            )
        return q

    counts = dossiers.aggregate(
        **{
            stage: Count("pk") if stage == "opened" else Count("pk", filter=reached(stage))
            for stage in FUNNEL
        }
    )
    return [(stage, counts[stage]) for stage in FUNNEL]


CLASSES = tuple(KeyAreaType.values)


def cycle_tallies(*, province, year: int) -> dict:
    """A province's dossiers of `year` by state, by Article 4 class (those with counts), and its border
    communes recognised, from the tallies: one query."""
    by_state: dict[str, int] = {}
    classes: dict[str, int] = {}
    border_recognised = 0
    for row in tally_rows(years=[year], units=Q(province_id=province.pk)):
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["count"]
        if row["classification"] is not None:
            classes[row["classification"]] = classes.get(row["classification"], 0) + row["count"]
        if row["is_border"] and row["state"] in Dossier.RECOGNISED_STATES:
            border_recognised += row["count"]
    return {"by_state": by_state, "classes": classes, "border_recognised": border_recognised}


def cycle_tallies_from_dossiers(*, province, year: int) -> dict:
    """`cycle_tallies` computed from the dossiers (the tallies' check)."""
    from assessments.models import SituationCounts

    units = Commune.objects.valid_on(year_end(year)).filter(province=province)
    by_state = dict(
        Dossier.objects.filter(year=year, commune__in=units).values_list("state").annotate(n=Count("pk"))
    )
    classes = dict(
        SituationCounts.objects.filter(
            dossier__year=year, dossier__commune__in=units, population__isnull=False
        )
        .values_list("classification")
        .annotate(n=Count("pk"))
    )
    border_recognised = Dossier.objects.filter(
        year=year, commune__in=units.filter(is_border=True), state__in=Dossier.RECOGNISED_STATES
    ).count()
    return {"by_state": by_state, "classes": classes, "border_recognised": border_recognised}


def cycle_overview(*, province, year: int) -> dict:
    """A province's year under Decision 28, in a fixed number of queries: the units at the year's end (and
    its border ones), the dossiers by state, the funnel, their Article 4 classes, and the cycle's target.
    The due days are `cycle_deadlines`'."""
    import math

    from assessments.models import EvaluationCycle, SituationCounts

    units = Commune.objects.valid_on(year_end(year)).filter(province=province)
    totals = units.aggregate(units=Count("pk"), border=Count("pk", filter=Q(is_border=True)))
    figures = cycle_tallies(province=province, year=year)
    by_state, classes = figures["by_state"], figures["classes"]
    # Recognised (or recommended) communes whose counts still compute a key area: (type, name).
    achieved_key_areas = list(
        SituationCounts.objects.filter(
            dossier__year=year,
            dossier__commune__in=units,
            population__isnull=False,
            dossier__state__in=[*Dossier.RECOGNISED_STATES, *workflow.sources_of("leave_out")],
        )
        .exclude(classification="")
        .order_by("classification", "dossier__commune__name")
        .values_list("classification", "dossier__commune__name")
    )
    cycle = EvaluationCycle.objects.filter(province=province, year=year).first()
    recognised = sum(by_state.get(s, 0) for s in Dossier.RECOGNISED_STATES)
    target = math.ceil(totals["units"] * float(cycle.target_percent) / 100) if cycle else None
    return {
        "year": year,
        "units": totals["units"],
        "border_units": totals["border"],
        "border_recognised": figures["border_recognised"],
        "recognised": recognised,
        "percent": round(100 * recognised / totals["units"], 1) if totals["units"] else 0.0,
        "target_percent": cycle.target_percent if cycle else None,
        "target_units": target,
        "funnel": funnel_counts(Dossier.objects.filter(year=year, commune__in=units)),
        "classes": [(c, classes.get(c, 0)) for c in CLASSES],
        "achieved_key_areas": achieved_key_areas,
    }


@dataclass(frozen=True)
class Deadline:
    """A due day of the cycle (hạn): the days left before it; after it, whether it was met."""

    kind: str  # "reports" or "ministry_report"
    label: str
    day: datetime.date
    days_left: int
    met: bool | None = None  # None until the day has passed
    # Commune reports: how many of the cycle's communes sent theirs by the day, and in all.
    sent: int = 0
    expected: int = 0
    # The last report in by the day, or the day the report to the Ministry was sent.
    done_on: datetime.date | None = None

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def late(self) -> int:
        """Reports sent after the day or not yet sent."""
        return self.expected - self.sent


def cycle_deadlines(*, province, year: int, today: datetime.date | None = None) -> list[Deadline]:
    """The cycle's two due days (commune reports, the report to the Ministry), each with whether it was
    met once passed: the reports by the day each commune of the cycle first sent its report (its
    history), the Ministry's by the day the report was recorded as sent. Three queries; never cached
    (a report marked as sent changes no dossier)."""
    from django.db.models import Min

    from assessments.models import DossierEvent, EvaluationCycle
    from recognition.models import Document

    cycle = EvaluationCycle.objects.filter(province=province, year=year).first()
    if cycle is None:
        return []
    today = today or timezone.localdate()
    first_sent = {
        commune: timezone.localtime(at).date()
        for commune, at in DossierEvent.objects.filter(
            dossier__year=year,
            dossier__commune__cycle_entries__cycle=cycle,
            to_state=workflow.target_of("submit"),
        )
        .values_list("dossier__commune")
        .annotate(first=Min("at"))
    }
    expected = cycle.entries.count()
    on_time = [day for day in first_sent.values() if day <= cycle.reports_due]
    reports = Deadline(
        kind="reports",
        label=_("Commune reports"),
        day=cycle.reports_due,
        days_left=(cycle.reports_due - today).days,
        sent=len(on_time),
        expected=expected,
        done_on=max(on_time, default=None),
    )
    if reports.passed or (expected and len(on_time) == expected):
        reports = replace(reports, met=len(on_time) == expected)
    sent_on = (
        Document.objects.filter(
            kind=Document.Kind.MINISTRY_REPORT, province=province, year=year, sent_on__isnull=False
        )
        .order_by("sent_on")
        .values_list("sent_on", flat=True)
        .first()
    )
    ministry = Deadline(
        kind="ministry_report",
        label=_("Report to the Ministry"),
        day=cycle.ministry_report_due,
        days_left=(cycle.ministry_report_due - today).days,
        done_on=sent_on,
    )
    if ministry.passed or sent_on is not None:
        ministry = replace(ministry, met=sent_on is not None and sent_on <= cycle.ministry_report_due)
    return [reports, ministry]


def predecessors_history(*, province, year: int, since: int = 2022) -> list[dict]:
    """For each unit in place at the end of `year` that replaced others: its state that year beside its
    predecessors' states in the years before the reform (two queries)."""
    from django.db.models import Prefetch

    units = (
        Commune.objects.valid_on(year_end(year))
        .filter(province=province, predecessors__isnull=False)
        .distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "predecessors",
                queryset=Commune.objects.order_by("name").prefetch_related(
                    Prefetch("dossiers", queryset=Dossier.objects.filter(year__gte=since, year__lt=year))
                ),
            ),
            Prefetch("dossiers", queryset=Dossier.objects.filter(year=year), to_attr="this_year"),
        )
    )
    rows = []
    for unit in units:
        rows.append(
            {
                "unit": unit,
                "state": unit.this_year[0].get_state_display() if unit.this_year else "",
                "predecessors": [
                    {
                        "name": p.name,
                        "years": {d.year: d.get_state_display() for d in p.dossiers.all()},
                    }
                    for p in unit.predecessors.all()
                ],
            }
        )
    return rows


def national_rows(*, provinces, year: int) -> list[dict]:
    """One row per province: its units at the year's end, recognised, %, target, Article 4 classes; in a
    fixed number of queries whatever the number of provinces and units (the units, their tallies, the
    cycles' targets)."""
    from assessments.models import EvaluationCycle

    end = year_end(year)
    ids = [p.pk for p in provinces]
    units = dict(
        Commune.objects.valid_on(end).filter(province__in=ids).values_list("province").annotate(n=Count("pk"))
    )
    recognised: dict[int, int] = {}
    class_counts: dict[tuple[int, str], int] = {}
    for row in tally_rows(
        years=[year], units=Q(province_id__in=ids), by=("province_id", "state", "classification")
    ):
        if row["state"] in Dossier.RECOGNISED_STATES:
            recognised[row["province_id"]] = recognised.get(row["province_id"], 0) + row["count"]
        if row["classification"] is not None:
            key = (row["province_id"], row["classification"])
            class_counts[key] = class_counts.get(key, 0) + row["count"]
    targets = dict(
        EvaluationCycle.objects.filter(year=year, province__in=ids).values_list("province", "target_percent")
    )
    rows = []
    for province in provinces:
        n = units.get(province.pk, 0)
        r = recognised.get(province.pk, 0)
        rows.append(
            {
                "province": province,
                "units": n,
                "recognised": r,
                "percent": round(100 * r / n, 1) if n else 0.0,
                "target_percent": targets.get(province.pk),
                "classes": [class_counts.get((province.pk, c), 0) for c in CLASSES],
            }
        )
    return rows
