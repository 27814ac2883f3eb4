"""Append-only records (the audit log, a dossier's history, the numbers taken in a register): written
once, never changed nor deleted, through the model or its queryset alike. One base, one exception and
one message for all of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MESSAGE = _("This record is kept as it was written: it can be neither changed nor deleted.")


class AppendOnlyError(ValidationError):
    """A change or a deletion of an append-only record was attempted."""

    def __init__(self):
        super().__init__(MESSAGE, code="append_only")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError

    def delete(self):
        raise AppendOnlyError

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError


class AppendOnlyModel(models.Model):
    """Saved once (a row already stored refuses `save`); `delete` always refused."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError
