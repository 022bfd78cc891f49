"""Settings, read from the environment (see README, "Settings").

Every value a deployment changes comes from an environment variable; the
defaults give a working development site on SQLite with no other service.
"""

import os
import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env.bool("DEBUG", default=False)
# The default key is for development only; `check --deploy` flags it (W009).
SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Client addresses of reverse proxies whose X-Forwarded-For we believe.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Key of the network hashes (core/privacy.py); derived from SECRET_KEY when empty.
IP_HASH_KEY = env("IP_HASH_KEY", default="")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it extends
    "core.apps.CampaignAdminConfig",  # the admin, with two-factor authentication
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "audit",
    "pages",
    "press",
    "contact",
    "local_actions",
    "signatures",
    "defence",
    "letters",
    "api",  # the partner API (OSDI / Action Network v2)
    "updates",
    "delivery",
]

MIDDLEWARE = [
    # Outermost: gzip for responses with no secret in them (no CSRF token, no session; BREACH).
    "core.middleware.SafeGZipMiddleware",
    # First after it: replays the cached public pages that opt in (campaign page, count) without the rest.
    "core.http_cache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pages.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on
        # the busy timeout instead of failing with "database is locked" mid-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=10000;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-32000;"
            "PRAGMA temp_store=MEMORY;"
            # Checkpoints (copying the WAL into the database, with an fsync) are the worker's job,
            # every second (core.db.checkpoint_wal); a request only checkpoints when the
            # WAL reaches 64 MB, for a site running without its worker. Done at commit, a checkpoint
            # held every other writer for its fsync (bench/).
            "PRAGMA wal_autocheckpoint=16000;"
        ),
    }
    # A file, not Django's in-memory default, so tests see WAL and real locking;
    # one per test process, so parallel runs do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="stopss"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public page cache (core/http_cache.py) has its own alias, so filling it evicts nothing else.
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-pages"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages", "OPTIONS": {"MAX_ENTRIES": 2000}}
)
# Without Redis each server process has its own page cache; this file tells them all when a save
# made every cached page stale (a closed campaign must not stay open in another process): a save appends a byte.
PAGE_CACHE_STAMP = env(
    "PAGE_CACHE_STAMP", default=str(BASE_DIR / (f".test-page-cache-{os.getpid()}" if TESTING else ".page-cache-stamp"))
)

# --- Background tasks -------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Jobs the worker runs on a timer (dotted path, seconds between runs), each in its own thread;
# a job that returns a true value (it had work) runs again at once.
PERIODIC_JOBS: list[tuple[str, float]] = [
    ("defence.checks.check_new_signatures", 1),  # before counting: only checked rows count
    ("signatures.counting.update_counts", 1),  # the public count lags at most a few seconds
    ("core.db.checkpoint_wal", 1),  # SQLite: off the requests' path (see DATABASES)
    ("signatures.outbox.deliver_due_emails", 0.5),
    ("signatures.purge.purge", 3600),
    ("signatures.counting.check_drift", 86400),  # compares the counts with a recount, repairs, reports
    ("defence.trending.alert_organizers", 60),
    ("letters.outbox.send_confirmations", 1),
    ("letters.digest.send_digests", 300),  # each official gets at most one digest a day (LETTERS_DIGEST_SECONDS)
    ("letters.purge.purge", 3600),
    ("defence.trending.purge_alerts", 3600),  # alerts hold network hashes: kept no longer than the signatures
    ("defence.throttle.purge", 600),  # used proofs of work and form throttles that have expired
]

# Sections other apps add to a local fight's page: functions (request, local_action) -> HTML.
LOCAL_ACTION_PAGE_EXTRAS: list[str] = ["letters.hooks.page_section"]
# Calls to action at the top of a local fight's page: functions (request, local_action) -> {"text", "url"} or None.
LOCAL_ACTION_CALLS: list[str] = ["letters.hooks.write_call", "signatures.hooks.sign_call"]
# ...and to the petition's thank-you page: functions (request, zip_code) -> HTML.
SIGNATURE_THANKS_EXTRAS: list[str] = ["letters.hooks.nearest_open_letter", "local_actions.hooks.nearest_local_fight"]
# ...and to a campaign's page, by place: functions (request, campaign) -> core.extras.Section or HTML.
CAMPAIGN_PAGE_EXTRAS: dict[str, list[str]] = {
    "after_tally": ["delivery.hooks.campaign_deliveries"],
    "end": ["local_actions.hooks.signers_by_state"],
}
# ...and to a content page, by its slug: functions (request, page) -> Section or HTML.
PAGE_EXTRAS: dict[str, list[str]] = {"profits": ["local_actions.hooks.city_spending"]}
# The abuse defence's verdict on each signature in the request (core/verdicts.py): a function
# (campaign_id, *, ip, network, email, proof) -> Verdict; the signatures app applies it.
SIGNATURE_SCREEN = "defence.screen.screen_signature"
LETTERS_DIGEST_SECONDS = env.int("LETTERS_DIGEST_SECONDS", default=24 * 3600)
# Loops the worker runs in their own thread, each given a threading.Event that is set when
# the worker stops (with --batch: set from the start, so each does what is due once and returns).
WORKER_LOOPS: list[str] = ["updates.sending.run"]

# Who gets the organizers' emails (core/notify.py): a function () -> list of addresses; the site
# settings in the admin name them (else ORGANIZER_EMAILS).
ORGANIZER_RECIPIENTS = "pages.models.notification_recipients"

# Models whose saves change a cached public page (campaign page, count): saving one empties the
# page cache at once (core/http_cache.py), so a closed campaign stops taking signatures at once.
PUBLIC_PAGE_MODELS = ["signatures.Campaign", "pages.Organization", "pages.SiteSettings", "pages.Page"]
# The main menu, in order: functions () -> [(label, path)] (core/navigation.py).
NAVIGATION = [
    "pages.navigation.links",
    "local_actions.navigation.links",
    "press.navigation.links",
    "contact.navigation.links",
]

# Functions returning the home page's calls to action ({"title", "text", "url"}).
HOME_CALLS_TO_ACTION: list[str] = ["signatures.home.calls_to_action", "local_actions.home.calls_to_action"]
# ...and its other sections from other apps: template variable -> function () -> its value.
HOME_SECTIONS: dict[str, str] = {"latest_press": "press.home.latest_press"}
# The home page's first screen: the one ask, with its live count (a function () -> dict or None).
HOME_MAIN_ASK = "signatures.home.main_ask"
# A content page's key figure on its share image, by slug: a function () -> (figure, label) in another app.
PAGE_SHARE_FIGURES: dict[str, str] = {"profits": "local_actions.share.profits_figure"}
# Share images (core/share_image.py): the fonts Pillow draws them with, files on our disk (DejaVu, for the delivery PDF).
# A missing file falls back to the font bundled with Pillow.
SHARE_IMAGE_FONTS = {
    "regular": BASE_DIR / "delivery" / "fonts" / "DejaVuSans.ttf",
    "bold": BASE_DIR / "delivery" / "fonts" / "DejaVuSans-Bold.ttf",
}

# Loaders of the default content in default_content/ (see core.default_content).
DEFAULT_CONTENT_LOADERS = [
    "pages.default_content.load",
    "press.default_content.load",
    "local_actions.default_content.load",  # after press: it links press items to cities
    "signatures.default_content.load",
    "letters.default_content.load",  # after local_actions: it adds letters to two fights
]

# --- Email --------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection may hang before the outbox gives up on it and retries later
# (without it, a silent server would stall the worker, and its graceful stop, for good).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Stop ShotSpotter <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where organizer notifications go when the site settings name no address.
ORGANIZER_EMAILS = env.list("ORGANIZER_EMAILS", default=[])

# --- Updates to supporters (the updates app; README "Updates to supporters") -----
# Messages a second to the mail server, summed over the connections; 0 = as fast as it takes them.
UPDATES_RATE = env.float("UPDATES_RATE", default=10)
# SMTP connections sending in parallel (more connections, more throughput on a slow link).
UPDATES_CONNECTIONS = env.int("UPDATES_CONNECTIONS", default=4)
# How long a sender holds the recipients it took; after a crash, others take them after this.
UPDATES_CLAIM_SECONDS = env.int("UPDATES_CLAIM_SECONDS", default=60)
# The secret in the bounce and complaint webhook's address; empty turns the webhook off.
UPDATES_WEBHOOK_SECRET = env("UPDATES_WEBHOOK_SECRET", default="")
# Envelope sender of updates (where bounces go); the From address when empty.
UPDATES_BOUNCE_ADDRESS = env("UPDATES_BOUNCE_ADDRESS", default="")

# --- Auth ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Stop ShotSpotter")

# Failed logins: locked out after 5 tries for 30 minutes, per network and per
# network+username. django-axes stores an "IP address": we give it the keyed
# hash of the network instead (core.privacy.pseudonymous_ip), never the address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.privacy.pseudonymous_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not a log we need
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Spanish numbers as US Spanish-language media write them (1,234.5)
# Content fields get one column per language (django-modeltranslation). An item
# with no Spanish text shows the English one, marked lang="en" (core.templatetags.i18n_content).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # slugs come from the English title
TIME_ZONE = env("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
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
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6's default, opted into now
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- Security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: browsers send "Origin: null" on form posts without a
# referrer, which CSRF checks refuse; other sites still get nothing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env.bool("HTTPS", default=not DEBUG and SITE_URL.startswith("https://"))
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Everything comes from our own origin: no CDN, font service or analytics.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],  # the proof-of-work solver (defence/static/defence/pow-worker.js)
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's request logger would print client details on errors; we keep
    # paths and statuses only (no IPs are ever logged by our code).
    "loggers": {"django.server": {"level": "WARNING"}},
}

# --- Delivery packets (delivery/) ------------------------------------------------
# The PDF and CSV of a delivery hold names: deleted from the server this many days after they are built
# (the public manifest stays).
DELIVERY_FILE_DAYS = env.int("DELIVERY_FILE_DAYS", default=30)
PERIODIC_JOBS.append(("delivery.services.purge_files", 3600))

# --- Evidence kit (evidence/): a city's alert data turned into a fact sheet ------------------
INSTALLED_APPS += ["evidence"]
# Largest alert export an organizer may upload (bytes); bigger files go through `manage.py import_alerts`.
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
PERIODIC_JOBS.append(("evidence.services.purge_uploads", 3600))  # unfinished uploads hold exact alert rows
LOCAL_ACTION_PAGE_EXTRAS.append("evidence.hooks.fact_sheet_section")

# --- Production server (config/asgi.py, core/server.py, deploy/) -----------------------
# Threads running Django in each server process (`make serve` sets it from BLOCKING_THREADS).
SERVER_THREADS = env.int("SERVER_THREADS", default=4)
# A request's body is read whole before it takes one of those threads: a client dripping its body
# holds nothing but a few bytes. It must arrive within REQUEST_BODY_TIMEOUT seconds plus one second
# per REQUEST_BODY_MIN_RATE bytes received (a large upload at a decent pace goes on, a drip is cut:
# 408), and be at most REQUEST_BODY_MAX_BYTES (413): the largest upload the admin takes, and its form.
REQUEST_BODY_TIMEOUT = env.float("REQUEST_BODY_TIMEOUT", default=20)
REQUEST_BODY_MIN_RATE = env.int("REQUEST_BODY_MIN_RATE", default=50_000)
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=EVIDENCE_MAX_UPLOAD_BYTES + 8 * 1024 * 1024)

# --- Organizer admin (organizer/): the home page, sections, volunteer roles ---------------------
from django.utils.translation import gettext_lazy as _  # noqa: E402

INSTALLED_APPS += ["organizer"]  # last: its post_migrate sets the roles' permissions once all exist
MIDDLEWARE += ["organizer.addresses.OldAddressMiddleware"]  # a renamed campaign's old links: 301 to the new one
ADMIN_INDEX_TEMPLATE = "admin/organizer/index.html"
# admin/base_site.html for every admin page (our stylesheet, the time zone said once): found before the admin's own.
TEMPLATES[0]["DIRS"] = [BASE_DIR / "organizer" / "admin_templates"]
ADMIN_INDEX_CONTEXT = ["organizer.home.context"]
# The admin index, in sections of what organizers do; models are "app" or "app.Model".
# Anything not named goes to a "Technical" section that only superusers see.
ADMIN_SECTIONS = [
    (_("Campaigns and signatures"), ["signatures", "delivery", "api"]),
    (_("Local fights"), ["local_actions", "evidence"]),
    (_("Letters to officials"), ["letters"]),
    (_("Updates to supporters"), ["updates"]),
    (_("Site content"), ["pages.Page", "press", "pages.Organization", "pages.SocialLink", "pages.Source", "pages.SiteSettings"]),
    (_("Messages"), ["contact"]),
    (_("Abuse defence"), ["defence"]),
    (_("History"), ["audit"]),
]
