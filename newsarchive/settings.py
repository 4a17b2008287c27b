"""Settings for newsarchive: one file, read from the environment.

Development needs nothing set (SQLite under var/, local-memory cache, DEBUG on through
`make run`). Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and usually CACHE_URL.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# --- Paths ---------------------------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


# --- Environment ---------------------------------------------------------------------------


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url):
    """DATABASE_URL as dj-database-url reads it (`sqlite:///relative.db`, `sqlite:////absolute.db`,
    `postgres://user:pass@host:port/name?option=value`), with this project's defaults on top."""
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL: {error}") from None
    options = config.get("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////srv/db is absolute.
        if config["NAME"] != ":memory:":
            config["NAME"] = BASE_DIR / config["NAME"]  # an absolute name stays absolute
        # Readers are never blocked by a writer, and a writer waits instead of failing.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
            **options,
        }
        return config
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, so that a statement run more than five times on a
        # connection is prepared: parsed and planned once (the entry page's lookup, with its
        # neighbours in subqueries, runs in a quarter of the time). `?prepare_threshold=none`
        # turns that off, for a pooler in transaction mode that cannot keep them.
        threshold = str(options.pop("prepare_threshold", 5)).lower()
        config["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": None if threshold in {"", "none", "off"} else int(threshold),
            # No JIT compilation: it pays off for long analytic queries, and a page's queries
            # are short, but PostgreSQL's estimates for some (related entries in a rare
            # category at 100,000 entries) cross its threshold and spent 2 s compiling a query
            # that runs in 20 ms. `?options=` replaces this.
            "options": "-c jit=off",
            **options,
        }
        config["PORT"] = str(config["PORT"])
        config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    raise ImproperlyConfigured(f"DATABASE_URL: {config['ENGINE']} is not supported")


def cache_from_url(url):
    """`file:///path`, `redis://…` or `dummy://` (nothing cached at all).

    Every process that serves or changes the archive must see one cache, or a change made by
    one (a management command, another worker) would stay invisible to the others: a cache in
    each process's memory is refused."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "locmem":
        raise ImproperlyConfigured(
            "CACHE_URL: locmem:// keeps a cache in each process, so a change made by one "
            "process (a management command, another worker) would not show in the others; "
            "use file:///path (the default), redis://… or dummy://."
        )
    if scheme == "file":
        return {
            "BACKEND": "newsarchive.caching.FileCache",
            "LOCATION": parts.path,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in {"redis", "rediss"}:
        # `?key_prefix=name`: several archives sharing one Redis keep apart.
        options = dict(parse_qsl(parts.query))
        prefix = options.pop("key_prefix", "")
        location = parts._replace(query=urlencode(options)).geturl()
        config = {"BACKEND": "newsarchive.caching.RedisCache", "LOCATION": location}
        return {**config, "KEY_PREFIX": prefix} if prefix else config
    raise ImproperlyConfigured(f"CACHE_URL: unsupported scheme {scheme!r}")


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The blog's own time zone: dates in permalinks and on pages are the blog's local dates.
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_TZ = True
USE_I18N = False
LANGUAGE_CODE = "en-us"

BLOG_NAME = os.environ.get("BLOG_NAME", "News Archive")
BLOG_TAGLINE = os.environ.get("BLOG_TAGLINE", "News stories from the wires, reposted and kept")
ENTRIES_PER_PAGE = int(os.environ.get("ENTRIES_PER_PAGE", "10"))

ADMINS = [("Admin", a) for a in env_list("ADMINS")]
MANAGERS = ADMINS
# The site's own address, for links in mails (never taken from a request's Host header).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/") or (
    "http://127.0.0.1:8000"
    if DEBUG or not ALLOWED_HOSTS
    else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)


# --- Apps ----------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "taggit",
    "newsarchive",
]


# --- Middleware ----------------------------------------------------------------------------

MIDDLEWARE = [
    # Outermost: notes what each request reads and marks whether its response may be shared.
    "newsarchive.sharing.SharedPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsarchive.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, less an ETag where the CSRF cookie is set: before CsrfViewMiddleware to see it.
    "newsarchive.middleware.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsarchive.middleware.refuse_unreadable_requests",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsarchive.middleware.DatabaseUnavailableMiddleware",
]
# Pages are cached and compressed by newsarchive.pagecache.PageCache, which wraps the WSGI
# application (newsarchive/wsgi.py); whitenoise serves static files precompressed.

ROOT_URLCONF = "newsarchive.urls"
WSGI_APPLICATION = "newsarchive.wsgi.application"
APPEND_SLASH = True


# --- Templates -----------------------------------------------------------------------------

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
                "newsarchive.context_processors.blog",
            ],
            "builtins": ["newsarchive.templatetags.sidebar"],
        },
    }
]


# --- Database ------------------------------------------------------------------------------

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///var/newsarchive.sqlite3")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache ---------------------------------------------------------------------------------

# Pages must be fresh in every process that serves or changes the archive (gunicorn workers,
# the development server, management commands), so the default is a cache they all share:
# files under var/cache; Redis with CACHE_URL for several machines.
DEFAULT_CACHE_URL = f"file://{BASE_DIR / 'var' / 'cache'}"
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", DEFAULT_CACHE_URL))}
# Whole pages for anonymous readers (newsarchive/pagecache/). Off, pages are made on every
# request while fragments stay cached: what a page the cache misses costs (benchmarks).
PAGE_CACHE = env_bool("PAGE_CACHE", True)


# --- Static files --------------------------------------------------------------------------

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"


# --- Security ------------------------------------------------------------------------------

# Production runs behind a proxy that terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front append to X-Forwarded-For (0: REMOTE_ADDR is the reader's own):
# comment rate limits and moderation lists need each commenter's address, not the proxy's.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere, and nothing from other hosts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsarchive@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = f"[{BLOG_NAME}] "


# --- Logging -------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's mail to ADMINS about server errors, at most one a minute per process.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "newsarchive.error_mail.ThrottledAdminEmailHandler",
        },
    },
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "WARNING"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
