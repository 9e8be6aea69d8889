"""Settings for Maison des Services, entirely from the environment (12-factor).

Embedded defaults let one command run the whole product on a laptop: a SQLite file, a Celery
broker on the filesystem, email and SMS printed to the console. Production sets DATABASE_URL,
REDIS_URL, DJANGO_SECRET_KEY, the ESP and Twilio credentials (see docker-compose.yml).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MDS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = env.bool("MDS_TESTING", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Public address of the portal, used in links sent to residents and to validate Twilio
# signatures behind a reverse proxy (the URL Twilio called, not the one the app saw).
PUBLIC_BASE_URL = env.str("MDS_PUBLIC_BASE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "maison",
    "crm",
    "guichet",
    "chatbot",
    "surveys",
    "cockpit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "maison.urls"
WSGI_APPLICATION = "maison.wsgi.application"

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
                "maison.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'maison.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process, the worker and beat share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if TESTING and REDIS_URL and env.str("PYTEST_XDIST_WORKER", default=""):
    # Parallel test processes each get their own Redis database, so that clearing the cache
    # or a rate limit in one never touches another: worker gwN uses database 10 + N.
    _worker = int(env.str("PYTEST_XDIST_WORKER").removeprefix("gw") or 0)
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{10 + _worker}").geturl()

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "mds"}}
else:
    # A file cache is shared by the web process and the worker (rate limits, throttling).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Locale -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files are limited by the portal's own validation; this caps whole request bodies.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MDS_MAX_REQUEST_BYTES", default=12 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MDS_MAX_ATTACHMENT_BYTES = env.int("MDS_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
MDS_MAX_MESSAGE_CHARS = env.int("MDS_MAX_MESSAGE_CHARS", default=20_000)

# --- Email (Anymail) and SMS --------------------------------------------------------------------
ANYMAIL_ESP = env.str("ANYMAIL_ESP", default="")  # e.g. "postmark", "mailgun", "sendgrid", "brevo"
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
    "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
    "MAILGUN_API_KEY": env.str("MAILGUN_API_KEY", default=""),
    "MAILGUN_SENDER_DOMAIN": env.str("MAILGUN_SENDER_DOMAIN", default=""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    "SENDGRID_API_KEY": env.str("SENDGRID_API_KEY", default=""),
    "BREVO_API_KEY": env.str("BREVO_API_KEY", default=""),
}
if ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
else:
    EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND",
                            default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str(
    "MDS_FROM_EMAIL", default="Maison des Services <service.dechets@coeurcotefleurie.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Replies come back to this address; the ticket reference in the subject threads them.
MDS_REPLY_TO_EMAIL = env.str("MDS_REPLY_TO_EMAIL",
                             default="service.dechets@coeurcotefleurie.example")

SMS_BACKEND = env.str(
    "MDS_SMS_BACKEND",
    default="maison.sms.TwilioBackend" if env.str("TWILIO_ACCOUNT_SID", default="")
    else "maison.sms.ConsoleBackend",
)
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
MDS_AGENTS_PHONE_NUMBER = env.str("MDS_AGENTS_PHONE_NUMBER", default="+33231880000")

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Unit tests run tasks inline; the tests about the worker itself start a real one on Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}  # each app adds its periodic tasks in maison/celery.py

# --- Live events (cockpit feed) ---------------------------------------------------------------
# Redis pub/sub in production; the database table works everywhere (embedded default).
MDS_EVENT_BUS = env.str("MDS_EVENT_BUS", default="redis" if REDIS_URL else "database")

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["maison.permissions.IsStaffRole"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "maison.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"chatbot": env.str("MDS_CHATBOT_RATE", default="30/min"),
                               "anon": "120/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maison des Services API",
    "DESCRIPTION": "API du guichet unique : sollicitations, usagers, référentiels, chatbot.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "guichet.models.Channel",
        "IntakeChannelEnum": "guichet.api.API_CHANNEL_CHOICES",
        "ReplyChannelEnum": "guichet.api.REPLY_CHANNEL_CHOICES",
        "UsagerCategoryEnum": "crm.models.Category",
    },
}

# The collectivité's sites allowed to embed Sophie's widget (CORS on the chatbot API).
MDS_CHATBOT_ALLOWED_ORIGINS = env.list("MDS_CHATBOT_ALLOWED_ORIGINS", default=[])

# --- Security (production) --------------------------------------------------------------------
SESSION_COOKIE_SECURE = not (DEBUG or TESTING) and env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not (DEBUG or TESTING)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not (DEBUG or TESTING))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Logging: no personal data in logs (we log ids and references, never names or contacts) -----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- The service's own rules ------------------------------------------------------------------
MDS_REFERENCE_PREFIX = "MDS"
MDS_BUSINESS_HOURS = {
    # weekday (0 = Monday): list of (start, end) as "HH:MM"
    "weekdays": {0: [("09:00", "17:00")], 1: [("09:00", "17:00")], 2: [("09:00", "17:00")],
                 3: [("09:00", "17:00")], 4: [("09:00", "17:00")]},
    # Saturday morning during the Paris-region (zone C) school holidays, for second-home owners.
    "school_holiday_saturday": [("09:00", "12:00")],
}
MDS_SCHOOL_HOLIDAY_ZONE = "C"
MDS_PUBLIC_HOLIDAYS_COUNTRY = "FR"

# --- Surveys ---
# After a ticket is resolved or closed, its survey becomes due after this delay, then goes out
# within the sending window only (Europe/Paris, never on Sundays or public holidays).
SURVEYS_DELAY_AFTER_RESOLUTION_MINUTES = env.int("MDS_SURVEYS_DELAY_MINUTES", default=120)
SURVEYS_SENDING_HOURS = (env.str("MDS_SURVEYS_SENDING_START", default="09:00"),
                         env.str("MDS_SURVEYS_SENDING_END", default="19:00"))
SURVEYS_SENDING_WEEKDAYS = [0, 1, 2, 3, 4, 5]  # Monday to Saturday
# At most one survey per usager over this period (days), whatever the number of requests.
SURVEYS_PER_USAGER_PERIOD_DAYS = env.int("MDS_SURVEYS_PER_USAGER_DAYS", default=30)
SURVEYS_TOKEN_LIFETIME_DAYS = env.int("MDS_SURVEYS_TOKEN_DAYS", default=14)
# One reminder this many days after sending when still unanswered; 0: no reminder.
SURVEYS_REMINDER_AFTER_DAYS = env.int("MDS_SURVEYS_REMINDER_DAYS", default=0)
# A survey that could not go out this many days after it fell due is dropped (too late to ask).
SURVEYS_MAX_LATENESS_DAYS = env.int("MDS_SURVEYS_MAX_LATENESS_DAYS", default=7)
# A claimed survey whose sender vanished (worker killed) is taken again after this lease.
SURVEYS_CLAIM_LEASE_SECONDS = env.int("MDS_SURVEYS_CLAIM_LEASE_SECONDS", default=600)
SURVEYS_BATCH_SIZE = env.int("MDS_SURVEYS_BATCH_SIZE", default=200)
SURVEYS_PARALLEL_TASKS = env.int("MDS_SURVEYS_PARALLEL_TASKS", default=4)
# Tickets resolved slightly before the watermark are scanned again (late commits); idempotent.
SURVEYS_PLANNING_OVERLAP_MINUTES = env.int("MDS_SURVEYS_PLANNING_OVERLAP_MINUTES", default=15)
# Answer links are derived from this key (HMAC); only their hash is stored.
SURVEYS_TOKEN_KEY = env.str("MDS_SURVEYS_TOKEN_KEY", default=SECRET_KEY)
# Fault injection for the worker tests only (dotted path called after a claim); empty in production.
SURVEYS_FAULT_HOOK = env.str("MDS_SURVEYS_FAULT_HOOK", default="")

# --- CRM ---------------------------------------------------------------------------------------
# Signed links to the public preference page (in every message we send) expire after this.
MDS_PREFERENCES_LINK_DAYS = env.int("MDS_PREFERENCES_LINK_DAYS", default=90)
# RGPD retention: usagers without any contact for this long are anonymised by a nightly task.
MDS_RETENTION_INACTIVE_YEARS = env.int("MDS_RETENTION_INACTIVE_YEARS", default=3)
MDS_RETENTION_BATCH = env.int("MDS_RETENTION_BATCH", default=500)
# The access log is kept this long (erasure records are kept as proof).
MDS_ACCESS_LOG_RETENTION_DAYS = env.int("MDS_ACCESS_LOG_RETENTION_DAYS", default=365)
# Campaign sending: throttled to protect the ESP/SMS quotas and our sender reputation.
MDS_CAMPAIGN_RATE_PER_SECOND = env.float("MDS_CAMPAIGN_RATE_PER_SECOND", default=10.0)
MDS_CAMPAIGN_BATCH_SIZE = env.int("MDS_CAMPAIGN_BATCH_SIZE", default=200)
# A delivery claimed this long ago without a result is reported failed, never sent twice.
MDS_CAMPAIGN_STALE_MINUTES = env.int("MDS_CAMPAIGN_STALE_MINUTES", default=30)
# Probable duplicates at or above this score (0-100) are proposed to supervisors.
MDS_DUPLICATE_MIN_SCORE = env.int("MDS_DUPLICATE_MIN_SCORE", default=55)

# --- Cockpit ----------------------------------------------------------------------------------
# Rollups: changes are applied from Ticket.updated_at; this overlap re-checks late commits.
COCKPIT_WATERMARK_OVERLAP_SECONDS = env.int("MDS_COCKPIT_WATERMARK_OVERLAP", default=120)
# A page load applies at most this many pending changes itself (the beat task does the rest).
COCKPIT_CATCH_UP_ON_VIEW = env.int("MDS_COCKPIT_CATCH_UP_ON_VIEW", default=200)
# Server-Sent Events: a stream closes after this many seconds and the browser reconnects
# (Last-Event-ID), so that no connection is held forever.
COCKPIT_STREAM_SECONDS = env.int("MDS_COCKPIT_STREAM_SECONDS", default=25)
# Fallback refresh of the counters when the stream is unavailable (seconds).
COCKPIT_REFRESH_SECONDS = env.int("MDS_COCKPIT_REFRESH_SECONDS", default=60)
# Satisfaction surveys can be answered this long after sending: their recent days of sending
# are recomputed every few minutes.
COCKPIT_SURVEY_WINDOW_DAYS = env.int("MDS_COCKPIT_SURVEY_WINDOW_DAYS", default=31)

# --- Channels ---------------------------------------------------------------------------------
# Automatic acknowledgement of a new request (reference, deadline, follow-up link). Off in
# unit tests by default so that other rooms' tests count only their own messages; the channel
# tests turn it on.
MDS_ACK_ENABLED = env.bool("MDS_ACK_ENABLED", default=not TESTING)
# At most this many acknowledgements per usager per day: a robot cannot start a mail loop.
MDS_ACK_MAX_PER_DAY = env.int("MDS_ACK_MAX_PER_DAY", default=5)
# A message claimed for sending this long ago is settled by the recovery sweep.
MDS_DELIVERY_STUCK_MINUTES = env.int("MDS_DELIVERY_STUCK_MINUTES", default=15)
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
MDS_TWILIO_STATUS_CALLBACK_URL = env.str(
    "MDS_TWILIO_STATUS_CALLBACK_URL", default=f"{PUBLIC_BASE_URL}/webhooks/twilio/status/")
# Said on the phone outside opening hours (the website where Sophie answers day and night).
MDS_WEBSITE_SPOKEN = env.str("MDS_WEBSITE_SPOKEN", default="coeur côte fleurie point fr")
# Web form protections: minimum time to fill it (seconds), maximum age of a form, and
# submissions allowed per client address per window (count/seconds).
MDS_FORM_MIN_SECONDS = env.int("MDS_FORM_MIN_SECONDS", default=4)
MDS_FORM_MAX_AGE_SECONDS = env.int("MDS_FORM_MAX_AGE_SECONDS", default=4 * 3600)
MDS_FORM_RATE_LIMIT = env.str("MDS_FORM_RATE_LIMIT", default="6/600")
# Number of reverse proxies in front of the app that append to X-Forwarded-For (0: none,
# REMOTE_ADDR is the client).
MDS_TRUSTED_PROXY_COUNT = env.int("MDS_TRUSTED_PROXY_COUNT", default=0)
# Webhooks answer malformed vendor payloads with a 400 and a reason, never a 500.
MIDDLEWARE.append("guichet.channels.middleware.WebhookBadInputMiddleware")
# Webhooks store the raw input and answer at once; a task files it (bursts absorbed at the
# door). Processed inline in unit tests; the inbox tests switch it on.
MDS_INBOUND_ASYNC = env.bool("MDS_INBOUND_ASYNC", default=not TESTING)
