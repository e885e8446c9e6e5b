"""Settings, all from the environment (see README.md, "Configuration").

Without DATABASE_URL / REDIS_URL the embedded PostgreSQL and Redis under var/
are used (`python -m crisiscenter.embedded` starts them).
"""

import os
import tempfile
import urllib.parse
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

TESTING = "PYTEST_VERSION" in os.environ
DEBUG = env_bool("DEBUG", False)

if TESTING:
    # Isolate a test run from a `make run` sharing the same Redis; child processes
    # (the Celery worker and web server the tests start) inherit these.
    os.environ.setdefault("CELERY_QUEUE", f"test-{os.getpid()}")
    os.environ.setdefault("CHANNEL_PREFIX", f"test{os.getpid()}")
    os.environ.setdefault("HUB_ROOT", tempfile.mkdtemp(prefix="cc-hub-"))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
# A platform without credentials: in the demo (DEBUG, tests) a stand-in connector logs what it
# would do; in production it is "not connected" and every reply, post or pause to it fails with
# that reason, so nothing is ever shown as done that did not happen.
DEMO_CONNECTORS = env_bool("DEMO_CONNECTORS", DEBUG or TESTING)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "channels",
    "crisiscenter",
    "core",
    "playbooks",
    "social",
    "triage",
    "hubpage",
    "command",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "crisiscenter.urls"
WSGI_APPLICATION = "crisiscenter.wsgi.application"
ASGI_APPLICATION = "crisiscenter.asgi.application"

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
                "playbooks.context_processors.org_state",
            ],
        },
    },
]

# --- PostgreSQL -------------------------------------------------------------
_embedded_db = "postgres://postgres@{}/crisiscenter".format(urllib.parse.quote(str(VAR_DIR / "pg"), safe=""))
DATABASE_URL = env_str("DATABASE_URL", _embedded_db)
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_crisiscenter")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, channel layer ------------------------------------
REDIS_URL = env_str("REDIS_URL", f"unix://{VAR_DIR / 'redis' / 'redis.sock'}")


def _redis_parts(url: str) -> tuple[str, str, int]:
    """(scheme, location, db) for redis://host:port/db or unix:///path?db=N."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "unix":
        db = urllib.parse.parse_qs(parsed.query).get("db", ["0"])[0]
        return "unix", parsed.path, int(db)
    if parsed.scheme in ("redis", "rediss"):
        db = parsed.path.strip("/") or "0"
        return parsed.scheme, parsed.netloc, int(db)
    raise ImproperlyConfigured("REDIS_URL must be redis://, rediss:// or unix://")


_redis_scheme, _redis_location, _redis_db = _redis_parts(REDIS_URL)


def redis_url(db_offset: int) -> str:
    db = _redis_db + db_offset
    if _redis_scheme == "unix":
        return f"unix://{_redis_location}?db={db}"
    return f"{_redis_scheme}://{_redis_location}/{db}"


if _redis_scheme == "unix":
    CELERY_BROKER_URL = f"redis+socket://{_redis_location}?virtual_host={_redis_db}"
else:
    CELERY_BROKER_URL = redis_url(0)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "crisiscenter")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless this is set;
# crisiscenter.celery closes old connections by CONN_MAX_AGE instead (docs/benchmarks.md).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "publish-due-posts": {"task": "social.tasks.publish_due_posts", "schedule": 15.0},
    "hold-new-outbound": {"task": "command.tasks.hold_new_outbound", "schedule": 15.0},
    "requeue-stale-batches": {"task": "triage.tasks.requeue_stale_batches", "schedule": 30.0},
    "poll-reddit": {"task": "triage.tasks.poll_reddit", "schedule": env_int("REDDIT_POLL_SECONDS", 60)},
    "alert-sla-breaches": {"task": "triage.tasks.alert_sla_breaches", "schedule": 30.0},
    "release-idle-claims": {"task": "triage.tasks.release_idle_claims", "schedule": 30.0},
    "detect-spike": {"task": "triage.tasks.detect_spike", "schedule": 60.0},
    "alert-missed-hub-update": {"task": "triage.tasks.alert_missed_hub_update", "schedule": 60.0},
    "send-drill-reminders": {"task": "playbooks.tasks.send_drill_reminders", "schedule": 3600.0},
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [{"address": redis_url(1)}],
            "prefix": env_str("CHANNEL_PREFIX", "cc"),
        },
    }
}

# --- Auth, API --------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Not beside ModelBackend: every failed sign-in would hash the password twice. Sessions
# signed in under ModelBackend (before 2026-11-25) have to sign in once more.
AUTHENTICATION_BACKENDS = ["core.auth.ModelBackendWithAccess"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Crisis Center API",
    "DESCRIPTION": "Push mentions in, work the queue, read and flip the crisis state.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"CrisisPhaseEnum": "playbooks.models.Phase"},
}

# --- Product settings -------------------------------------------------------
# A batch larger than this is refused with a 400; integrations split their pushes.
INGEST_MAX_BATCH = env_int("INGEST_MAX_BATCH", 1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("INGEST_MAX_BYTES", 4 * 1024 * 1024)
INFLUENCER_FOLLOWERS = env_int("INFLUENCER_FOLLOWERS", 1000)
QUEUE_SNAPSHOT_SIZE = env_int("QUEUE_SNAPSHOT_SIZE", 200)
# Languages the team answers in (ISO 639-1); others are flagged in the score's breakdown.
TEAM_LANGUAGES = env_list("TEAM_LANGUAGES", ["en"])
# Spike detection: 5-minute windows against the median of the previous hours.
SPIKE_BASELINE_HOURS = env_int("SPIKE_BASELINE_HOURS", 3)
SPIKE_MIN_MENTIONS = env_int("SPIKE_MIN_MENTIONS", 30)
# Practising the plan: a plan not updated for this long is flagged to the lead; reminders go
# this many days before a planned drill; the review is due once the team has rested this long.
PLAN_STALE_DAYS = env_int("PLAN_STALE_DAYS", 180)
DRILL_REMIND_DAYS = env_int("DRILL_REMIND_DAYS", 7)
REVIEW_REST_DAYS = env_int("REVIEW_REST_DAYS", 3)
HUB_ROOT = Path(env_str("HUB_ROOT", str(VAR_DIR / "hub")))
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Northline Rail")
# Languages the hub page is published in; the first is the default (/hub/ without a match).
HUB_LANGUAGES = env_list("HUB_LANGUAGES", ["en", "fr"])
HUB_UPDATES_ON_PAGE = env_int("HUB_UPDATES_ON_PAGE", 25)  # older ones stay in the feed
HUB_NOTIFY_BATCH = env_int("HUB_NOTIFY_BATCH", 200)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "updates@localhost")

# --- Platforms (social/connectors): base URLs so tests and benches point them at a local
# server; credentials are read by social.credentials from the environment, never here.
SOCIAL_PLATFORM_CONCURRENCY = env_int("SOCIAL_PLATFORM_CONCURRENCY", 32)  # calls in flight per run
SOCIAL_PLATFORM_ATTEMPTS = env_int("SOCIAL_PLATFORM_ATTEMPTS", 4)  # per item, Retry-After honoured
SOCIAL_PLATFORM_BASE_DELAY = float(env_str("SOCIAL_PLATFORM_BASE_DELAY", "0.5"))
SOCIAL_PLATFORM_MAX_DELAY = float(env_str("SOCIAL_PLATFORM_MAX_DELAY", "30"))
# Meta retries a failed delivery for up to 36 hours: older deliveries are replays.
WEBHOOK_MAX_AGE_S = env_int("WEBHOOK_MAX_AGE_S", 48 * 3600)
X_API_BASE = env_str("X_API_BASE", "https://api.x.com").rstrip("/")
X_ADS_API_BASE = env_str("X_ADS_API_BASE", "https://ads-api.x.com").rstrip("/")
X_ADS_API_VERSION = env_str("X_ADS_API_VERSION", "12")
META_GRAPH_BASE = env_str("META_GRAPH_BASE", "https://graph.facebook.com").rstrip("/")
META_GRAPH_VERSION = env_str("META_GRAPH_VERSION", "v25.0")

# --- i18n, static -----------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# --- Production hardening (on unless DEBUG) ---------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
