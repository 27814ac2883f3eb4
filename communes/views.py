from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import Commune, District
from .permissions import can_view_commune, communes_visible_to
from .selectors import communes_for_list


def commune_list(request):
    """Danh sách đơn vị: the communes in the user's scope, searchable with or without diacritics."""
    query = request.GET.get("q", "").strip()
    district_code = request.GET.get("district", "")
    border = request.GET.get("border", "")
    # Units in place today by default; "all" shows the history too (2020-2024, 2025, since 1 July 2025).
    period = request.GET.get("period", "")
    on = None if period == "all" else timezone.localdate()
    if on is not None and not communes_for_list(user=request.user, on=on).exists():
        on = None  # an official of units that no longer exist (the district procedure) sees their history
    communes = communes_for_list(
        user=request.user, query=query, district_code=district_code, border=border, on=on
    )
    page = Paginator(communes, 50).get_page(request.GET.get("page"))
    districts = District.objects.filter(
        pk__in=communes_for_list(user=request.user).values("district")
    ).order_by("code")
    return render(
        request,
        "communes/commune_list.html",
        {
            "page": page,
            "query": query,
            "district_code": district_code,
            "border": border,
            "period": "all" if on is None else "",
            "districts": districts,
        },
    )


def commune_detail(request, pk: int):
    """A unit, with the units it replaced and those it became (the reform of 1 July 2025)."""
    commune = get_object_or_404(Commune.objects.select_related("district", "province"), pk=pk)
    if not can_view_commune(request.user, commune):
        # Out of scope looks the same as absent: no leaking which units exist.
        raise Http404
    visible = set(
        communes_visible_to(request.user)
        .filter(Q(successors=commune) | Q(predecessors=commune) | Q(pk=commune.pk))
        .values_list("pk", flat=True)
    )
    predecessors = list(commune.predecessors.select_related("district").order_by("name"))
    successors = list(commune.successors.order_by("name"))
    for unit in (*predecessors, *successors):
        unit.visible = unit.pk in visible
    return render(
        request,
        "communes/commune_detail.html",
        {"commune": commune, "predecessors": predecessors, "successors": successors},
    )
