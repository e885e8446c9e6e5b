"""Settings, all from the environment (see README.md, "Configuration").

Without DATABASE_URL / REDIS_URL the embedded PostgreSQL and Redis under var/
are used (`python -m crisiscenter.embedded` starts them).
"""

import ipaddress
import os
import tempfile
import urllib.parse
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core import telemetry
from core.logs import logging_config

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
    # DEBUG only
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
if urllib.parse.urlsplit(PUBLIC_BASE_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL={PUBLIC_BASE_URL!r} must start with https:// or http://")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
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
    "core.health.ProbeMiddleware",
    "core.netaddr.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "core.inputs.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware: the browser's Accept-Language picks the language;
    # then, once the user is known, their own choice (core.Profile.language) overrides it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.twofactor.RequireTwoFactorMiddleware",
    "core.language.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.errors.DomainErrorMiddleware",
    "hubpage.middleware.DrillPreviewCookieMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "crisiscenter.context_processors.locale",
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
# A database that does not answer fails the request in seconds (a 503, core.errors), not minutes.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
# Retry-After (seconds) on the 503 a request gets while PostgreSQL is unreachable.
UNAVAILABLE_RETRY_AFTER = env_int("UNAVAILABLE_RETRY_AFTER", 5)
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
# Surviving a Redis restart (docs/reliability.md). One message reserved per process: with
# acks_late an unacknowledged message is what a lost connection or a killed worker hands back.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis forever, it never gives up
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged message goes back to the queue after this long: longer than any task's
    # time limit (the CSV import's is 1,900 s), or a slow task would run twice.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # Redis has no AMQP heartbeat: a PING on an idle connection finds a dead one instead.
    "health_check_interval": 10,
    "socket_timeout": 10,
    "socket_connect_timeout": 3,
    "socket_keepalive": True,
    "retry_on_timeout": True,
}
# Not CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS: it crashes the worker on
# reconnection in Celery 5.x (celery#9250); every acks_late task here is safe to run twice.
# A request that enqueues work must answer promptly with Redis down: two quick tries, then the
# caller records the work as not queued and the sweep (triage.tasks.requeue_stale_batches) sends it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The worker logs through LOGGING like every process (JSON lines, batch ids), not its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes the database connection around every task unless this is set;
# crisiscenter.celery closes old connections by CONN_MAX_AGE instead (docs/benchmarks.md).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "publish-due-posts": {"task": "social.tasks.publish_due_posts", "schedule": 15.0},
    "hold-new-outbound": {"task": "command.tasks.hold_new_outbound", "schedule": 15.0},
    "requeue-stale-batches": {"task": "triage.tasks.requeue_stale_batches", "schedule": 5.0},
    "poll-reddit": {"task": "triage.tasks.poll_reddit", "schedule": env_int("REDDIT_POLL_SECONDS", 60)},
    "alert-sla-breaches": {"task": "triage.tasks.alert_sla_breaches", "schedule": 30.0},
    "release-idle-claims": {"task": "triage.tasks.release_idle_claims", "schedule": 30.0},
    "detect-spike": {"task": "triage.tasks.detect_spike", "schedule": 60.0},
    "alert-missed-hub-update": {"task": "triage.tasks.alert_missed_hub_update", "schedule": 60.0},
    "purge-expired-mentions": {
        "task": "triage.tasks.purge_expired_mentions",
        "schedule": float(env_int("RETENTION_RUN_SECONDS", 3600)),
    },
    "send-drill-reminders": {"task": "playbooks.tasks.send_drill_reminders", "schedule": 3600.0},
    "repair-hub-page": {"task": "command.tasks.repair_hub_page", "schedule": 10.0},
}

# The cache: throttle and lockout counters shared by every web process (Redis db +2).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url(2),
        "KEY_PREFIX": env_str("CHANNEL_PREFIX", "cc"),
        "TIMEOUT": 300,
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "core.layers.PubSubChannelLayer",  # channels_redis pub/sub, a safe group_discard
        "CONFIG": {
            "hosts": [{"address": redis_url(1)}],
            "prefix": env_str("CHANNEL_PREFIX", "cc"),
        },
    }
}

# --- Auth, API --------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Not beside ModelBackend: every failed sign-in would hash the password twice. Sessions
# signed in under ModelBackend (before 2026-11-25) have to sign in once more. django-axes'
# backend comes first: it hashes nothing, it refuses a locked-out username and address.
AUTHENTICATION_BACKENDS = ["core.auth.LockoutBackend", "core.auth.ModelBackendWithAccess"]

# The proxies in front of Django (CIDRs or addresses, comma-separated): only from them is
# X-Forwarded-For believed, read from the right (core.netaddr). Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
try:
    _trusted_proxies = [ipaddress.ip_network(value, strict=False) for value in TRUSTED_PROXIES]
except ValueError as _exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES={TRUSTED_PROXIES!r}: {_exc}") from _exc

# Login lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords (or authenticator codes) for
# one username from one client address lock that pair out for AXES_COOLOFF_MINUTES; a lead or
# an admin unlocks it sooner by deleting the access attempt in the admin (Axes > Access attempts).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.netaddr.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "core.accounts.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Password reset mails: per client address and per address asked for, in a minute.
PASSWORD_RESETS_PER_MINUTE = env_int("PASSWORD_RESETS_PER_MINUTE", 5)

# Optional TOTP (django-otp): leads and admins may enrol an authenticator app at
# /accounts/two-factor/; once enrolled, signing in asks for its code. With
# OTP_REQUIRED_FOR_ADMINS, an admin (Django staff) cannot use any page but enrolment until enrolled.
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Crisis Center")
# An authenticator secret is shown once, to its owner, at enrolment: never again in the admin
# (its config and QR pages answer 403 rather than reveal it, or fail on a missing device).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.jsonbody.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.BoundedLimitOffsetPagination",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.ApiScopeThrottle"],
    # Per user (anonymous: per client address) and minute; core.throttles picks the scope.
    "DEFAULT_THROTTLE_RATES": {
        "read": env_str("API_RATE_READ", "1200/min"),
        "write": env_str("API_RATE_WRITE", "600/min"),
        "integration": env_str("API_RATE_INTEGRATION", "20000/min"),
        "anon": env_str("API_RATE_ANON", "120/min"),
    },
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
}
# The largest `limit` an API list accepts; more is a 400 (core.pagination).
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200)
# Wrong API tokens from one client address in a minute before its token requests answer 429.
API_TOKEN_FAILURES_PER_MINUTE = env_int("API_TOKEN_FAILURES_PER_MINUTE", 30)
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
# An accepted batch still pending this long after it was queued is queued again (its task was
# lost with a killed worker or a Redis restart); one never queued (Redis was down) goes at once.
BATCH_REQUEUE_AFTER_S = env_int("BATCH_REQUEUE_AFTER_S", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("INGEST_MAX_BYTES", 4 * 1024 * 1024)
INFLUENCER_FOLLOWERS = env_int("INFLUENCER_FOLLOWERS", 1000)
QUEUE_SNAPSHOT_SIZE = env_int("QUEUE_SNAPSHOT_SIZE", 200)
# Languages the team answers in (ISO 639-1); others are flagged in the score's breakdown.
TEAM_LANGUAGES = env_list("TEAM_LANGUAGES", ["en"])
# Spike detection: 5-minute windows against the median of the previous hours.
SPIKE_BASELINE_HOURS = env_int("SPIKE_BASELINE_HOURS", 3)
SPIKE_MIN_MENTIONS = env_int("SPIKE_MIN_MENTIONS", 30)
# Retention (triage.retention): mentions older than this many days lose their personal data
# (text, handle, name, bio, ...) to a task that runs every RETENTION_RUN_SECONDS; figures stay.
RETENTION_DAYS = env_int("RETENTION_DAYS", 180)
if RETENTION_DAYS < 1:
    raise ImproperlyConfigured("RETENTION_DAYS must be at least 1")
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 2000)
RETENTION_RUN_SECONDS = env_int("RETENTION_RUN_SECONDS", 3600)
# Seconds between two batches. Off: a 0.5 s pause did not lower the queue's p99 during the
# purge in the measurement (docs/benchmarks.md, "Retention"); waiting out a crisis does the rest.
RETENTION_BATCH_PAUSE = float(env_str("RETENTION_BATCH_PAUSE", "0"))
# Keys the hash an anonymised handle becomes; set it apart from SECRET_KEY so that rotating
# SECRET_KEY does not split one author into two in the figures of later purges.
RETENTION_KEY = env_str("RETENTION_KEY") or SECRET_KEY
# Practising the plan: a plan not updated for this long is flagged to the lead; reminders go
# this many days before a planned drill; the review is due once the team has rested this long.
PLAN_STALE_DAYS = env_int("PLAN_STALE_DAYS", 180)
DRILL_REMIND_DAYS = env_int("DRILL_REMIND_DAYS", 7)
REVIEW_REST_DAYS = env_int("REVIEW_REST_DAYS", 3)
HUB_ROOT = Path(env_str("HUB_ROOT", str(VAR_DIR / "hub")))
# The copy of the hub page every node takes its own from (hubpage.sync), and its key prefix.
HUB_REDIS_URL = redis_url(1)
HUB_REDIS_PREFIX = env_str("CHANNEL_PREFIX", "cc") + ":hub"
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Northline Rail")
# Languages the hub page is published in; the first is the default (/hub/ without a match).
HUB_LANGUAGES = env_list("HUB_LANGUAGES", ["en", "fr", "zh-hans"])
HUB_UPDATES_ON_PAGE = env_int("HUB_UPDATES_ON_PAGE", 25)  # older ones stay in the feed
HUB_NOTIFY_BATCH = env_int("HUB_NOTIFY_BATCH", 200)
# Routing: "next" hands a roster member a mention suiting their skills or languages when it is
# ranked at most this many points (queue minutes) below the top of their queue.
SKILL_PREFERENCE_POINTS = env_int("SKILL_PREFERENCE_POINTS", 15)
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
# Outbound calls (webhooks, platforms) reach public addresses only (core.netguard). On only
# where the platforms are stand-ins on this machine: the test suite and the benchmarks.
OUTBOUND_ALLOW_PRIVATE_HOSTS = env_bool("OUTBOUND_ALLOW_PRIVATE_HOSTS", False)

# --- i18n, static -----------------------------------------------------------
# The staff pages speak English and Simplified Chinese: the user's own choice (core.Profile), else
# the browser's Accept-Language (zh-CN, zh-SG and zh fall back to zh-hans), else English. The
# project's strings are in locale/ (templates, JavaScript), each app's Python strings in <app>/locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Every time on a staff page, server-rendered or written by the browser, is shown in this zone
# (<html data-tz>) and in the page's language, with the formats of crisiscenter/formats/<lang>/.
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
FORMAT_MODULE_PATH = ["crisiscenter.formats"]
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

# Mail goes where the settings say, never silently nowhere: to the console in DEBUG (and in
# tests, where Django swaps in its in-memory outbox), else to the SMTP server in EMAIL_HOST.
# Production without EMAIL_HOST refuses to start rather than drop subscription and
# department mail on the day it matters; EMAIL_BACKEND names another backend on purpose
# (django.core.mail.backends.dummy.EmailBackend sends none).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str("EMAIL_BACKEND")
if not EMAIL_BACKEND:
    if DEBUG or TESTING:
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    elif EMAIL_HOST:
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    else:
        raise ImproperlyConfigured(
            "EMAIL_HOST is not set: hub subscriptions and department notifications would go nowhere. "
            "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) to your "
            "SMTP relay, or EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend to send no mail."
        )
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465) exclude each other"
    )
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# Django's session table, read by one statement without the ORM (core/session_store.py).
SESSION_ENGINE = "core.session_store"

# --- Production hardening (on unless DEBUG) ---------------------------------
# They follow PUBLIC_BASE_URL's scheme: an https address gets secure cookies and HSTS.
# X-Forwarded-Proto is believed only when TRUST_X_FORWARDED_PROTO says the proxy in front
# sets it itself (a client could send it too); only then can Django tell an https request
# and redirect plain http, so SSL redirect defaults on only with a trusted header.
SERVED_OVER_HTTPS = urllib.parse.urlsplit(PUBLIC_BASE_URL).scheme == "https"
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO", False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SERVED_OVER_HTTPS)
# With TRUSTED_PROXIES set, core.netaddr.TrustedProxyMiddleware drops X-Forwarded-Proto from any
# other peer, so the header is believed from those proxies alone.
_PROTO_FROM_PROXY = TRUST_X_FORWARDED_PROTO or bool(TRUSTED_PROXIES)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _PROTO_FROM_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SERVED_OVER_HTTPS and _PROTO_FROM_PROXY)
# The health probes come from inside the deployment over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SERVED_OVER_HTTPS and not DEBUG else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Observability (docs/operations.md) --------------------------------------
# JSON lines for a log shipper, or plain lines; either way each line of a batch's path
# (accept, queue, worker, store, broadcast) carries its batch id (core.logs).
LOG_FORMAT = env_str("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be plain or json")
LOGGING = logging_config(level=env_str("LOG_LEVEL", "INFO"), fmt=LOG_FORMAT)

# /metrics (Prometheus) answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Error reports go to Sentry only when SENTRY_DSN is set, without mention text (core.telemetry).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        _traces = float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0"))
    except ValueError as exc:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1") from exc
    telemetry.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=_traces,
    )
