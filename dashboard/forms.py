from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from assessments.workflow import COLUMNS

from .selectors import SORT_KEYS, STATE_COLUMNS

# "Not started", then the workflow tables' columns (assessments.workflow.COLUMNS), in their order.
STATE_LABELS = {"not_started": _("Not started"), **COLUMNS}


def year_choices() -> list[tuple[int, int]]:
    """The years a dashboard offers: this year back to 2022 (every page offers the same)."""
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year, 2021, -1)]


class YearForm(forms.Form):
    """The choice of year on the pages that show one year (the country, a province's cycle)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()


class DashboardForm(YearForm):
    district = forms.ChoiceField(label=_("District"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states"))] + [(k, STATE_LABELS[k]) for k in ("not_started", *STATE_COLUMNS)],
    )
    border = forms.ChoiceField(
        label=_("Border communes"),
        required=False,
        choices=[
            ("", _("All communes")),
            ("1", _("Border communes only")),
            ("0", _("Non-border communes only")),
        ],
    )

    def __init__(self, *args, districts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = PlainChoices([("", _("All districts")), *districts])


class PlainChoices(BaseChoiceIterator):
    """Choices already made of (value, label) pairs, taken as they are: Django normalises a plain list
    pair by pair, about 2 ms for the 500 districts of a national-sized province on every dashboard."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)


def parse_params(query) -> dict:
    """Year, sort, district, state and border from a query string, keeping only valid values."""
    data = {}
    try:
        year = int(query.get("year", ""))
    except ValueError:
        year = None
    if year and 2000 <= year <= timezone.localdate().year + 1:
        data["year"] = year
    sort = query.get("sort", "")
    if sort.lstrip("-") in SORT_KEYS:
        data["sort"] = sort
    district = query.get("district", "")
    if district.isdigit() and len(district) == 3:
        data["district"] = district
    if query.get("state", "") in ("not_started", *STATE_COLUMNS):
        data["state"] = query["state"]
    if query.get("border", "") in ("0", "1"):
        data["border"] = query["border"]
    return data
