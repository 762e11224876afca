"""Settings for the transport credit workflow service.

Everything that differs between environments comes from environment variables
(django-environ). With none set the service runs on its embedded default:
SQLite, an in-memory channel layer, Celery executing tasks eagerly in-process,
email and SMS written to the log. With ``DATABASE_URL`` and ``REDIS_URL`` it
uses PostgreSQL and Redis (Celery broker and result backend, channels-redis).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if env.bool("READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(str(BASE_DIR / ".env"))

DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

# --- core -------------------------------------------------------------------

SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=True)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    # Sessions and password-reset tokens signed with a published key are forgeable.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "workflow_service.apps.StaticFiles",  # django.contrib.staticfiles, see apps.py
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "channels",
    "viewflow",
    "viewflow.workflow",
    "axes",
    "accounts",
    "audit",
    "credit",
    "documents",
    "notifications",
    "processes.common",
    "processes.objection",
    "processes.repair",
    "processes.listing",
    "processes.interview",
    "processes.commitment",
    "processes.transfer",
    "portal",
    "oversight",
]

AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # "May this user act in this role for this department": viewflow's task permissions.
    "processes.common.backends.DepartmentRoleBackend",
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
    "viewflow.middleware.SiteMiddleware",
    "audit.context.AuditActorMiddleware",
    # Last, as django-axes requires: turns a lockout into the 423 "locked" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workflow_service.urls"
WSGI_APPLICATION = "workflow_service.wsgi.application"
ASGI_APPLICATION = "workflow_service.asgi.application"

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
                "notifications.context_processors.inbox",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# --- database ---------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Health-checked so a restarted PostgreSQL is reconnected to without restarting the service.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_POOL", default=True):
        # A pool per process. Under ASGI Django runs each request's code in a thread of its
        # own, so a connection kept per thread (CONN_MAX_AGE) is never used again: every
        # request would open a new PostgreSQL connection (a backend fork and authentication).
        # Django's own advice for ASGI; the pool replaces persistent connections.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
    else:
        # Short-lived connections kept for a minute (a WSGI or Celery process reuses them per thread).
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery, channel layer, cache --------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py gives up on a read after 5 s by default, exactly channels_redis's idle
            # wait: without a longer timeout idle websockets drop (channels_redis#422).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Explicit limits: a task that hangs must not hold a worker slot for ever.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 3600
# Periodic jobs, each declared beside the task it runs.
CELERY_BEAT_SCHEDULE = {}
CELERY_BEAT_SCHEDULE_MODULES = ["audit.tasks", "notifications.tasks", "processes.common.tasks", "processes.objection.tasks", "processes.commitment.tasks", "processes.transfer.tasks", "processes.interview.tasks", "processes.listing.tasks", "oversight.tasks"]

# --- auth, i18n ---------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start when it is missing
except OSError:
    pass
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- documents ---------------------------------------------------------------

# A TrueType CJK font (reportlab embeds TrueType only; CFF/OTF fonts will not work).
# scripts/demo and scripts/test install Debian's fonts-wqy-microhei when it is missing.
DOCUMENT_FONT_PATH = env.str("DOCUMENT_FONT_PATH", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DOCUMENT_ISSUER_NAME = env.str("DOCUMENT_ISSUER_NAME", default="市交通运输局")

# --- email and SMS ----------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="信用交通工作流 <noreply@localhost>")
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.LogSMSBackend")

# --- REST API -------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.LockoutBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "信用交通工作流服务 API",
    "DESCRIPTION": "Transport credit workflow service: objections, repair, commitments, interviews, lists, transfers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name for a choice set several fields use (else spectacular warns and names it per field).
    "ENUM_NAME_OVERRIDES": {
        "MaterialKindEnum": "processes.common.models.Material.Kind",
        "ObjectionStatusEnum": "processes.objection.models.Objection.Status",
        "ObjectionChannelEnum": "processes.objection.models.Objection.Channel",
        "InterviewKindEnum": "credit.models.InterviewRecord.Kind",
        "InterviewStatusEnum": "processes.interview.models.WarningInterview.Status",
        "CommitmentKindEnum": "credit.models.Commitment.Kind",
        "CommitmentStatusEnum": "credit.models.Commitment.Status",
        "CommitmentCaseStatusEnum": "processes.commitment.models.CommitmentCase.Status",
        "CommitmentCaseChannelEnum": "processes.commitment.models.CommitmentCase.Channel",
        "CommitmentVerificationMethodEnum": "processes.commitment.models.CommitmentCase.Method",
        "CommitmentVerificationResultEnum": "processes.commitment.models.CommitmentCase.Result",
    },
}

# --- integrations ---------------------------------------------------------------

NATIONAL_SITE_SECRET = env.str("NATIONAL_SITE_SECRET", default="")
NATIONAL_SITE_FEEDBACK_URL = env.str("NATIONAL_SITE_FEEDBACK_URL", default="")
TRANSFER_MAX_BODY_BYTES = env.int("TRANSFER_MAX_BODY_BYTES", default=20 * 1024 * 1024)
# Where other platform pushes go, by platform: PLATFORM_SYNC_URLS="provincial=https://…,creditchina=https://…"
# (transfer feedback goes to NATIONAL_SITE_FEEDBACK_URL). Failed attempts wait base · 2ⁿ seconds, at most an hour.
PLATFORM_SYNC_URLS = env.dict("PLATFORM_SYNC_URLS", default={})
PLATFORM_SYNC_RETRY_BASE_SECONDS = env.int("PLATFORM_SYNC_RETRY_BASE_SECONDS", default=30)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- security (production values come from the environment) --------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Django's deployment checklist: sessions end with the working day or the browser,
# cookies never leave the site on cross-site requests (Lax keeps links from email working).
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
# No script reads the CSRF cookie (forms carry the token in a hidden field).
CSRF_COOKIE_HTTPONLY = True
CSRF_USE_SESSIONS = False
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Only the header directive; joining the browsers' preload list is a separate, deliberate submission.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked for AXES_COOLOFF_MINUTES; a success resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.authentication.lockout_response"
AXES_VERBOSE = False
# Audit entries are sealed into the hash chain right after their transaction commits, and by a
# sweep every AUDIT_SEAL_SWEEP_SECONDS; one still unsealed after AUDIT_SEAL_GRACE_SECONDS is a
# problem audit_verify reports.
AUDIT_SEAL_SWEEP_SECONDS = env.int("AUDIT_SEAL_SWEEP_SECONDS", default=60)
AUDIT_SEAL_GRACE_SECONDS = env.int("AUDIT_SEAL_GRACE_SECONDS", default=600)
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"personal_data": {"()": "credit.validators.PersonalDataLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
    },
}
