"""Settings for nghean_dfc, read from the environment (django-environ).

The defaults give the zero-setup demo: SQLite and Celery eager. Set DATABASE_URL and REDIS_URL
for the real deployment (PostgreSQL, Redis, a Celery worker).
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key-change-me")
if not SECRET_KEY:
    # Refuse to start a production process with a guessable key.
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_fsm",
    "nghean_dfc.apps.SignInProtectionConfig",  # django-axes, named in Vietnamese in the admin
    "accounts",
    "outbox",
    "communes",
    "assessments",
    "recognition",
    "council",
    "esign",
    "records",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in official unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PrivatePagesMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "assessments.uploads.BodySizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "communes.middleware.PostRequiredMiddleware",
    "communes.confirm.PendingActMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nghean_dfc.urls"
WSGI_APPLICATION = "nghean_dfc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "communes.context_processors.current_posts",
                "assessments.context_processors.unread_notifications",
                "accounts.context_processors.session_timeout",
                "accounts.context_processors.keep_owner",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# With persistent connections (?conn_max_age=60), check a connection before reusing it: after a
# database restart the next request reconnects instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-ins while a username is locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # no object permissions for anonymous users
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["nghean_dfc.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "communes.storage.WholeFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Evidence and PDFs live here and are served only through permission-checked views:
# MEDIA_URL is deliberately never routed.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"
# Behind nginx: hand permitted downloads to an `internal` location (X-Accel-Redirect); empty: Django streams.
PROTECTED_MEDIA_ACCEL_PREFIX = env("PROTECTED_MEDIA_ACCEL_PREFIX", default="")

# Largest evidence file accepted (10 MB by default).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# A DOCX or XLSX may expand to this much (zip bombs are refused before anyone opens them).
EVIDENCE_MAX_UNCOMPRESSED_BYTES = env.int("EVIDENCE_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
# All the files of one dossier together, and how many files one user may send per hour.
EVIDENCE_DOSSIER_QUOTA_BYTES = env.int("EVIDENCE_DOSSIER_QUOTA_BYTES", default=200 * 1024 * 1024)
EVIDENCE_UPLOADS_PER_HOUR = env.int("EVIDENCE_UPLOADS_PER_HOUR", default=60)
# Files beyond EVIDENCE_MAX_BYTES each, or beyond REQUEST_FILES_MAX_BYTES in one save, are not stored
# (assessments.uploads) and the form says which, keeping what was typed; a body over
# REQUEST_BODY_MAX_BYTES is refused unread (413). nginx's client_max_body_size matches the latter.
REQUEST_FILES_MAX_BYTES = env.int("REQUEST_FILES_MAX_BYTES", default=25 * 1024 * 1024)
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=30 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "assessments.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest form is the review council's vote, one field per (commune, voting member) and a reason per
# commune: the largest province (168 communes and wards since 1 July 2025) before a council of 13 voting
# members posts 168 × 14 + about 30 = 2,382 fields. Django reads this bound for every request (there is no
# bound per view); a post above it is refused unread (400.html, and the browser keeps what was typed).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2500
# The address officials open: printed on every signed document (the verification URL and its QR code)
# and in every e-mail. Development has a local default; a deployment must say it.
# The folder of the province's licensed Times New Roman (times.ttf, timesbd.ttf, timesi.ttf, timesbi.ttf);
# unset, documents are printed in the shipped Liberation Serif (check --deploy warns: recognition.W001).
DOCUMENT_FONT_DIR = env("DOCUMENT_FONT_DIR", default="")
SITE_URL = env("SITE_URL", default="" if not DEBUG else "http://127.0.0.1:8000")
if not SITE_URL:
    raise environ.ImproperlyConfigured(
        "Set SITE_URL to the address officials open (e.g. https://xakhongmatuy.nghean.gov.vn): it is "
        "printed on every signed document and in every e-mail (or DEBUG=1 for local development)."
    )
# The e-mailed link to set a password (a first one after an import, or a forgotten one): valid this long,
# and asked for at most this often per hour from one client and for one address.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_HOURS", default=72) * 3600
PASSWORD_RESET_REQUESTS_PER_CLIENT = env.int("PASSWORD_RESET_REQUESTS_PER_CLIENT", default=10)
PASSWORD_RESET_REQUESTS_PER_ADDRESS = env.int("PASSWORD_RESET_REQUESTS_PER_ADDRESS", default=3)
# The public verification page (/verify/<code>/): lookups per address and minute.
VERIFY_REQUESTS_PER_MINUTE = env.int("VERIFY_REQUESTS_PER_MINUTE", default=30)
# Digital signatures: may the validation fetch revocation data (CRL, OCSP) from the network? Off by
# default: it then relies on what the signed file embeds and on the CRLs uploaded in the admin.
ESIGN_FETCH_REVOCATION = env.bool("ESIGN_FETCH_REVOCATION", default=False)
# The limits (communes.limits, django-ratelimit) never refuse because the cache is down.
RATELIMIT_FAIL_OPEN = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="xakhongmatuy@nghean.gov.vn")
# The mail server is not waited on for ever (the worker holds the e-mail's row while it sends).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_FILE_PATH = env.path(
    "EMAIL_FILE_PATH", default=BASE_DIR / "sent-mail"
)  # the file-based backend's folder
# E-mails still unsent this long after they were written are sent again by the sweep, up to this often.
EMAIL_SWEEP_AFTER_MINUTES = env.int("EMAIL_SWEEP_AFTER_MINUTES", default=3)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=10)

# The cache (cached pages) lives in Redis when there is one, else in each process's memory. Better in a
# Redis of its own (CACHE_URL) with an LRU policy: `check --deploy` warns when it shares the broker's.
# It fails open (communes.fragments): short socket timeouts, then CACHE_RETRY_SECONDS without it.
# CACHE_BACKEND=dummy turns it off (a benchmark mode).
CACHE_URL = env("CACHE_URL", default=env("REDIS_URL", default=""))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        if env("CACHE_BACKEND", default="") == "dummy"
        else {
            "BACKEND": "communes.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Every key starts with this deployment's identity: CACHE_KEY_PREFIX, or the identifier stored in the
# database at migration (communes.deployment).
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="")
CACHES["default"]["KEY_FUNCTION"] = "communes.deployment.make_key"
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
CACHE_WAIT_SECONDS = env.float("CACHE_WAIT_SECONDS", default=2.0)

# Celery: with no REDIS_URL, tasks run eagerly in the web process (the zero-setup demo).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A worker process whose resident memory has passed this (KiB) after a task is replaced. A PDF worker
# imports WeasyPrint before it forks (nghean_dfc.celery, recognition.documents.render.preload): its
# children start near 117 MB (the parent's pages they share count in their RSS), hold about 131 MB
# after their first document (the fonts they keep) and 141-144 MB after 230 decisions each, so none is
# replaced (bench/render_all.py, 2026-12-04). Before the preload, each child imported WeasyPrint itself
# and passed this after a few documents: 25 processes for 460 decisions. A deployment knob.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=150_000)
# PDF rendering has its own queue, so a burst of documents never delays e-mails or beat jobs:
#   celery -A nghean_dfc worker -Q pdf   (and a worker for "celery"), recycled by memory (above).
CELERY_TASK_ROUTES = {"recognition.tasks.render_document": {"queue": "pdf"}}
# Each kind of document names its queue (recognition.documents.kinds); the yearly reports go to
# "pdf-bulk", never in front of a commune's decision:  celery -A nghean_dfc worker -Q pdf-bulk --concurrency=1
# Publishing gives up quickly when the broker is down: the decision is committed, the document stays
# pending and the sweep below sends it again.
CELERY_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# Re-evaluation opens each year on this date (MM-DD); recognitions expire nightly; reminders on weekdays.
REEVALUATION_OPENS_ON = env("REEVALUATION_OPENS_ON", default="01-15")
REMINDER_AFTER_DAYS = env.int("REMINDER_AFTER_DAYS", default=15)
DOCUMENT_SWEEP_AFTER_MINUTES = env.int("DOCUMENT_SWEEP_AFTER_MINUTES", default=3)
DOCUMENT_RENDER_MAX_RETRIES = env.int("DOCUMENT_RENDER_MAX_RETRIES", default=3)
DOCUMENT_RENDER_BACKOFF_SECONDS = env.float("DOCUMENT_RENDER_BACKOFF_SECONDS", default=2.0)
_reeval_month, _reeval_day = (int(x) for x in REEVALUATION_OPENS_ON.split("-"))
CELERY_BEAT_SCHEDULE = {
    "sync-posts": {"task": "communes.tasks.sync_posts", "schedule": crontab(hour=0, minute=5)},
    "sweep-pending-documents": {"task": "recognition.tasks.sweep_pending_documents", "schedule": 60.0},
    "sweep-unsent-emails": {"task": "outbox.tasks.sweep_emails", "schedule": 60.0},
    "expire-recognitions": {
        "task": "recognition.tasks.expire_recognitions",
        "schedule": crontab(hour=1, minute=5),
    },
    "open-reevaluations": {
        "task": "recognition.tasks.open_reevaluations",
        "schedule": crontab(hour=2, minute=0, day_of_month=_reeval_day, month_of_year=_reeval_month),
    },
    "open-cycle-dossiers": {
        "task": "assessments.tasks.open_cycle_dossiers",
        "schedule": crontab(hour=0, minute=30),
    },
    "send-cycle-reminders": {
        "task": "assessments.tasks.send_cycle_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "reconcile-tallies": {
        "task": "assessments.tasks.reconcile_tallies",
        "schedule": crontab(hour=3, minute=15),
    },
    "send-reminders": {
        "task": "assessments.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
}

# The council's quorum and majority and a recognition's validity are rules of the procedure: they are
# data on its criteria set (CriteriaSet.decision_rules), never settings.

# --- security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: the session ends after this many seconds without a request (sliding window).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# Renewed by requests, but written at most once a minute (accounts.middleware.IdleTimeoutMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
# A form sent with a stale security token (a sign-in in another tab) gets our page, in Vietnamese.
CSRF_FAILURE_VIEW = "nghean_dfc.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind the reverse proxy that terminates TLS (see the deployment guide in the README).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP

# Content-Security-Policy (django-csp): only our own scripts, styles and images; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in throttling (django-axes): 5 failures for a username from one address lock it for 30 minutes
# (not the whole address: a commune office signs in from behind one NAT address).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # a username, from one address
# ...and an address, whatever the usernames (spraying); set well above what one office fails in an hour.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_HANDLER = "accounts.throttle.SignInThrottle"
# Reverse proxies in front of gunicorn (1 behind nginx): the client's address is the Nth address from
# the right of X-Forwarded-For. 0: REMOTE_ADDR. Used by the lockout and the audit log.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
