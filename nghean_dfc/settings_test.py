"""Test settings: the same as production settings, with fast hashing and an isolated media folder."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# As a deployment sets it; the processes the tests start (gunicorn, the worker) inherit it.
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
# Each pytest-xdist worker (gw0, gw1, …) has a Redis database of its own (9, 10, … from REDIS_URL's 9):
# the Celery-worker tests running on two workers at once never take each other's tasks or flush them.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    if _db.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{int(_db) + int(_xdist_worker[2:])}"

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="nghean-dfc-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "communes.storage.WholeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run Celery tasks in-process; the worker tests start a real worker on Redis instead.
CELERY_TASK_ALWAYS_EAGER = True
# Tests talk plain HTTP to the test client and to the live server; the production security settings
# are checked by tests/test_security.py, which turns them back on.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": "test",
        "KEY_FUNCTION": "communes.deployment.make_key",
    }
}
