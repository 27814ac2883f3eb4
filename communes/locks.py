"""Row locks (khóa dòng) for the services that change several rows at once."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def lock_rows(queryset: QuerySet[M]) -> list[M]:
    """Lock the rows of `queryset` and return them, in the caller's transaction.

    Always in primary-key order, so that two transactions taking some of the same rows take them in the
    same order (never each holding what the other waits for), and only the queryset's own table
    (`of=("self",)`): rows joined for reading (select_related) stay free. After Saleor's lock_objects."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))
