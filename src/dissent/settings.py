"""Django settings, read from the environment (see README and docs/deploy.md).

Development is the default. ``DISSENT_ENV=production`` turns on every HTTPS
protection and refuses to start when it is asked to run insecurely.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dissent.home import data_dir, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent
HOME = data_dir()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = os.environ.get("DISSENT_ENV", "development") == "production"
DEBUG = env_flag("DISSENT_DEBUG")
SECRET_KEY = os.environ.get("DISSENT_SECRET_KEY") or read_or_create_secret("secret_key")
BASE_URL = os.environ.get("DISSENT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(BASE_URL)

ALLOWED_HOSTS = [_base.hostname or "localhost"]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS += [h for h in os.environ.get("DISSENT_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

INSTALLED_APPS = [
    "dissent.apps.DissentAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",  # serves the API docs' Swagger UI from static files, as the CSP requires
    "huey.contrib.djhuey",
    "dissent.people",
    "dissent.audit",
    "dissent.vault",
    "dissent.channel",
    "dissent.signing",
    "dissent.notify",
    "dissent.attachments",
    "dissent.broadcasts",
    "dissent.forums",
    "dissent.web",
    "dissent.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dissent.web.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy
    "dissent.api.text.RefuseUnusableInputMiddleware",  # API: too large 413, NUL or lone surrogate 400
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dissent.people.sessions.SessionActivityMiddleware",  # idle timeout
    "dissent.people.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dissent.people.mfa.MfaRequiredMiddleware",  # MFA set-up before anything else, for privileged roles
    "dissent.web.security.VaultFailureMiddleware",  # tampered content / unusable KEK: a clear page
]

ROOT_URLCONF = "dissent.urls"
WSGI_APPLICATION = "dissent.wsgi.application"
ASGI_APPLICATION = "dissent.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Databases: embedded SQLite by default, PostgreSQL when DATABASE_URL says so.
# SQLite opens write transactions IMMEDIATE so concurrent writers queue on the
# busy timeout instead of failing with "database is locked" (design/pitfalls.md).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side binding lets psycopg prepare statements a connection runs repeatedly: it
        # halved PostgreSQL's CPU per signature (docs/benchmarks.md). Behind PgBouncer in
        # transaction mode, set its max_prepared_statements (docs/deploy.md).
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HOME / "dissent.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A connection per serving thread, kept: opening one costs more than a signature (docs/benchmarks.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    # Tests use a file, like production: an in-memory shared-cache database locks whole tables
    # and fails concurrent writers at once instead of queueing them on the busy timeout.
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: staff come from the directory import, so nobody signs up;
# people log in with their e-mail address and may reset a forgotten password.
ACCOUNT_ADAPTER = "dissent.people.adapters.DirectoryAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Dissent Channel] "
# Accounts cannot be taken over through their addresses: a reset goes only to the login
# address, a reset for an unknown address sends nothing (and the page answers the same), and a
# change of address, password or reset is announced by e-mail (a change to the old address).
ACCOUNT_FORMS = {"reset_password": "dissent.people.forms.PrimaryAddressResetForm"}
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_NOTIFICATIONS = True

# Trust: two factors for privileged roles (people/mfa.py), login throttling, re-authentication
# within 15 minutes for signing and exports (people/reauth.py), sessions that end when idle
# (people/sessions.py). See docs/security.md.
MFA_ADAPTER = "dissent.people.mfa.VaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dissent Channel"
# Failed logins: per client address, and per account at that address; a larger ceiling per
# account alone, which one address cannot reach (people/adapters.py).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "login_failed_account": "100/h/key"}
# Two factors for everyone, not only for the privileged roles (people/mfa.py).
MFA_FOR_EVERYONE = env_flag("DISSENT_MFA_FOR_EVERYONE")
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60
try:
    SESSION_IDLE_MINUTES = int(os.environ.get("DISSENT_SESSION_IDLE_MINUTES", "30"))
except ValueError:
    SESSION_IDLE_MINUTES = 0
if SESSION_IDLE_MINUTES < 2:
    raise ImproperlyConfigured("DISSENT_SESSION_IDLE_MINUTES must be a whole number of minutes, at least 2.")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = HOME / "files"

# E-mail: EMAIL_URL=smtp://host:port or smtp+tls://user:pass@host:port; otherwise
# messages are written as files under DISSENT_HOME/mail/ for development.
DEFAULT_FROM_EMAIL = os.environ.get("DISSENT_FROM_EMAIL", "dissent-channel@localhost")
_email_url = os.environ.get("EMAIL_URL")
if _email_url:
    _mail = urlsplit(_email_url)
    if _mail.scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl://, not {_mail.scheme}://"
        )
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtp+ssl"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = HOME / "mail"

# Seconds a mail server may take to answer any one step before the attempt fails and is
# retried later (notify/delivery.py): a dead server must not hold a task worker for minutes.
EMAIL_TIMEOUT = 10

# Background tasks: Huey on SQLite in the data dir, or on Redis when REDIS_URL is set; the
# live pages' fan-out between processes uses it too (dissent/fanout.py).
_redis_url = os.environ.get("REDIS_URL")
REDIS_URL = _redis_url or ""
HUEY = {
    "name": "dissent",
    "immediate": env_flag("DISSENT_TASKS_IMMEDIATE"),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if _redis_url:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": _redis_url}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(HOME / "tasks.sqlite3")}

# The cache holds login throttling counters and used TOTP codes, so every server process
# must share it: Redis when there is one, else files in the data dir (one machine).
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "dissent-cache",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(HOME / "cache"),
        }
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DISSENT_DEBUG must be off when DISSENT_ENV=production.")
    if _base.scheme != "https":
        raise ImproperlyConfigured(
            "DISSENT_ENV=production needs DISSENT_BASE_URL to start with https:// "
            f"(got {BASE_URL!r}); the channel is never served over plain HTTP."
        )
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are HTTPS-only, host-only and path=/: no subdomain can set or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = int(os.environ.get("DISSENT_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_flag("DISSENT_HSTS_PRELOAD")
    # Preloading commits every subdomain of the operator's domain to HTTPS for good: an
    # opt-in (DISSENT_HSTS_PRELOAD=1), so its absence is not a deployment warning.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_flag("DISSENT_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50

# Personal API tokens skip the second factor, so they expire: after this many days unless
# `dissent tokens create --days N` says otherwise (1 to 366).
try:
    DISSENT_TOKEN_DAYS = int(os.environ.get("DISSENT_TOKEN_DAYS", "90"))
except ValueError:
    DISSENT_TOKEN_DAYS = 0
if not 1 <= DISSENT_TOKEN_DAYS <= 366:
    raise ImproperlyConfigured("DISSENT_TOKEN_DAYS must be a whole number of days from 1 to 366.")

# Attachments: a size limit and an allow-list of types (dissent/attachments/files.py).
DISSENT_ATTACHMENT_MAX_BYTES = int(float(os.environ.get("DISSENT_ATTACHMENT_MAX_MB", "25")) * 1_000_000)
DISSENT_ATTACHMENT_TYPES = frozenset(
    os.environ.get(
        "DISSENT_ATTACHMENT_TYPES", "pdf,png,jpg,jpeg,txt,md,csv,docx,xlsx,pptx,odt,ods,odp"
    ).split(",")
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000_000

# Live listening sessions: the most Server-Sent Event streams one web worker process holds
# open (dissent/live/); two workers by default, so 5,000 people with room for an uneven share.
try:
    DISSENT_LIVE_MAX_STREAMS = int(os.environ.get("DISSENT_LIVE_MAX_STREAMS", "4000"))
except ValueError:
    DISSENT_LIVE_MAX_STREAMS = 0
if DISSENT_LIVE_MAX_STREAMS < 1:
    raise ImproperlyConfigured("DISSENT_LIVE_MAX_STREAMS must be a whole number, at least 1.")

LOG_LEVEL = os.environ.get("DISSENT_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # The task worker says once that it started; its every-minute runs (e-mail delivery) log
    # only at DISSENT_LOG_LEVEL. Configured here, the huey logger gets no second handler.
    "loggers": {
        "huey": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "huey.consumer": {"level": "INFO"},
        "huey.consumer.Scheduler": {"level": LOG_LEVEL},
    },
}

# Listening sessions: how many questions one person may ask in a session per hour
# (anonymous ones included, counted under their pseudonym; dissent/forums/services.py).
try:
    DISSENT_QUESTIONS_PER_HOUR = int(os.environ.get("DISSENT_QUESTIONS_PER_HOUR", "10"))
except ValueError:
    DISSENT_QUESTIONS_PER_HOUR = 0
if not 1 <= DISSENT_QUESTIONS_PER_HOUR <= 1000:
    raise ImproperlyConfigured("DISSENT_QUESTIONS_PER_HOUR must be a whole number from 1 to 1000.")

# Flash messages ride in a signed cookie, never in the session table: "your anonymous question
# is posted" must not be stored server-side beside the person's session (docs/security.md).
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
