"""Where uploaded evidence and rendered documents are kept (lưu trữ tệp)."""

import logging
import os

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)


class WholeFileSystemStorage(FileSystemStorage):
    """Django's file-system storage that never leaves a partial file behind.

    A write that fails part-way (the disk is full, ENOSPC; an I/O error) leaves a truncated file at the
    name Django chose; it would be served later as if whole. It is removed before the error goes on, so
    the caller can refuse the upload and nothing half-written stays on disk.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed and os.path.lexists(full_path):
                try:
                    os.remove(full_path)
                except OSError:  # the removal failing too must not hide the first error
                    logger.exception("Could not remove the partial file %s", full_path)
            raise
