"""The evaluation year in a path: from the earliest criteria set's first year to next year. Any other
number (99999, twenty digits) is not a page: 404, never a 500 from a date that cannot be built."""

from django.utils import timezone


def supported_years() -> range:
    """Năm đánh giá: the years a criteria set covers, up to next year (a cycle is opened ahead)."""
    from .models import CriteriaSet

    first = CriteriaSet.objects.order_by("year_from").values_list("year_from", flat=True).first()
    this_year = timezone.localdate().year
    return range(first or this_year, this_year + 2)


class EvaluationYearConverter:
    regex = "[0-9]{1,20}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year not in supported_years():
            raise ValueError(value)  # the path does not match: 404
        return year

    def to_url(self, value) -> str:
        return str(value)
