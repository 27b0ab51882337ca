"""Settings for lueckenlos, read from environment variables (documented in README.md).

LUECKENLOS_ENV=demo (the default) runs the embedded demo with safe defaults: SQLite in the
data directory and a secret key generated there. LUECKENLOS_ENV=production requires
SECRET_KEY and ALLOWED_HOSTS to be set.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lueckenlos.lib.env import envbool, envchoice, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent

ENVIRONMENT = envchoice("LUECKENLOS_ENV", "demo", ["demo", "production"])
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(envstr("LUECKENLOS_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


MIN_SECRET_KEY_LENGTH = 50


def _secret_key() -> str:
    key = envsecret("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < MIN_SECRET_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production."
            )
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
    # The demo keeps one generated key in its data directory so sessions survive restarts.
    # Created readable by the owner only from the start; a second process starting at the
    # same moment reads the first one's key instead of writing its own.
    key_file = DATA_DIR / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(MIN_SECRET_KEY_LENGTH))
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on in production: it shows secrets on errors.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Second factor (TOTP) for coordinators and administrators; throttling of failed logins.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "lueckenlos.lib",
    "lueckenlos.accounts",
    "lueckenlos.areas",
    "lueckenlos.catalogue",
    "lueckenlos.monitoring",
    "lueckenlos.search",
    "lueckenlos.interop",
    "lueckenlos.freshness",
    "lueckenlos.api",
    "lueckenlos.review",
    "lueckenlos.analysis",
    "lueckenlos.networks",
    "lueckenlos.measures",
    "lueckenlos.reports",
    "lueckenlos.workspace",
    "lueckenlos.portal",
    "lueckenlos.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and GeoJSON compressed (static files come compressed from WhiteNoise above). No
    # secret is reflected beside user input on the public pages, and Django masks its CSRF
    # token per response, so BREACH has nothing to read.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sends a signed-in coordinator or administrator to the second factor before any page
    # outside /konto/, and ends sessions older than LUECKENLOS_SESSION_MAX_HOURS.
    "lueckenlos.accounts.middleware.SessionPolicyMiddleware",
    # Who made a change, for the history of catalogue records (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns a locked-out login attempt into the page that says so (last: sees every response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lueckenlos.urls"
WSGI_APPLICATION = "lueckenlos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lueckenlos.portal.context_processors.map_settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lueckenlos.sqlite3'}"),
        # Kept connections: opening one per request cost a search on PostgreSQL 4 ms plus a
        # cold first query (benchmark: HTTP p95 284 → 106 ms); checked before each reuse.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, min_value=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while an import writes; IMMEDIATE avoids "database is locked"
    # when two writers start a transaction at the same moment.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German is the primary language. The language is part of the public address (/en/..., /ar/...),
# never a cookie; German pages have no prefix. These codes are reserved as Kommune slugs.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = envstr("TIME_ZONE", "Europe/Berlin")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder on every start
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION or envbool("WHITENOISE_USE_FINDERS", False)
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "lueckenlos@localhost")
SERVER_EMAIL = envstr("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Sign-in (lueckenlos.accounts). The throttle comes first: it refuses a locked-out
# user/address before any password is checked; then e-mail, then username (Django admin).
AUTHENTICATION_BACKENDS = [
    "lueckenlos.accounts.backends.ThrottleBackend",
    "lueckenlos.accounts.backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Coordinators and administrators confirm their sign-in with a TOTP code (an authenticator
# app); the demo waives it and its login page says so.
REQUIRE_SECOND_FACTOR = envbool("LUECKENLOS_REQUIRE_SECOND_FACTOR", PRODUCTION)
OTP_TOTP_ISSUER = envstr("LUECKENLOS_OTP_ISSUER", "lueckenlos")
# An invitation link works once, within this many days.
INVITATION_VALID_DAYS = envint("LUECKENLOS_INVITATION_DAYS", 7, min_value=1)
PASSWORD_RESET_TIMEOUT = envint("LUECKENLOS_PASSWORD_RESET_HOURS", 24, min_value=1) * 3600

# Sessions end after this idle time (each request renews them) and at the latest this many
# hours after signing in, however active.
SESSION_IDLE_MINUTES = envint("LUECKENLOS_SESSION_IDLE_MINUTES", 60, min_value=1)
SESSION_MAX_HOURS = envint("LUECKENLOS_SESSION_MAX_HOURS", 12, min_value=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Failed logins (django-axes): after 5 failures of one user from one address, that pair is
# locked for 15 minutes; a success resets the count. Applies to the admin login too.
AXES_FAILURE_LIMIT = envint("LUECKENLOS_LOGIN_FAILURE_LIMIT", 5, min_value=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LUECKENLOS_LOGIN_LOCK_MINUTES", 15, min_value=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lueckenlos.accounts.views.locked_out"
# The same e-mail in any spelling of upper and lower case counts as one user.
AXES_USERNAME_CALLABLE = "lueckenlos.accounts.backends.throttle_username"
AXES_VERBOSE = False

if PRODUCTION:
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    # Browsers remember to use HTTPS only (a year by default); 0 switches HSTS off.
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600, min_value=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": envchoice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Paging of the simple public lists.
PORTAL_PAGE_SIZE = envint("LUECKENLOS_PAGE_SIZE", 25, min_value=1)

# Freshness (lueckenlos.freshness): providers are reminded of offers not confirmed for this
# long; offers are hidden from the portal (never deleted) after HIDE months, 0: never. The
# demo's data were last confirmed in 2022/23, so outside production nothing is hidden.
LUECKENLOS_REMIND_AFTER_MONTHS = envint("LUECKENLOS_REMIND_AFTER_MONTHS", 12, min_value=1)
LUECKENLOS_HIDE_AFTER_MONTHS = envint(
    "LUECKENLOS_HIDE_AFTER_MONTHS", 18 if PRODUCTION else 0, min_value=0
)
LUECKENLOS_REMINDER_QUIET_DAYS = envint("LUECKENLOS_REMINDER_QUIET_DAYS", 30, min_value=1)
LUECKENLOS_CONFIRM_LINK_DAYS = envint("LUECKENLOS_CONFIRM_LINK_DAYS", 60, min_value=1)
# The portal's public address, for links in e-mails that commands send (there is no request);
# set it in production.
LUECKENLOS_PUBLIC_URL = envstr("LUECKENLOS_PUBLIC_URL", "http://127.0.0.1:8000")
# Small numbers (lueckenlos.analysis.suppression, DOMAIN.md): figures from statistics are
# withheld when the count is below MIN_NUMERATOR (zero shown unless SUPPRESS_ZERO: a reach of
# 0 is the gap the page exists to show) or its base below MIN_DENOMINATOR; ROUND_TO rounds
# the shown counts (0: not rounded).
LUECKENLOS_SUPPRESS_MIN_NUMERATOR = envint("LUECKENLOS_SUPPRESS_MIN_NUMERATOR", 3, min_value=1)
LUECKENLOS_SUPPRESS_MIN_DENOMINATOR = envint(
    "LUECKENLOS_SUPPRESS_MIN_DENOMINATOR", 100, min_value=1
)
LUECKENLOS_SUPPRESS_ZERO = envbool("LUECKENLOS_SUPPRESS_ZERO", False)
LUECKENLOS_SUPPRESS_ROUND_TO = envint("LUECKENLOS_SUPPRESS_ROUND_TO", 0, min_value=0)
# Where people report barriers and errors (accessibility statement); the sender address of
# e-mails is often a no-reply address, so this is its own setting.
FEEDBACK_EMAIL = envstr("LUECKENLOS_FEEDBACK_EMAIL", DEFAULT_FROM_EMAIL)

# Background map tiles, fetched by the visitor's browser only after they agree (two clicks).
# Empty: the map shows areas and offers on a plain background and asks nothing. Example:
# LUECKENLOS_TILE_URL=https://tile.openstreetmap.de/{z}/{x}/{y}.png
TILE_URL = envstr("LUECKENLOS_TILE_URL", "")
TILE_ATTRIBUTION = envstr(
    "LUECKENLOS_TILE_ATTRIBUTION", "© OpenStreetMap contributors" if TILE_URL else ""
)
if TILE_URL and not TILE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("LUECKENLOS_TILE_URL must start with https:// or http://.")

# The largest file an import accepts: a coordinator's sheet is far smaller; a larger file is
# refused with a message before it is read.
LUECKENLOS_MAX_IMPORT_BYTES = envint("LUECKENLOS_MAX_IMPORT_BYTES", 100 * 1024 * 1024, min_value=1)

# A Nominatim-compatible server of your own for addresses the address register lacks (asked
# only then; empty: none is asked, never a public one by default).
NOMINATIM_URL = envstr("LUECKENLOS_NOMINATIM_URL", "")
NOMINATIM_TIMEOUT_SECONDS = envint("LUECKENLOS_NOMINATIM_TIMEOUT", 10, min_value=1)
if NOMINATIM_URL and not NOMINATIM_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("LUECKENLOS_NOMINATIM_URL must start with https:// or http://.")


def _origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    # Leaflet's {s} stands for several subdomains: a wildcard source in the policy.
    return f"{scheme}://{rest.split('/', 1)[0].replace('{s}.', '*.')}"


# A strict Content-Security-Policy: only this server's scripts and styles, no inline code.
# The Django admin keeps its own inline scripts and is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_origin(TILE_URL)] if TILE_URL else []),
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The public pages ask nothing of the browser's sensors except location, on the user's click.
SECURE_REFERRER_POLICY = "same-origin"

# The REST API (lueckenlos.api): JSON only, read open, write with a personal token
# (`lueckenlos api_token USER`); signed-in back-office sessions work in the API docs too.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "lueckenlos.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "lueckenlos.api.schema.ApiSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "lueckenlos API",
    "DESCRIPTION": (
        "Offers for children, young people and families of the Kommunen of this "
        "installation (Präventionskette): read openly; write with a personal token "
        "(header `Authorization: Token …`) as your role in a Kommune allows."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI and Redoc from drf-spectacular-sidecar, served by this server: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["lueckenlos.api.schema.only_own_api"],
}
