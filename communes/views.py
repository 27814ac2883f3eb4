from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Commune, District
from .permissions import can_view_commune
from .selectors import communes_for_list


@login_required
def commune_list(request):
    """Danh sách đơn vị: the communes in the user's scope, searchable with or without diacritics."""
    query = request.GET.get("q", "").strip()
    district_code = request.GET.get("district", "")
    border = request.GET.get("border", "")
    communes = communes_for_list(user=request.user, query=query, district_code=district_code, border=border)
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
            "districts": districts,
        },
    )


@login_required
def commune_detail(request, code: str):
    commune = get_object_or_404(Commune.objects.select_related("district__province"), code=code)
    if not can_view_commune(request.user, commune):
        # Out of scope looks the same as absent: no leaking which units exist.
        raise Http404
    return render(request, "communes/commune_detail.html", {"commune": commune})
