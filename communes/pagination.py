"""A page of a long list without counting the list: one query of page size + 1 rows tells whether a next
page exists. For lists that grow with the years (every dossier in scope: 44,000 at national scale),
where "page 3 of 1,786" is worth less than the COUNT(*) it costs on every request."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.functional import cached_property


@dataclass
class UncountedPage:
    object_list: list
    number: int
    has_next: bool
    paginator = None  # no total: templates show "Page N" only

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def count_if_known(self) -> int | None:
        """The list's length when this page shows all of it (page 1 with no next page)."""
        return len(self.object_list) if self.number == 1 and not self.has_next else None


def uncounted_page(queryset, number: int, per_page: int) -> UncountedPage:
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return UncountedPage(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


class CountedPaginator(Paginator):
    """A paginator told the list's length when the caller knows it without counting (None: counted)."""

    def __init__(self, object_list, per_page, *, count: int | None):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else super().count
