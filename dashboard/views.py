"""Dashboards (read-only): progress by district and commune, charts, exports. Thin views over selectors."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import workflow
from assessments.classification import KeyAreaType
from assessments.models import Dossier
from communes.exports import csv_response, xlsx_response
from communes.fragments import cached_value, list_key, page_number, seen_by
from communes.pagination import CountedPaginator
from communes.selectors import active_posts_of, districts_in_view
from communes.text import document_number

from . import selectors
from .charts import bar_chart
from .forms import STATE_LABELS, DashboardForm, YearForm, parse_params
from .permissions import sees_whole_districts
from .tables import commune_table_rows, district_table_rows


@require_GET
def dashboard(request):
    """The whole dashboard is cached per scope, validated parameters and day; any change to a dossier
    in the user's scope or to a unit changes the versions in its key (communes.fragments)."""
    data = parse_params(request.GET)  # each value kept only if valid
    page = page_number(request.GET.get("page"))
    # Only districts the user sees make cache keys: any other code is computed (it finds nothing).
    outside = data.get("district") and data["district"] not in dict(districts_in_view(request.user))
    key = None if outside else list_key(data, page)
    seen = seen_by(request.user, "units", "dossiers")

    def compute() -> tuple[int, str]:
        return _render_dashboard(request, data=data, page=page, figures_key=":".join(seen))

    year, content = (
        compute() if key is None else cached_value(parts=("dashboard", *seen, *key), compute=compute)
    )
    return render(request, "dashboard/dashboard.html", {"year": year, "content": mark_safe(content)})  # noqa: S308


def _render_dashboard(request, *, data: dict, page: int, figures_key: str) -> tuple[int, str]:
    year = data.get("year") or selectors.default_year(user=request.user)
    waiting_days = settings.REMINDER_AFTER_DAYS
    this_year = timezone.localdate().year

    def figures() -> dict:
        """The figures above the commune list, cached on their own: shared by every page and filter of
        the list below them."""
        per_year_years = list(range(2022, this_year + 1))
        # Read once for the table and the chart.
        tallies = selectors.scope_tallies(user=request.user, year=year, years=per_year_years)
        units = selectors.scope_units(user=request.user)
        rows = selectors.district_rows(
            user=request.user,
            year=year,
            waiting_days=waiting_days,
            sort=data.get("sort", ""),
            tallies=tallies,
            units=units,
        )
        per_year = selectors.recognised_per_year(
            user=request.user, years=per_year_years, tallies=tallies, units=units
        )
        return {
            "rows": rows,
            "district_table": district_table_rows(rows, year=year),
            "total": selectors.total_row(rows, name=_("Total")),
            "against": selectors.decided_against_recommendation(user=request.user, year=year),
            "headline": selectors.headline(
                rows=rows,
                year=year,
                waiting_days=waiting_days,
                whole_districts=sees_whole_districts(request.user),
            ),
            "per_year": per_year,
            "per_year_chart": bar_chart(
                per_year,
                label="year",
                series=[
                    ("border_recognised", _("Border communes"), "#8b1a1a"),
                    ("recognised", _("All communes"), "#0b4f9c"),
                ],
                title=_("Recognised communes per year"),
            ),
            "district_chart": bar_chart(
                [{"name": r.name, "recognised": r.recognised, "communes": r.communes} for r in rows],
                label="name",
                series=[("recognised", _("Recognised"), "#1d6b2f"), ("communes", _("Communes"), "#9aa5b1")],
                title=_("Recognised communes by district, %(year)s") % {"year": year},
            ),
        }

    figures_now = cached_value(
        parts=("dashboard-figures", figures_key, year, data.get("sort", ""), translation.get_language()),
        compute=figures,
    )
    filters = {k: data.get(k, "") for k in ("district", "state", "border")}
    communes = selectors.commune_list(
        user=request.user,
        year=year,
        district_code=filters["district"],
        state=filters["state"],
        border=filters["border"],
        paged=True,
    )
    rows = figures_now["rows"]
    if filters["district"]:
        rows = [r for r in rows if r.code == filters["district"]]
    if selectors.CommunesByDistrict.applies(rows, state=filters["state"], border=filters["border"]):
        communes = selectors.CommunesByDistrict(communes, rows)
    page_obj = CountedPaginator(
        communes,
        50,
        # The list's length is the district table's when the filters are its own: no COUNT of the list.
        count=selectors.commune_count(
            rows=figures_now["rows"],
            district_code=filters["district"],
            state=filters["state"],
            border=filters["border"],
        ),
    ).get_page(page)
    # The filter's choices: the districts of the table (those with communes in the scope that year).
    districts = sorted((r.code, r.name) for r in figures_now["rows"] if r.code)
    form = DashboardForm(
        initial={"year": year, **filters},
        districts=districts,
    )
    query = urlencode(data)
    html = render_to_string(
        "dashboard/_content.html",
        {
            "request": request,
            "LANGUAGE_CODE": translation.get_language(),
            "year": year,
            "form": form,
            "figures": figures_now,
            "state_labels": STATE_LABELS,
            "page": page_obj,
            "commune_rows": commune_table_rows(page_obj, state_label=lambda s: _state_label(STATE_LABELS, s)),
            "sort": data.get("sort", ""),
            "query": query,
            "page_query": f"{query}&" if query else "",
        },
    )
    return year, html


def _state_key(state: str | None) -> str:
    """The column counting a dossier in `state` (the workflow tables say; never raises)."""
    if not state:
        return "not_started"
    return selectors.COLUMN_OF_STATE.get(state, state)


def _state_label(labels: dict, state: str | None) -> str:
    key = _state_key(state)
    return labels.get(key) or str(dict(Dossier.State.choices).get(state, state))


def district_header() -> list[str]:
    """The district export's heading, in Vietnamese whatever the reader's language: one column per
    column of the workflow tables."""
    with translation.override("vi"):
        return [
            "Mã huyện",
            "Đơn vị cấp huyện",
            "Huyện biên giới",
            "Số xã",
            "Chưa lập hồ sơ",
            *[str(label) for label in STATE_LABELS.values()][1:],
            "Tỷ lệ công nhận (%)",
        ]


COMMUNE_HEADER = [
    "Mã xã",
    "Tên xã",
    "Mã huyện",
    "Đơn vị cấp huyện",
    "Xã biên giới",
    "Năm",
    "Trạng thái hồ sơ",
    "Số quyết định",
    "Ngày quyết định",
    "Hiệu lực đến",
    "Lý do (quyết định)",
    "Khác đề nghị của công an",
    "Số quyết định thu hồi",
    "Ngày thu hồi",
    "Lý do thu hồi",
]


@require_GET
def export(request, table: str, fmt: str):
    """The district table or the commune list, as the dashboard shows them, in CSV or XLSX."""
    if table not in ("districts", "communes") or fmt not in ("csv", "xlsx"):
        raise Http404
    data = parse_params(request.GET)  # a district the user does not see just finds nothing
    year = data.get("year") or selectors.default_year(user=request.user)
    if table == "districts":
        rows = selectors.district_rows(
            user=request.user, year=year, waiting_days=settings.REMINDER_AFTER_DAYS, sort=data.get("sort", "")
        )
        header = district_header()
        body = [
            [
                r.code,
                r.name,
                "Có" if r.is_border else "Không",
                r.communes,
                r.not_started,
                *[r.counts[k] for k in selectors.STATE_COLUMNS],
                r.percent,
            ]
            for r in rows
        ]
        name, sheet = f"tien-do-theo-huyen-{year}", f"Theo huyện {year}"
        # The total row: each count summed; the rate of the whole, not a sum of rates.
        whole = selectors.total_row(rows, name="Tổng cộng")
        total = [
            "",
            whole.name,
            "",
            whole.communes,
            whole.not_started,
            *[whole.counts[k] for k in selectors.STATE_COLUMNS],
            whole.percent,
        ]
        title = f"Tiến độ xây dựng xã không ma túy theo đơn vị cấp huyện, năm {year}"
    else:
        communes = selectors.with_decisions(
            selectors.commune_list(
                user=request.user,
                year=year,
                district_code=data.get("district", ""),
                state=data.get("state", ""),
                border=data.get("border", ""),
            )
        )
        header = COMMUNE_HEADER
        with translation.override("vi"):  # the exports are in Vietnamese, like their headers
            labels = {key: str(label) for key, label in STATE_LABELS.items()}
        body = [
            [
                c.code,
                c.name,
                c.district.code if c.district else "",
                c.district.name if c.district else c.province.name,
                "Có" if c.is_border else "Không",
                year,
                _state_label(labels, c.dossier_state),
                document_number(c.decision_number, c.decision_symbol),
                c.decision_date,
                c.decision_valid_until if c.revoked_on is None else None,
                c.decision_reasons or "",
                "Có" if c.against_recommendation else "",
                document_number(c.revocation_number, c.revocation_symbol),
                c.revoked_on,
                c.revocation_reason or "",
            ]
            for c in communes
        ]
        name, sheet = f"danh-sach-xa-{year}", f"Danh sách xã {year}"
        total, title = None, f"Danh sách đơn vị cấp xã và tình trạng hồ sơ, năm {year}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, body + ([total] if total else []))
    with translation.override("vi"):
        posts = ", ".join(f"{p.get_role_display()} {p.unit or ''}".strip() for p in active_posts_of(request))
        subtitle = f"Lập ngày {timezone.localdate():%d/%m/%Y}" + (f"; phạm vi: {posts}" if posts else "")
    return xlsx_response(f"{name}.xlsx", sheet, header, body, title=title, subtitle=subtitle, total=total)


def _provinces_seen(user):
    from communes.permissions import provinces_followed

    return provinces_followed(user).order_by("code")


def _year_asked(request, year: int | None) -> int:
    """The year of the path, else a valid `?year=` (as on /dashboard/: anything else is ignored), else
    this year."""
    return year or parse_params(request.GET).get("year") or timezone.localdate().year


@require_GET
def cycle(request, year: int | None = None):
    """A province's year under Decision 28: progress against the target, the funnel, the Article 4
    classes, the border units, the days left to each deadline, and each new unit beside the history of
    the units it replaced. The Ministry's viewer picks the province (?province=<code>)."""
    from django.core.exceptions import PermissionDenied

    provinces = _provinces_seen(request.user)
    code = request.GET.get("province", "")
    province = provinces.filter(code=code).first() if code else provinces.first()
    if province is None:
        if code and provinces.exists():
            raise Http404
        raise PermissionDenied
    year = _year_asked(request, year)
    # One key-area type, or all of them (anything else reads as all).
    key_area = request.GET.get("key_area", "")
    key_area = key_area if key_area in KeyAreaType.values and key_area else ""
    # Cached under the versions of what the user sees (any dossier or unit change makes a new key).
    seen = seen_by(request.user, "units", "dossiers")
    overview, history = cached_value(
        parts=("cycle", *seen, province.pk, year),
        compute=lambda: (
            selectors.cycle_overview(province=province, year=year),
            selectors.predecessors_history(province=province, year=year),
        ),
    )
    return render(
        request,
        "dashboard/cycle.html",
        {
            "province": province,
            "year": year,
            "overview": overview,
            "funnel": [(FUNNEL_LABELS[step], n) for step, n in overview["funnel"]],
            "classes": [(KeyAreaType(c).label, n) for c, n in overview["classes"]],
            "achieved_key_areas": [
                (KeyAreaType(c).label, name)
                for c, name in overview["achieved_key_areas"]
                if not key_area or c == key_area
            ],
            "key_area": key_area,
            "key_area_choices": [(t.value, t.label) for t in KeyAreaType if t.value],
            # Paged: 25 units a page, a few screens on a phone and at most 3 A4 pages printed.
            "history": Paginator(history, 25).get_page(request.GET.get("page")),
            "history_years": list(range(2022, min(year, 2025))),
            "several_provinces": provinces.count() > 1,
            "deadlines": selectors.cycle_deadlines(province=province, year=year),
            "year_form": YearForm(initial={"year": year}),
        },
    )


@require_GET
def national(request, year: int | None = None):
    """The country: one row per province the user sees (the Ministry's viewer: every one), each with a
    link to its cycle's dashboard."""
    from django.core.exceptions import PermissionDenied

    provinces = list(_provinces_seen(request.user))
    if not provinces:
        raise PermissionDenied
    year = _year_asked(request, year)
    rows = cached_value(
        parts=("national", *seen_by(request.user, "units", "dossiers"), year),
        compute=lambda: selectors.national_rows(provinces=provinces, year=year),
    )
    units = sum(r["units"] for r in rows)
    recognised = sum(r["recognised"] for r in rows)
    return render(
        request,
        "dashboard/national.html",
        {
            "year": year,
            "rows": rows,
            "units": units,
            "recognised": recognised,
            "percent": round(100 * recognised / units, 1) if units else 0.0,
            "class_labels": [KeyAreaType(c).label for c in selectors.CLASSES],
            "year_form": YearForm(initial={"year": year}),
        },
    )


FUNNEL_LABELS = workflow.FUNNEL_STAGES
