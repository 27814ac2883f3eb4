"""Số liệu tổng hợp: the dossiers counted per (unit, year, state, border, class), kept as the data changes.

Each dossier is counted in exactly one `StateTally` row (or none: its commune was not in place at the
end of its year) and remembers which (`Dossier.tally_key`). Whatever changes what a dossier counts as
(its state, its counts' class, its commune's unit, border flag or dates) calls `recount`, in the same
transaction: the dossier's row is locked, one count moves out and one in, in a single
`INSERT … ON CONFLICT DO UPDATE` on rows taken in key order, so concurrent writers never deadlock and
a rolled-back change leaves the tallies as they were.

`tallies_drift` recomputes every tally from the dossiers (the nightly job, which must find none);
`tallies_rebuild` rewrites them (after bulk writes that bypass the models, or when a drift was found).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from .models import Dossier, SituationCounts, StateTally

logger = logging.getLogger(__name__)

# What a dossier counts as: (province, district or None, year, state, border, class or None).
TallyKey = tuple[int, int | None, int, str, bool, str | None]
_FIELDS = (
    "pk",
    "year",
    "state",
    "tally_key",
    "commune__province_id",
    "commune__district_id",
    "commune__is_border",
    "commune__valid_from",
    "commune__valid_until",
    "counts__population",
    "counts__classification",
)


def _tally_of(row: dict) -> TallyKey | None:
    """The tally a dossier counts in, from its row of `_FIELDS`: none when its commune was not in place
    at the end of the dossier's year (the dashboards count the units of that day only)."""
    end = datetime.date(row["year"], 12, 31)
    valid_from, valid_until = row["commune__valid_from"], row["commune__valid_until"]
    if (valid_from is not None and valid_from > end) or (valid_until is not None and valid_until < end):
        return None
    counted = row["counts__population"] is not None
    return (
        row["commune__province_id"],
        row["commune__district_id"],
        row["year"],
        row["state"],
        bool(row["commune__is_border"]),
        (row["counts__classification"] or "") if counted else None,
    )


def key_text(key: TallyKey | None) -> str:
    if key is None:
        return ""
    province, district, year, state, border, classification = key
    cls = "~" if classification is None else classification
    return f"{province}:{district or 0}:{year}:{state}:{int(border)}:{cls}"


def _parse(text: str) -> TallyKey:
    province, district, year, state, border, cls = text.split(":")
    return (
        int(province),
        int(district) or None,
        int(year),
        state,
        border == "1",
        None if cls == "~" else cls,
    )


def _add(deltas: dict[str, int]) -> None:
    """Add each delta to its tally row (created at need): one statement, rows in key order."""
    rows = [(text, delta) for text, delta in sorted(deltas.items()) if delta and text]
    if not rows:
        return
    table = connection.ops.quote_name(StateTally._meta.db_table)
    values: list[str] = []
    params: list[str | int | bool | None] = []
    for text, delta in rows:
        province, district, year, state, border, cls = _parse(text)
        values.append("(%s, %s, %s, %s, %s, %s, %s, %s)")
        params.extend([text, province, district, year, state, border, cls, delta])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, province_id, district_id, year, state, is_border, classification,"
            f" count) VALUES {', '.join(values)}"
            f" ON CONFLICT (key) DO UPDATE SET count = {table}.count + EXCLUDED.count",
            params,
        )


@transaction.atomic
def recount(*, dossier_ids: Iterable[int] = (), commune_id: int | None = None) -> int:
    """Move the given dossiers (or every dossier of the commune) to the tallies they count in now;
    returns how many moved. Locks their rows (the caller's transaction may already hold them)."""
    if commune_id is not None:
        chosen = Dossier.objects.filter(commune_id=commune_id)
    else:
        ids = sorted(set(dossier_ids))
        if not ids:
            return 0
        chosen = Dossier.objects.filter(pk__in=ids)
    rows = list(chosen.order_by("pk").select_for_update(of=("self",)).values(*_FIELDS))
    deltas: Counter[str] = Counter()
    moved: dict[int, str] = {}
    for row in rows:
        now = key_text(_tally_of(row))
        if now != row["tally_key"]:
            deltas[row["tally_key"]] -= 1
            deltas[now] += 1
            moved[row["pk"]] = now
    _add(deltas)
    for pk, text in moved.items():
        Dossier.objects.filter(pk=pk).update(tally_key=text)
    return len(moved)


@transaction.atomic
def forget(*, dossier_id: int) -> None:
    """A dossier about to be deleted leaves its tally."""
    text = Dossier.objects.filter(pk=dossier_id).values_list("tally_key", flat=True).first()
    if text:
        _add({text: -1})
        Dossier.objects.filter(pk=dossier_id).update(tally_key="")


# --- reading --------------------------------------------------------------------------------------


def tally_rows(
    *, years: Iterable[int], units: Q, by: tuple[str, ...] = ("state", "is_border", "classification")
) -> list[dict]:
    """The tallies of `years` for the units matched by `units` (a Q on province / district), summed in the
    database per `by` (fields of StateTally) and year."""
    return [
        dict(row)
        for row in StateTally.objects.filter(units, year__in=list(years), count__gt=0)
        .values("year", *by)
        .annotate(count=Sum("count"))
        .order_by()
    ]


def column_sums(
    *,
    units: Q,
    year: int,
    years: list[int],
    columns: dict[str, tuple[str, ...]],
    per_year: tuple[str, ...] = ("recognised",),
) -> dict:
    """For the units matched by `units`: per district (None: directly under the province) in `year`, the
    dossiers in each column's states, and border communes in the "recognised" column's; per year of
    `years`, the same sums of the `per_year` columns only (the others 0: the tallies of other states are
    not read). One query (two grouped sums, UNION ALL), a row per district and per year.

    Written as SQL: through the ORM, compiling a conditional sum per column twice took most of the
    time of the query (about 5 ms on every computed dashboard); only the unit condition is compiled."""
    found: dict[str, dict] = {"district": {}, "year": {}}
    years = years or [year]
    try:
        query = StateTally.objects.filter(units).query
        where, where_params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:  # a scope of no unit
        return found
    except FullResultSet:  # every unit (an administrator)
        where, where_params = "", []
    if sum(1 for refs in query.alias_refcount.values() if refs) > 1:
        raise ValueError("column_sums: `units` may only name the tallies' own columns (no join)")
    q = connection.ops.quote_name
    table, count, state, year_column, district, border = (
        q(name) for name in (StateTally._meta.db_table, "count", "state", "year", "district_id", "is_border")
    )

    def sums_of(chosen: dict[str, tuple[str, ...]]) -> tuple[str, list[str]]:
        """A sum per column (0 for a column not chosen), then the border communes among the recognised."""
        sums: list[str] = []
        params: list[str] = []
        for only_border, states in [
            *((False, chosen.get(key, ())) for key in columns),
            (True, chosen.get("recognised", ())),
        ]:
            if not states:
                sums.append("0")
                continue
            inside = f"{state} IN ({', '.join(['%s'] * len(states))})"
            sums.append(
                f"SUM(CASE WHEN {border + ' AND ' if only_border else ''}{inside} THEN {count} ELSE 0 END)"
            )
            params.extend(states)
        return ", ".join(sums), params

    select, sum_params = sums_of(columns)
    yearly = {key: columns[key] for key in per_year if key in columns}
    year_select, year_params = sums_of(yearly)
    # The years' part reads only the tallies of the states it sums (at 10,000 communes, a third of them).
    year_states = sorted({s for states in yearly.values() for s in states}) or [""]
    condition = f"({where or '1 = 1'}) AND {count} > 0"
    sql = (
        f"SELECT 'district', {district}, {select} FROM {table} WHERE {condition} AND {year_column} = %s"
        f" GROUP BY {district} UNION ALL SELECT 'year', {year_column}, {year_select} FROM {table}"
        f" WHERE {condition} AND {year_column} IN ({', '.join(['%s'] * len(years))})"
        f" AND {state} IN ({', '.join(['%s'] * len(year_states))}) GROUP BY {year_column}"
    )
    params = [*sum_params, *where_params, year, *year_params, *where_params, *years, *year_states]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, key, *numbers in cursor.fetchall():
            found[kind][key] = {
                **{column: numbers[i] or 0 for i, column in enumerate(columns)},
                "border_recognised": numbers[-1] or 0,
            }
    return found


# --- the nightly check, and the rebuild -----------------------------------------------------------


def _key_sql() -> tuple[str, str]:
    """The key `key_text(_tally_of(row))` gives, as SQL over the dossier `d` (the same text on PostgreSQL
    and SQLite), and the tables it reads: so the nightly pass and the rebuild run in the database."""
    from communes.models import Commune

    q = connection.ops.quote_name
    dossier, commune = q(Dossier._meta.db_table), q(Commune._meta.db_table)
    counts = q(SituationCounts._meta.db_table)
    end = "(CAST(d.year AS TEXT) || '-12-31')"
    # Dates are compared as ISO text on SQLite; PostgreSQL compares the date with the text cast to date.
    end_date = end if connection.vendor == "sqlite" else f"CAST({end} AS DATE)"
    cls = (
        f"COALESCE((SELECT CASE WHEN sc.population IS NULL THEN '~' ELSE COALESCE(sc.classification, '') END"
        f" FROM {counts} sc WHERE sc.dossier_id = d.id), '~')"
    )
    key = (
        f"CASE WHEN (c.valid_from IS NULL OR c.valid_from <= {end_date})"
        f" AND (c.valid_until IS NULL OR c.valid_until >= {end_date})"
        f" THEN CAST(c.province_id AS TEXT) || ':' || CAST(COALESCE(c.district_id, 0) AS TEXT) || ':'"
        f" || CAST(d.year AS TEXT) || ':' || d.state || ':' || CASE WHEN c.is_border THEN '1' ELSE '0' END"
        f" || ':' || {cls} ELSE '' END"
    )
    return key, f"{dossier} d JOIN {commune} c ON c.id = d.commune_id"


def _expected() -> Counter[str]:
    """Every tally computed from the dossiers, in one grouped query."""
    key, tables = _key_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} AS k, COUNT(*) FROM {tables} GROUP BY k")
        return Counter({text: n for text, n in cursor.fetchall() if text})


@dataclass(frozen=True)
class Drift:
    """A tally that differs from the dossiers' count (chênh lệch)."""

    key: str
    kept: int
    counted: int

    def __str__(self) -> str:
        return f"{self.key}: kept {self.kept}, counted {self.counted}"


def tallies_drift() -> list[Drift]:
    """Every tally whose kept count differs from the count of the dossiers, sorted by key; and every
    dossier that remembers another key than the one it counts in (kept -1: it would move a wrong count)."""
    expected = _expected()
    kept = dict(StateTally.objects.exclude(count=0).values_list("key", "count"))
    drift = [
        Drift(key=key, kept=kept.get(key, 0), counted=expected.get(key, 0))
        for key in sorted(set(expected) | set(kept))
        if kept.get(key, 0) != expected.get(key, 0)
    ]
    key, tables = _key_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.id, d.tally_key, {key} FROM {tables} WHERE d.tally_key <> {key}")
        drift.extend(
            Drift(key=f"dossier {pk}: {old!r} → {new!r}", kept=-1, counted=-1) for pk, old, new in cursor
        )
    return drift


@transaction.atomic
def tallies_rebuild() -> int:
    """Rewrite every tally and every dossier's key from the dossiers, in the database (locking the
    tallies against concurrent moves); returns the number of rows written."""
    table = connection.ops.quote_name(StateTally._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table}")
    key, _tables = _key_sql()
    from communes.models import Commune

    dossier = connection.ops.quote_name(Dossier._meta.db_table)
    commune = connection.ops.quote_name(Commune._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {dossier} AS d SET tally_key = {key} FROM {commune} c"
            f" WHERE c.id = d.commune_id AND d.tally_key IS DISTINCT FROM {key}"
            if connection.vendor == "postgresql"
            else f"UPDATE {dossier} AS d SET tally_key = {key} FROM {commune} c WHERE c.id = d.commune_id"
        )
    StateTally.objects.all().delete()
    counts = Counter(
        dict(
            Dossier.objects.exclude(tally_key="").values_list("tally_key").annotate(n=Count("pk")).order_by()
        )
    )
    _add_in_batches(counts)
    return len(counts)


def _add_in_batches(counts: Counter[str], size: int = 500) -> None:
    items = sorted(counts.items())
    for start in range(0, len(items), size):
        _add(dict(items[start : start + size]))
