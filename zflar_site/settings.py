"""zflar settings, driven by the environment (cookiecutter-django style).

With no environment at all zflar runs embedded: SQLite under var/ and Celery on
kombu's filesystem transport under var/, so ``make run`` needs no server.  At
scale set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ZFLAR_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))


def _local_secret_key() -> str:
    """A per-checkout key kept under var/, so no secret ever lives in the repository."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DEBUG", default=False)
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves static files under runserver too (DEBUG off), exactly as under gunicorn.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "planner",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses an oversized request by its Content-Length before anything reads the body.
    "planner.upload.UploadSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "planner.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "zflar_site.urls"
WSGI_APPLICATION = "zflar_site.wsgi.application"

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
            ],
        },
    },
]

# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'zflar.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Workers and the web server write to one file; wait for the lock instead of failing.
    # WAL: readers never wait for the writer, and a commit costs one fsync of the log instead of
    # the rollback journal's several (about 9 ms each on a VM disk): importing a 200-host fleet
    # spent more time in fsync than in Python.  synchronous stays FULL, so commits stay durable.
    journal_mode = env.str("SQLITE_JOURNAL_MODE", default="wal").lower()
    if journal_mode not in ("wal", "delete", "truncate", "persist"):
        raise ValueError(f"SQLITE_JOURNAL_MODE={journal_mode!r}: choose wal, delete, truncate or persist")
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": f"PRAGMA journal_mode={journal_mode};",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "planner:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- zflar storage -------------------------------------------------------------------------
# Uploaded bundles are inputs for processing, never served: they live outside any web root.
UPLOAD_DIR = Path(env.str("ZFLAR_UPLOAD_DIR", default=str(VAR_DIR / "uploads")))
# Where archive jobs write flars and where the inspection page may look for them.
ARCHIVE_STORE = Path(env.str("ZFLAR_ARCHIVE_STORE", default=str(VAR_DIR / "archives")))
# Source/destination roots for the local executor (Solaris-like trees on the worker).
LOCAL_EXECUTOR_ROOT = Path(env.str("ZFLAR_LOCAL_ROOT", default=str(VAR_DIR / "hosts")))
# Each team has its own folder below the last two (jobs/storage.py; docs/security.md, Storage layout).
# They are made here when missing; the system check zflar.E001 (jobs/checks.py) says clearly when a
# folder cannot be made or written, at `manage.py check`, `migrate`, `runserver` and worker start.
for _folder in (UPLOAD_DIR, ARCHIVE_STORE, LOCAL_EXECUTOR_ROOT):
    with contextlib.suppress(OSError):
        _folder.mkdir(parents=True, exist_ok=True)

ZFLAR_MAX_UPLOAD_BYTES = env.int("ZFLAR_MAX_UPLOAD_BYTES", default=64 * 1024 * 1024)
ZFLAR_MAX_BUNDLE_FILES = env.int("ZFLAR_MAX_BUNDLE_FILES", default=2000)
ZFLAR_MAX_BUNDLE_UNPACKED_BYTES = env.int("ZFLAR_MAX_BUNDLE_UNPACKED_BYTES", default=256 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 200

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html) ----------------
_celery_dir = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_celery_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
        "polling_interval": env.float("CELERY_POLLING_INTERVAL", default=0.5),
    }
else:
    # The hard time limit below stays under the visibility timeout, so a long job is never
    # redelivered to a second worker while the first still runs it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 4 * 3600)}
CELERY_RESULT_BACKEND = None  # the Job row is the source of truth
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False  # the reaper re-queues with an attempt cap instead
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=3 * 3600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3 * 3600 + 600)
# Keep a running job going when the broker connection drops (a Redis restart): the job talks to
# the database, not the broker, and a redelivered message is harmless (the claim is an atomic
# UPDATE of the Job row), so cancelling would only throw the work away.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "zflar"
CELERY_BEAT_SCHEDULE = {
    "reap-stale-jobs": {"task": "jobs.tasks.reap_stale_jobs_task", "schedule": 30.0},
}

# Jobs: a running job whose heartbeat is older than this is considered dead.
ZFLAR_HEARTBEAT_SECONDS = env.int("ZFLAR_HEARTBEAT_SECONDS", default=5)
ZFLAR_STALE_AFTER_SECONDS = env.int("ZFLAR_STALE_AFTER_SECONDS", default=60)
ZFLAR_MAX_ATTEMPTS = env.int("ZFLAR_MAX_ATTEMPTS", default=3)
# A queued job nobody claimed for this long has its message sent again (it may have been lost).
ZFLAR_RESEND_QUEUED_AFTER_SECONDS = env.int("ZFLAR_RESEND_QUEUED_AFTER_SECONDS", default=600)

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zflar API",
    "DESCRIPTION": "Plan and run Flash Archive migrations of zoned Solaris 10 hosts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models share field names (action, state, kind); name their enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "NicOverrideActionEnum": "planner.models.NicOverride.Action",
        "DeviceOverrideActionEnum": "planner.models.DeviceOverride.Action",
        "HostOriginEnum": "planner.models.Host.Origin",
        "PlanVerdictEnum": "planner.models.Plan.Verdict",
        "JobKindEnum": "jobs.models.Job.Kind",
        "JobCreateKindEnum": "jobs.api.serializers.JOB_CREATE_KINDS",
        "JobStateEnum": "jobs.models.Job.State",
        "JobExecutorEnum": "jobs.models.Job.Executor",
        "ZoneResultStateEnum": "jobs.models.ZoneResult.State",
        "JobEventLevelEnum": "jobs.models.JobEvent.Level",
    },
}

# Login rate limiting counts failures in the cache.  The default is per process; with several
# web processes set CACHE_URL=redis://... so they share one count.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=10)
LOGIN_RATE_LIMIT_WINDOW = env.int("LOGIN_RATE_LIMIT_WINDOW", default=15 * 60)
# Failed logins from one address over all usernames (password spraying), in the same window.
LOGIN_RATE_LIMIT_PER_ADDRESS = env.int("LOGIN_RATE_LIMIT_PER_ADDRESS", default=30)

# --- security (on whenever DEBUG is off) -------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# `make run` serves plain HTTP on this machine (scripts/run-dev sets ZFLAR_PLAIN_HTTP=true): DEBUG
# stays off, but there is no HTTPS redirect, no HSTS and no Secure-only cookie, which would make
# logging in on http://127.0.0.1 impossible.  Production (`make serve`, behind TLS) leaves it unset
# and gets all of them; `manage.py check --deploy` is clean only then.
PLAIN_HTTP = env.bool("ZFLAR_PLAIN_HTTP", default=False)
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not PLAIN_HTTP)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not PLAIN_HTTP)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if PLAIN_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = not PLAIN_HTTP
    SECURE_HSTS_PRELOAD = not PLAIN_HTTP
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not PLAIN_HTTP)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
