"""Dashboards (read-only): progress by district and commune, charts, exports. Thin views over selectors."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communes.fragments import cached_value, seen_by

from . import selectors
from .charts import bar_chart
from .exports import csv_response, xlsx_response
from .forms import STATE_LABELS, DashboardForm, parse_params


def _params(request):
    """Year, sort and filters from the query string; a value that is not valid is ignored.
    (The district is only a filter inside the user's scope: an unknown code just finds nothing.)"""
    data = parse_params(request.GET)
    year = data.get("year") or selectors.default_year(user=request.user)
    return year, data


@login_required
@require_GET
def dashboard(request):
    """The whole dashboard is cached per scope, query and day; any change to a dossier or a unit
    bumps the versions in its key (communes.fragments)."""
    seen = seen_by(request.user, "units", "dossiers")
    year, content = cached_value(
        parts=("dashboard", *seen, request.GET.urlencode()),
        compute=lambda: _render_dashboard(request, figures_key=":".join(seen)),
    )
    return render(request, "dashboard/dashboard.html", {"year": year, "content": mark_safe(content)})  # noqa: S308


def _render_dashboard(request, *, figures_key: str) -> tuple[int, str]:
    year, data = _params(request)
    waiting_days = settings.REMINDER_AFTER_DAYS
    this_year = timezone.localdate().year

    def figures() -> dict:
        """Computed only when the cached figures are missing (the template's {% cache %}), shared by
        every page of the commune list below them."""
        rows = selectors.district_rows(
            user=request.user, year=year, waiting_days=waiting_days, sort=data.get("sort", "")
        )
        per_year = selectors.recognised_per_year(user=request.user, years=list(range(2022, this_year + 1)))
        return {
            "rows": rows,
            "headline": selectors.headline(rows=rows, year=year, waiting_days=waiting_days),
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

    communes = selectors.commune_list(
        user=request.user,
        year=year,
        district_code=data.get("district", ""),
        state=data.get("state", ""),
        border=data.get("border", ""),
    )
    page = Paginator(communes, 50).get_page(request.GET.get("page"))
    for commune in page:
        commune.state_label = STATE_LABELS[_state_key(commune.dossier_state)]
    form = DashboardForm(
        initial={"year": year, **{k: data.get(k, "") for k in ("district", "state", "border")}},
        districts=selectors.districts_in_scope(user=request.user, year=year),
    )
    html = render_to_string(
        "dashboard/_content.html",
        {
            "request": request,
            "LANGUAGE_CODE": translation.get_language(),
            "year": year,
            "form": form,
            "figures": figures,
            "figures_key": f"{figures_key}:{year}:{data.get('sort', '')}",
            "state_labels": STATE_LABELS,
            "page": page,
            "sort": data.get("sort", ""),
            "query": request.GET.urlencode(),
        },
    )
    return year, html


def _state_key(state: str | None) -> str:
    if not state:
        return "not_started"
    return next(key for key, states in selectors.STATE_COLUMNS.items() if state in states)


DISTRICT_HEADER = [
    "Mã huyện",
    "Đơn vị cấp huyện",
    "Huyện biên giới",
    "Số xã",
    "Chưa lập hồ sơ",
    "Nháp hoặc trả lại",
    "Đã nộp",
    "Đang thẩm định",
    "Đã thẩm định",
    "Được công nhận",
    "Không được công nhận",
    "Bị thu hồi",
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
]


@login_required
@require_GET
def export(request, table: str, fmt: str):
    """The district table or the commune list, as the dashboard shows them, in CSV or XLSX."""
    if table not in ("districts", "communes") or fmt not in ("csv", "xlsx"):
        raise Http404
    year, data = _params(request)
    if table == "districts":
        rows = selectors.district_rows(
            user=request.user, year=year, waiting_days=settings.REMINDER_AFTER_DAYS, sort=data.get("sort", "")
        )
        header = DISTRICT_HEADER
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
    else:
        communes = selectors.commune_list(
            user=request.user,
            year=year,
            district_code=data.get("district", ""),
            state=data.get("state", ""),
            border=data.get("border", ""),
        )
        header = COMMUNE_HEADER
        with translation.override("vi"):  # the exports are in Vietnamese, like their headers
            labels = {key: str(label) for key, label in STATE_LABELS.items()}
        body = [
            [
                c.code,
                c.name,
                c.district.code,
                c.district.name,
                "Có" if c.is_border else "Không",
                year,
                labels[_state_key(c.dossier_state)],
            ]
            for c in communes
        ]
        name, sheet = f"danh-sach-xa-{year}", f"Danh sách xã {year}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, body)
    return xlsx_response(f"{name}.xlsx", sheet, header, body)
