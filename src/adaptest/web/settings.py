"""Django settings. Every value comes from the environment (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext

from adaptest.content import DEEP_LEARNING_BANK
from adaptest.web import env

# Django's ModelAdmin and a few other generic classes cannot be subscripted at run time; this lets the
# admin say which model it shows (ModelAdmin[Item]), as django-stubs types it.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.path("ADAPTEST_DATA_DIR", Path.cwd() / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.boolean("ADAPTEST_DEBUG", False)
# Served over HTTPS (production, behind a TLS-terminating proxy): secure cookies, HSTS, redirects to https.
# Off by default, so `make run` works over http://127.0.0.1; see docs/deployment.md.
HTTPS = env.boolean("ADAPTEST_HTTPS", False)
SECRET_KEY = env.secret_key("ADAPTEST_SECRET_KEY", DATA_DIR)
ALLOWED_HOSTS = env.strings("ADAPTEST_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.strings("ADAPTEST_CSRF_TRUSTED_ORIGINS", [])
# Certificates (docs/credentials.md): the Ed25519 signing key is a file, never a database row, and the
# issuer is did:web:<ADAPTEST_ISSUER_DOMAIN>, or did:web:<the request's host> when that is empty.
ADAPTEST_ISSUER_KEY_FILE = env.path("ADAPTEST_ISSUER_KEY_FILE", DATA_DIR / "issuer-ed25519.jwk")
ADAPTEST_ISSUER_DOMAIN = env.string("ADAPTEST_ISSUER_DOMAIN", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "adaptest.web.core",
    "adaptest.web.accounts",
    "adaptest.web.itembank",
    "adaptest.web.assessments",
    "adaptest.web.practice",  # practice with immediate feedback, Elo-targeted (above assessments)
    "adaptest.web.reviews",  # staff review queue for free-text answers (above assessments and practice)
    "adaptest.web.preview",  # staff author's preview of bank folders' items (above assessments)
    "adaptest.web.flashcards",  # decks, study modes and FSRS reviews (above itembank)
    "adaptest.web.matches",  # challenge matches, Elo ratings and leaderboards (above flashcards)
    "adaptest.web.credentials",  # Open Badges 3.0 certificates for passed exams (above assessments)
    "adaptest.web.organizations",  # organisations, campaigns, consent (above assessments)
    "adaptest.web.privacy",  # data export and account deletion: reads across every app above, so last
    "ninja",  # serves the API docs' Swagger UI from our own static files, not from a CDN
    "axes",  # log-in lock-out (see "Abuse resistance" below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "adaptest.web.core.middleware.RefuseUnstorableText",  # NUL and lone surrogates: 400 before any view
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a locked-out log-in into its page
]

ROOT_URLCONF = "adaptest.web.urls"
WSGI_APPLICATION = "adaptest.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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

_DEFAULT_DATABASE = f"sqlite:///{DATA_DIR / 'adaptest.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(env.string("DATABASE_URL", "") or _DEFAULT_DATABASE, conn_max_age=60)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every app server: a table in the database (made by `migrate`, see core/apps.py).
# It holds the rate-limit counters, which a second server must see (DESIGN §8).
CACHES = {"default": env.cache("ADAPTEST_CACHE_URL")}
"""One cache shared by every app server; it holds the rate-limit counters, which a second server must see
(DESIGN §8). Unset: a table in the database (made by `migrate`, see core/apps.py), which needs nothing
else but costs four SQL statements per rate-limited request; `redis://host:6379/0` (recommended for
production, docs/deployment.md) costs none."""

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "adaptest.web.accounts.backends.LoginLockout",  # django-axes: refuses a locked-out log-in first
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.string("ADAPTEST_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by collectstatic (`adaptest serve` runs it); must exist before
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # gzip copies made by collectstatic, served by WhiteNoise. Not the manifest (hashed names) storage: the
    # test live server finds static files by their plain names, and shares the data directory with `make run`.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Retakes: at most this many self-initiated attempts per assessment in any window of this many days.
ADAPTEST_RETAKE_LIMIT = env.integer("ADAPTEST_RETAKE_LIMIT", 3, minimum=1)
ADAPTEST_RETAKE_WINDOW_DAYS = env.integer("ADAPTEST_RETAKE_WINDOW_DAYS", 90, minimum=1)
# Percentiles appear once this many other people have finished the assessment.
ADAPTEST_PERCENTILE_MIN_TAKERS = env.integer("ADAPTEST_PERCENTILE_MIN_TAKERS", 30, minimum=1)
# `adaptest calibrate` replaces an item's parameters (and ends its pretest) from this many responses on.
ADAPTEST_CALIBRATION_MIN_RESPONSES = env.integer("ADAPTEST_CALIBRATION_MIN_RESPONSES", 100, minimum=1)
# Practice gives the item whose predicted chance of success is nearest this (docs/practice.md).
ADAPTEST_PRACTICE_TARGET = env.fraction("ADAPTEST_PRACTICE_TARGET", 0.7)
# The bank folders staff can preview items from without syncing them (/staff/preview/, docs/configuration.md).
ADAPTEST_BANK_DIRS = env.paths("ADAPTEST_BANK_DIRS", [DEEP_LEARNING_BANK])

# Abuse resistance (docs/configuration.md). Rates are "how many/period" with period s, m, h or d; each
# refusal is a 429 with Retry-After. The JSON API: per user, high enough for any person or benchmark taker.
ADAPTEST_API_THROTTLE = env.rate("ADAPTEST_API_THROTTLE", "600/m")
ADAPTEST_SIGNUP_THROTTLE = env.rate("ADAPTEST_SIGNUP_THROTTLE", "10/h")  # accounts created per address
ADAPTEST_TOKEN_THROTTLE = env.rate("ADAPTEST_TOKEN_THROTTLE", "10/h")  # tokens created on the page, per user
ADAPTEST_MATCH_THROTTLE = env.rate("ADAPTEST_MATCH_THROTTLE", "30/h")  # matches made, accepted or started
# Password-reset requests per address, whether or not the e-mail has an account (so the limit reveals none).
ADAPTEST_PASSWORD_RESET_THROTTLE = env.rate("ADAPTEST_PASSWORD_RESET_THROTTLE", "5/h")
ADAPTEST_MAX_TOKENS = env.integer("ADAPTEST_MAX_TOKENS", 10, minimum=1)  # API tokens one user may hold
# Behind N trusted reverse proxies, the client's address is the N-th from the right in X-Forwarded-For.
ADAPTEST_PROXY_COUNT = env.integer("ADAPTEST_PROXY_COUNT", 0)
# Log-in lock-out (django-axes, pages and admin): this many failures for one username from one address
# pause its log-ins for the cool-off; each attempt during the pause starts the cool-off again.
AXES_FAILURE_LIMIT = env.integer("ADAPTEST_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("ADAPTEST_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "adaptest.web.core.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "adaptest.web.accounts.views.locked_out"

# E-mail (docs/configuration.md): password-reset links. The console backend prints each mail in the
# terminal, so `make run` works without a mail server; production sets smtp and its host, user and password.
EMAIL_BACKEND = env.email_backend("ADAPTEST_EMAIL_BACKEND", "console")
EMAIL_HOST = env.string("ADAPTEST_EMAIL_HOST", "localhost")
EMAIL_PORT = env.port("ADAPTEST_EMAIL_PORT", 587)
EMAIL_HOST_USER = env.string("ADAPTEST_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("ADAPTEST_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("ADAPTEST_EMAIL_USE_TLS", True)  # STARTTLS, as on port 587
EMAIL_FILE_PATH = env.path("ADAPTEST_EMAIL_FILE_PATH", DATA_DIR / "mail")  # the file backend's folder
DEFAULT_FROM_EMAIL = env.string("ADAPTEST_DEFAULT_FROM_EMAIL", "Adaptest <noreply@localhost>")
# Mail is sent inside the request: a mail server that stops answering must fail the request well before
# gunicorn's worker timeout (30 s) kills the worker, instead of hanging it (Django waits forever by default).
EMAIL_TIMEOUT = 10

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
if HTTPS:
    # The proxy in front terminates TLS and says so in X-Forwarded-Proto (overwriting any client's value).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.integer("ADAPTEST_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS and env.boolean("ADAPTEST_HSTS_PRELOAD", True)

# Everything, Django's request errors included, goes to stderr (gunicorn's error log, the journal, kubectl
# logs). Django's default sends 500s to ADMINS by e-mail only, so with debug off they would be lost.
_LOG_LEVEL = env.string("ADAPTEST_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {process}: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": _LOG_LEVEL},
    "loggers": {"django": {"handlers": ["stderr"], "level": _LOG_LEVEL, "propagate": False}},
}

# Content-Security-Policy (django-csp): scripts, styles, images and API calls from this site only; no
# inline <script> or <style> anywhere (the Swagger UI's start-up code is a static file too). Inline style
# *attributes* are allowed on purpose: two pages size a bar and a scroll box with them, and an attribute
# cannot load or run anything. data: images are the Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
