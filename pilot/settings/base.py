"""Settings shared by every environment.

Everything that differs between machines is read from the environment through one reader
(``env``); the environment-specific modules only change defaults.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
# Key of the research pseudonyms (reporting/exports/pseudonyms.py). It lives outside the
# database so that the pseudonyms cannot be recomputed from a copy of the data alone; the same
# key gives the same pseudonyms in every delivery.
PSEUDONYM_KEY = env("PSEUDONYM_KEY", default="dev-only-pseudonym-key")
# A research export forks a second process for half its tables when it safely can
# (reporting/exports/lanes.py); off, every table is written in the worker's own process.
RESEARCH_EXPORT_PARALLEL = env.bool("RESEARCH_EXPORT_PARALLEL", default=True)
# The version of the information letter a jobseeker currently gets for each consent purpose
# (placements.enums.ConsentPurpose); a consent records the version it was given on. Raise it
# here when a new letter goes out: consents given earlier keep the version they were given on.
CONSENT_INFORMATION_VERSIONS = {
    "research": env("CONSENT_VERSION_RESEARCH", default="research-2026-01"),
    "follow_up": env("CONSENT_VERSION_FOLLOW_UP", default="follow-up-2026-01"),
}
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_config.PilotAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's session list (/accounts/sessions/) uses it
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    # Lowest first, as docs/architecture.md draws them: the kernel (label "pilot"), the tenant,
    # the domain, reads and privacy, then the site's front and the demo on top.
    "kernel",
    "municipalities",
    "coaching",
    "placements",
    "reporting",
    "privacy",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Dutch unless the person chose English (not the browser's Accept-Language).
    "portal.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "municipalities.middleware.SessionLifetimeMiddleware",
    "municipalities.middleware.SecondFactorRequiredMiddleware",
    # The request as the context of the processing log (who reads or writes, through which route).
    "municipalities.processing_log.ProcessingLogMiddleware",
    "portal.middleware.TooManyRequestsMiddleware",
    # Last: the database's own wall (row-level security) for everything the view reads.
    "municipalities.middleware.DatabaseScopeMiddleware",
]

ROOT_URLCONF = "pilot.urls"
FORM_RENDERER = "kernel.forms.PilotFormRenderer"
WSGI_APPLICATION = "pilot.wsgi.application"

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
                "portal.navigation.navigation",
            ],
        },
    },
]

# The database comes from DATABASE_URL whenever it is set. Connections are kept open between
# requests (opening one costs about ten simple queries here) and checked before reuse.
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/pilot"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "municipalities.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"

# Accounts (django-allauth): sign in with e-mail and password. Nobody signs up: a programme
# admin invites people. Failed sign-ins are rate limited (allauth's defaults).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "municipalities.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None
# A password change keeps the session it was made in and ends every other one (Django's
# session hash follows the password hash).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Nobody changes their own login e-mail: the programme admin does, in the admin
# (municipalities/adapters.py refuses allauth's e-mail management).
ACCOUNT_CHANGE_EMAIL = False
# Explicit, so that a reader sees them: the sixth wrong password for one account within five
# minutes is refused (and so is a right one until the window has passed), ten per minute per
# address. The Django admin signs in through this same form (pilot/urls.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}

# Confirming who you are before a sensitive change (adding a second factor, new recovery codes,
# a new password): the password or the second factor, never a code mailed to the inbox.
ACCOUNT_REAUTHENTICATION_METHODS = {"password", "mfa"}

# Second factor (allauth.mfa): everyone needs one. After the password, an account without one
# is sent to set up an authenticator app and no other page or API answers until it has
# (municipalities/middleware.py). Recovery codes come with it. Only a programme admin removes
# a second factor (the admin's "Reset second factor"), never the person themselves.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Social Return pilot"
MFA_ADAPTER = "municipalities.adapters.PilotMFAAdapter"
# allauth refuses a second factor while an e-mail address is unverified (against someone who
# signs up with another's address). Nobody signs up here: the programme admin sets each address
# and the invitation link proves the mailbox, so the set-up must not wait for a verification.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# One 30-second step either side, for clocks that drift a little (each code still works once).
MFA_TOTP_TOLERANCE = 1

# Sessions end: after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_MAX_AGE
# seconds after signing in whatever happens (municipalities/middleware.py). The cookie and the
# database row live no longer than the absolute lifetime either.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_AGE
ACCOUNT_PREVENT_ENUMERATION = True
# The password forms show the rules before a password fails them (municipalities/account_forms.py).
ACCOUNT_FORMS = {
    "reset_password_from_key": "municipalities.account_forms.ResetPasswordKeyWithRulesForm",
    "change_password": "municipalities.account_forms.ChangePasswordWithRulesForm",
    "set_password": "municipalities.account_forms.SetPasswordWithRulesForm",
}
# The invitation link (a password-reset key) proves the mailbox: after setting a password the
# person is signed in and goes straight on to set up the second factor (the middleware sends
# them there) and then to their home page, with no dead end and no second sign-in. allauth asks
# for an existing second factor at this sign-in as at any other.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="pilot@localhost")


# Celery: Redis is the broker and the result store. Tasks are sent only after the surrounding
# transaction commits (see the tasks modules), so a worker never sees uncommitted rows.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# The cache (sessions stay in the database; allauth's rate limits use the cache). While Redis
# is down it falls back to a memory cache per process (kernel/cache.py): signing in keeps working.
CACHES = {"default": {"BACKEND": "kernel.cache.FallbackRedisCache", "LOCATION": REDIS_URL}}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# A task's message is acknowledged when it finished, and handed back when its worker process
# died, so a crash never loses a job; the services make running a job twice harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A message taken by a worker that then vanished (kill -9, a lost host) comes back only after
# the visibility timeout. It must exceed the longest job (a national-scale research export or
# report takes minutes; two hours leaves a wide margin), or a slow job would be started twice.
# A dead worker's job does not wait for this: the job lease below notices it within minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "socket_connect_timeout": 2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Sending a task while Redis is down: give up after about a second, so that the request can
# tell the user instead of hanging (kernel/queue.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Reports and exports (kernel/jobs.py). A running job's worker renews its lease every
# JOB_HEARTBEAT_SECONDS; a job whose lease is older than JOB_LEASE_SECONDS lost its worker and
# is queued again (at most JOB_MAX_ATTEMPTS runs in all) or failed with the reason. A queued job
# nobody took for JOB_REQUEUE_SECONDS (its message lost with a Redis restart) is sent again.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=30)
JOB_LEASE_SECONDS = env.float("JOB_LEASE_SECONDS", default=120)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_REQUEUE_SECONDS = env.float("JOB_REQUEUE_SECONDS", default=1800)
# Retention of personal data (privacy/retention.py, docs/privacy.md): a participant's name,
# birth date (all but its year), client number, contact details and free text are erased this
# many days after their follow-up window closed (the internship's end + the follow-up months:
# the last benefit check is due then), and everyone's this many days after the pilot's end
# (PILOT_END_DATE, ISO date; empty while the pilot runs). The facts behind the figures stay.
_pilot_end = env.str("PILOT_END_DATE", default="")
PILOT_END_DATE = datetime.date.fromisoformat(_pilot_end) if _pilot_end else None
PILOT_RETENTION_AFTER_WINDOW_DAYS = env.int("PILOT_RETENTION_AFTER_WINDOW_DAYS", default=365)
PILOT_RETENTION_AFTER_PILOT_END_DAYS = env.int("PILOT_RETENTION_AFTER_PILOT_END_DAYS", default=365)
# /health/ calls the worker absent when none wrote its heartbeat for this long.
WORKER_SILENT_SECONDS = env.float("WORKER_SILENT_SECONDS", default=180)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Retention (privacy/retention.py): erase whose personal data was kept long enough.
    "nightly-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "nightly-metrics-snapshot": {
        "task": "reporting.compute_metrics_snapshot",
        "schedule": crontab(hour=2, minute=0),
        "kwargs": {"trigger": "nightly"},
    },
    # The month's progress reports, as of the last day of the previous month.
    "monthly-progress-reports": {
        "task": "reporting.render_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
    # Uploaded import files that were never confirmed, and the cell values quoted in their
    # problems, are deleted when their time is up.
    "expire-import-uploads": {
        "task": "placements.expire_import_uploads",
        "schedule": crontab(minute=15),
    },
}
# After a data change, wait this long before recomputing the figures: a burst of edits in
# that time gives one recomputation.
METRICS_REFRESH_DELAY_SECONDS = env.int("METRICS_REFRESH_DELAY_SECONDS", default=30)

# Request bodies: only the import page takes files, so 1 MB is far more than any other form
# needs (portal/middleware.py refuses larger bodies with 413, file parts included).
REQUEST_BODY_MAX_SIZE = env.int("REQUEST_BODY_MAX_SIZE", default=1_000_000)
# The CSV files of one import from the browser, together (placements/imports): the pilot's
# whole data is well under 1 MB; 20 MB leaves room for a national roll-out's files.
IMPORT_UPLOAD_MAX_SIZE = env.int("IMPORT_UPLOAD_MAX_SIZE", default=20 * 1024 * 1024)
# Uploaded import files wait here (never under MEDIA_ROOT, which a web server might serve) for
# the confirmation; web and worker must share it. Deleted when imported or after the hours below.
IMPORT_UPLOAD_ROOT = env.path("IMPORT_UPLOAD_ROOT", default=str(BASE_DIR / "var" / "imports"))
IMPORT_UPLOAD_KEEP_HOURS = env.int("IMPORT_UPLOAD_KEEP_HOURS", default=24)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_SIZE
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Work a person may queue for the worker: (how many, per how many seconds), per person and
# kind (kernel/ratelimits.py). Figures for a date already asked for cost nothing.
WORK_RATE_LIMITS = {
    "snapshot": (10, 600),
    "report": (10, 600),
    "export": (5, 600),
    "import": (20, 600),
}

# API clients (api-write.md): requests per client, (how many, per how many seconds); past it
# the API answers 429 with Retry-After (kernel/ratelimits.py).
API_CLIENT_RATE_LIMIT = (
    env.int("API_CLIENT_RATE_LIMIT", default=600),
    env.int("API_CLIENT_RATE_LIMIT_SECONDS", default=60),
)

REST_FRAMEWORK = {
    # The bearer token of an API client first: a request with neither answers 401 with
    # WWW-Authenticate: Bearer (api-write.md); people use their session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "municipalities.api_clients.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "municipalities.api_permissions.NotOnlyPrivacyOfficer",
    ],
    # Per person (and per address for the anonymous, who get 401 anyway): enough for any
    # client that pages through the lists, not for scraping. An API client has its own limit.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "municipalities.api_clients.PersonRateThrottle",
        "municipalities.api_clients.ApiClientRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "300/minute"},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kernel.pagination.KeysFirstPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Social Return pilot API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API's description only for those who may use it (not the privacy officer).
    "DESCRIPTION": (
        "The pilot's data for people (session sign-in) and for systems (API clients with a "
        "bearer token, docs/api.md). PUT upserts carry the columns of the CSV import "
        "(data-exchange.md) with the same rules and keys. Errors answer "
        '{"errors": [{"field": ..., "message": ...}]}.'
    ),
    # Two choice sets share the field name end_reason: name each after its own enum.
    "ENUM_NAME_OVERRIDES": {
        "PlacementEndReasonEnum": "placements.enums.PlacementEndReason",
        "BenefitEndReasonEnum": "placements.enums.BenefitEndReason",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "municipalities.api_permissions.NotOnlyPrivacyOfficer",
    ],
}

# Logs never carry personal data: records name row keys (refs) and ids, never names.
# Request lines lose their query string (searches carry names; kernel/logging.py); gunicorn's
# access log leaves it out too (pilot/gunicorn.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_query_string": {"()": "kernel.logging.DropQueryString"},
        "no_client_error_traceback": {"()": "kernel.logging.NoTracebackForClientErrors"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {"format": "[%(asctime)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The PDF renderer's notes (every font subset, every CSS property it skips) are not
        # news to anyone: a command prints its result and its problems only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.server": {
            "handlers": ["server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_string"],
        },
        "django.request": {"filters": ["no_query_string", "no_client_error_traceback"]},
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Issue 12: in what the funder sees, a count in a breakdown finer than the headline per
# municipality (reasons, benefit types, cohorts, gaps per municipality) below this is shown as
# "< 5" (reporting.small_cells); totals stay exact.
SMALL_CELL_MINIMUM = env.int("SMALL_CELL_MINIMUM", default=5)
