"""Tandem settings: one module, driven by environment variables (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from a local .env file without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_env_file(BASE_DIR / ".env")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# production (default): strict; demo: synthetic data, second factor may be skipped;
# development: DEBUG on; test: used by the test harness.
MODES = {"production", "demo", "development", "test"}
TANDEM_MODE = os.environ.get("TANDEM_MODE", "production").strip().lower()
if TANDEM_MODE not in MODES:
    raise ImproperlyConfigured(f"TANDEM_MODE must be one of {sorted(MODES)}")
DEMO_MODE = TANDEM_MODE == "demo"

DEBUG = env_bool("TANDEM_DEBUG", TANDEM_MODE == "development")
if DEBUG and TANDEM_MODE not in {"development", "demo"}:
    raise ImproperlyConfigured("TANDEM_DEBUG may only be on in development or demo mode")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if TANDEM_MODE == "production":
        raise ImproperlyConfigured("SECRET_KEY must be set in production mode")
    # Non-production modes hold only synthetic data; the key still never ships in code paths
    # that production uses.
    SECRET_KEY = f"insecure-{TANDEM_MODE}-key-for-synthetic-data-only"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if TANDEM_MODE == "production" else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tandem.core",
    "tandem.people",
    "tandem.offending",
    "tandem.selection",
    "tandem.cohort",
    "tandem.casework",
    "tandem.api",
    "tandem.forums",
    "tandem.referrals",
    "tandem.appointments",
    "tandem.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tandem.core.static.GovukWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tandem.core.middleware.IdleSessionTimeoutMiddleware",
    "tandem.core.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the finished page first and CommonMiddleware counts its length after.
    "tandem.core.middleware.ErrorTitleMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tandem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.tandem",
            ],
        },
    },
]

# SQLite is the zero-setup default for the demo; tests and production use PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'tandem.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writes wait their turn (up to 20 s) rather than fail: a transaction that read first
    # and then writes cannot wait for the lock, so every transaction takes it at BEGIN.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TANDEM_MODE == "test":
    # Argon2 is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:home"

# Sessions: an absolute limit plus an idle limit enforced by IdleSessionTimeoutMiddleware.
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", TANDEM_MODE == "production")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_FAILURE_VIEW = "tandem.core.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating proxy in production: redirect to HTTPS and send HSTS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sign-in lockout (django-axes): repeated failures lock the account for a while.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Second factor (django-otp TOTP). Only demo mode may let a user skip it.
OTP_TOTP_ISSUER = "Tandem"
ALLOW_SKIP_SECOND_FACTOR = DEMO_MODE

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tandem" / "static"]
NODE_MODULES_DIR = Path(os.environ.get("NODE_MODULES_DIR", BASE_DIR / "node_modules"))
GOVUK_FRONTEND_DIR = NODE_MODULES_DIR / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS.append(("govuk", GOVUK_FRONTEND_DIR))  # type: ignore[arg-type]
WHITENOISE_USE_FINDERS = TANDEM_MODE != "production"
# Outside production, look files up per request instead of scanning every static folder
# (node_modules included) each time a request handler starts, as each test client does.
WHITENOISE_AUTOREFRESH = TANDEM_MODE != "production"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if TANDEM_MODE == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Logs carry request metadata and identifiers only: never names, dates of birth or search text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's request logger includes the URL; Tandem URLs carry ids and opaque search
        # tokens, never names or dates of birth.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Partner workers keep sight of a person for this many days after their engagement ends.
PARTNER_ACCESS_GRACE_DAYS = env_int("PARTNER_ACCESS_GRACE_DAYS", 90)
SEARCH_RESULT_LIMIT = env_int("SEARCH_RESULT_LIMIT", 50)
# Largest file a coordinator may upload to Import data; set the proxy's body limit to match.
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 20)

# Casework: an assessment is due this many days after adoption into the cohort or the start
# of a sentence of CASEWORK_LONG_SENTENCE_MONTHS or more; reassessment every so many months;
# care plan reviews every so many weeks.
CASEWORK_ASSESSMENT_DUE_DAYS = env_int("CASEWORK_ASSESSMENT_DUE_DAYS", 28)
CASEWORK_LONG_SENTENCE_MONTHS = env_int("CASEWORK_LONG_SENTENCE_MONTHS", 12)
CASEWORK_REASSESSMENT_MONTHS = env_int("CASEWORK_REASSESSMENT_MONTHS", 6)
CASEWORK_REVIEW_WEEKS = env_int("CASEWORK_REVIEW_WEEKS", 6)
# Pre-release tasks generated ahead of an expected release from sentenced custody, as
# (weeks before release, kind, title); `tandem pre_release_tasks` runs daily.
CASEWORK_PRE_RELEASE_TIMELINE: list[tuple[int, str, str]] = [
    (12, "housing_referral", "Make the housing referral"),
    (8, "drug_treatment_continuity", "Arrange drug treatment continuity"),
    (4, "ete_referral", "Make the education, training and employment referral"),
    (2, "first_appointments", "Book the first appointments after release"),
]

# Referrals: the receiving agency acknowledges within so many working days (England and
# Wales bank holidays are not working days) and starts work within so many after accepting;
# `tandem referral_timers` runs daily and tells both sides once when either is late.
REFERRALS_ACKNOWLEDGE_WORKING_DAYS = env_int("REFERRALS_ACKNOWLEDGE_WORKING_DAYS", 5)
REFERRALS_START_WORKING_DAYS = env_int("REFERRALS_START_WORKING_DAYS", 15)
# The caseload shows each person's next appointment this many days ahead.
APPOINTMENTS_CASELOAD_DAYS = env_int("APPOINTMENTS_CASELOAD_DAYS", 14)

# Appointments (tandem/appointments). Booking warns of an overlap, of two appointments on
# one day in different areas less than APPOINTMENTS_TRAVEL_MINUTES apart (one figure for any
# two areas), and of more than APPOINTMENTS_MAX_PER_WEEK in the person's ISO week; it
# suggests another weekday up to APPOINTMENTS_SUGGEST_DAYS away.
APPOINTMENTS_TRAVEL_MINUTES = env_int("APPOINTMENTS_TRAVEL_MINUTES", 60)
APPOINTMENTS_MAX_PER_WEEK = env_int("APPOINTMENTS_MAX_PER_WEEK", 5)
# Appointments are booked (and moved) at most this many years ahead: a later date is a slip.
APPOINTMENTS_BOOK_AHEAD_YEARS = env_int("APPOINTMENTS_BOOK_AHEAD_YEARS", 2)
APPOINTMENTS_SUGGEST_DAYS = env_int("APPOINTMENTS_SUGGEST_DAYS", 14)
# National Standards enforcement: the count of missed enforceable appointments within the
# window (months) at which a warning should be considered, and at which breach action must
# be considered once the person has also had a formal warning (any decision but
# discretion) within the window of the miss (decision record 10).
APPOINTMENTS_ENFORCEMENT_WINDOW_MONTHS = env_int("APPOINTMENTS_ENFORCEMENT_WINDOW_MONTHS", 12)
APPOINTMENTS_WARNING_AFTER_MISSED = env_int("APPOINTMENTS_WARNING_AFTER_MISSED", 1)
APPOINTMENTS_BREACH_AFTER_MISSED = env_int("APPOINTMENTS_BREACH_AFTER_MISSED", 2)
# An enforcement decision is due this many working days (England and Wales bank holidays
# excepted) after the flag is raised; the caseload shows it overdue after that.
APPOINTMENTS_DECISION_WORKING_DAYS = env_int("APPOINTMENTS_DECISION_WORKING_DAYS", 5)
# A missed appointment's re-engagement task is due this many days later.
APPOINTMENTS_REENGAGEMENT_DAYS = env_int("APPOINTMENTS_REENGAGEMENT_DAYS", 2)
# "Not engaging" (for forum agendas): this many missed appointments in so many weeks.
APPOINTMENTS_NOT_ENGAGING_MISSED = env_int("APPOINTMENTS_NOT_ENGAGING_MISSED", 2)
APPOINTMENTS_NOT_ENGAGING_WEEKS = env_int("APPOINTMENTS_NOT_ENGAGING_WEEKS", 8)
# Reminders: `tandem appointments_remind` (cron, hourly) sends those starting within this
# many hours. Backend: console (prints, the default) or notify (GOV.UK Notify, with the key
# and template ids from the environment; each template shows the ((body)) field, and the
# email one ((subject)) too).
APPOINTMENTS_REMINDER_HOURS = env_int("APPOINTMENTS_REMINDER_HOURS", 24)
APPOINTMENTS_NOTIFY_BACKEND = os.environ.get("APPOINTMENTS_NOTIFY_BACKEND", "console").strip()
APPOINTMENTS_NOTIFY_API_KEY = os.environ.get("APPOINTMENTS_NOTIFY_API_KEY", "")
APPOINTMENTS_NOTIFY_SMS_TEMPLATE_ID = os.environ.get("APPOINTMENTS_NOTIFY_SMS_TEMPLATE_ID", "")
APPOINTMENTS_NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("APPOINTMENTS_NOTIFY_EMAIL_TEMPLATE_ID", "")

# The API (tandem/api): custody systems authenticate with a token an administrator issues;
# signed-in custody officers may use their session. JSON only: no browsable API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tandem.api.authentication.CustodyTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": (
        "The custody-suite check for custody systems: is this person a PPO, who manages "
        "them and what to do. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The description holds no personal data; integrators read it before they have a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the sidecar package, served by WhiteNoise: works with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SILENCED_SYSTEM_CHECKS = [
    # Lockout is per account: locking by address would lock out a whole police station
    # behind one gateway after a few mistakes by one person.
    "axes.W006",
]
