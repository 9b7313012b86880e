"""merton-qa settings: one file, driven by environment variables (django-environ).

Defaults are the embedded demo only when DEBUG is on: SQLite, eager Celery tasks, console email.
With DEBUG off (production) the application refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""
import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# pytest (8.2 and later) sets PYTEST_VERSION in the process it runs in.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG on, the service still shows its own 404 and 500 pages (partnership.middleware.HouseErrorPagesMiddleware)
# unless a developer asks for Django's technical pages here.
DEBUG_ERROR_PAGES = env.bool("DEBUG_ERROR_PAGES", default=False)
# `manage.py makemigrations` only compares models with migrations: it signs nothing and serves nothing, so
# it runs on a bare checkout without the production secrets (CI hooks and new engineers run it so).
OFFLINE_COMMAND = len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] == "makemigrations"

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING or OFFLINE_COMMAND:
        SECRET_KEY = "insecure-demo-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if DEBUG or TESTING or OFFLINE_COMMAND:
        ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
    else:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- The partnership that runs this instance (another partnership changes these, not templates)
PARTNERSHIP_NAME = env("PARTNERSHIP_NAME", default="Merton Safeguarding Children Partnership")
PARTNERSHIP_SHORT_NAME = env("PARTNERSHIP_SHORT_NAME", default="MSCP")
LOCAL_AUTHORITY_AREA = env("LOCAL_AUTHORITY_AREA", default="London Borough of Merton")
# Links in emails sent by scheduled work (digests, reports ready) start with this address.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = env("SERVICE_NAME", default=f"{PARTNERSHIP_NAME} – Quality Assurance")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="qa@example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "partnership",
    "section11",
    "audits",
    "performance",
    "reviews",
    "learning",
    "merton_qa",  # the composition root: board report and daily digest (commands, no models)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security, so every response carries them, even one made for an exception raised in
    # the middleware below (the database down while loading the session answers 503 with these headers).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "partnership.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "partnership.input_rules.BadQueryValuesMiddleware",  # a NUL in a query string is dropped, never a 500
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",  # before the session timeout, which leaves a message
    "partnership.middleware.SessionTimeoutMiddleware",
    "partnership.kept_forms.KeepTypedThroughSignInMiddleware",  # its process_view runs after the CSRF check
    "django_otp.middleware.OTPMiddleware",
    "partnership.middleware.TwoFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partnership.request_memo.RequestMemoMiddleware",  # work a page needs twice, done once (GET and HEAD)
    "partnership.middleware.NoStoreForSignedInMiddleware",
    "partnership.middleware.SecurityEventsMiddleware",
    "partnership.middleware.HouseErrorPagesMiddleware",  # the house 404/500 pages with DEBUG on (the demo)
    "partnership.rate_limits.TooManyMiddleware",  # a person over their share of costly work: the 429 page
    "axes.middleware.AxesMiddleware",
    # Innermost: a form sent twice does its work once; every POST form of a page gets its token here.
    "partnership.form_tokens.FormTokenMiddleware",
]

# Browser features no page of the service uses, switched off for every page (partnership.middleware).
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking"))

ROOT_URLCONF = "merton_qa.urls"
WSGI_APPLICATION = "merton_qa.wsgi.application"

# Django's form renderer with its select written without an include per option (partnership/form_renderer.py).
FORM_RENDERER = "partnership.form_renderer.FormRenderer"

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
                "partnership.context_processors.service",
                "partnership.context_processors.session_timeout",
                "merton_qa.navigation.navigation",
            ],
        },
    },
]

# --- Database: SQLite file for the demo; PostgreSQL through DATABASE_URL (psycopg 3)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in
AUTH_USER_MODEL = "partnership.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "partnership.backends.PersonWithAgencyBackend",  # the person read with their agency
    "django.contrib.auth.backends.ModelBackend",  # only to read sessions signed in before it (partnership.backends)
]
LOGIN_URL = "partnership:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "partnership:sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # hashing is deliberately slow; tests create hundreds of accounts
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation and reset links last three days
PASSWORD_RESET_ADDRESS_LIMIT = 10  # reset requests from one address per 15 minutes (partnership.services.accounts)
# TOTP two-factor sign-in for every account (on in production, off in the demo)
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG and not TESTING)
OTP_TOTP_ISSUER = PARTNERSHIP_SHORT_NAME + " QA"

# Sign-in lockout: the rules are in partnership/lockout.py (an account from one address; an address for all).
AXES_HANDLER = "partnership.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "partnership.lockout.username"
AXES_FAILURE_LIMIT = 5  # failures of one account from one address
SIGN_IN_ADDRESS_FAILURE_LIMIT = 30  # failures from one address, whichever accounts
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Trusted reverse proxies in front of the app (the load balancer): the client's address is read through them
# (partnership/net.py). django-ipware is not installed, so axes is given the same function for its lockout.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "partnership.security_log.client_address"

# Signing in with a work account (OpenID Connect): providers are records in the admin (partnership.IdentityProvider),
# each naming its client secret in OIDC_CLIENT_SECRETS (NAME=secret,OTHER=secret), never typed into the admin.
# The rest tune mozilla-django-oidc, which partnership/services/work_accounts.py calls for one provider at a time.
OIDC_CLIENT_SECRETS = env.dict("OIDC_CLIENT_SECRETS", default={})
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)  # seconds for each request to a provider
OIDC_AUTHENTICATION_CALLBACK_URL = "partnership:work-account-callback"
OIDC_CREATE_USER = False  # nobody gets an account by signing in
OIDC_USE_NONCE = True

SESSION_COOKIE_AGE = 60 * 60 * 12  # absolute: 12 hours after signing in (partnership.middleware enforces it)
# Idle timeout, and how long before it the "you will be signed out" dialog opens (seconds; the browser
# tests shorten them). The warning is 5 minutes, not the 2 at least required, because browsers run a hidden
# tab's timers as seldom as once a minute.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_TIMEOUT_WARNING = env.int("SESSION_TIMEOUT_WARNING", default=5 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]

# --- Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence, reports) are private: served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "partnership.uploads.SizeLimitUploadHandler",  # the size limit, before anything is buffered
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Email (through the outbox). Console in the demo; SMTP via EMAIL_URL in production.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@example.org")
if "EMAIL_URL" in os.environ:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
if "EMAIL_FILE_PATH" in os.environ:  # the file backend (scripts/fault.py counts the delivered emails)
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# GOV.UK Notify (docs/email.md): with NOTIFY_API_KEY set, the outbox sends through Notify's
# API (one email template whose subject is ((subject)) and body ((body))) and reads back each email's delivery
# status; without it, EMAIL_URL (SMTP) stays the way out. NOTIFY_BASE_URL points the client elsewhere (tests).
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_TEMPLATE_ID = env("NOTIFY_TEMPLATE_ID", default="")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_CALLBACK_TOKEN = env("NOTIFY_CALLBACK_TOKEN", default="")  # the bearer token Notify's callbacks carry
NOTIFY_CALLBACK_RATE_LIMIT = env.int("NOTIFY_CALLBACK_RATE_LIMIT", default=1200)  # callbacks per address a minute
NOTIFY_CALLBACK_REFUSALS_LIMIT = env.int("NOTIFY_CALLBACK_REFUSALS_LIMIT", default=20)  # bad tokens an hour
if NOTIFY_API_KEY:
    EMAIL_BACKEND = "partnership.notify.EmailBackend"

# --- Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process (the demo)
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # `make test` runs in several processes (pytest-xdist): each takes its own Redis database (15, 14, ...), so a
    # Celery worker in one process never takes the tasks another process's tests published.
    _base, _, _db = REDIS_URL.rpartition("/")
    _index = int(os.environ["PYTEST_XDIST_WORKER"][2:])
    REDIS_URL = f"{_base}/{max(0, int(_db or 0) - _index)}" if _db.isdigit() else REDIS_URL
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2, "max_retries": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Broker outages (docs/reliability.md, `make fault`): kombu's Redis transport with the fix that keeps the worker
# alive when Redis goes away while a task runs (see merton_qa/broker.py; kombu 5.7 crashed it about 1 run in 4).
CELERY_BROKER_TRANSPORT = "merton_qa.broker:Transport" if REDIS_URL else None
# A task running when the connection drops finishes its work rather than being killed half-way (killing one
# could send an email and not record it). Its message, left unacknowledged in Redis, comes back after the
# visibility timeout (kombu's default, 1 hour) and the idempotent task then does nothing. Said explicitly
# because Celery 6 turns this on by default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# The worker reconnects to the broker for ever. Celery's default (100 tries, 2 s to 30 s apart) ends the worker
# ("Unrecoverable error: OperationalError") after about 47 minutes of a broker outage (docs/reliability.md).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Background work never given up (docs/reliability.md; `make fault` shortens both for its run): an outbox row that
# cannot be published is tried again at least every OUTBOX_RETRY_CAP_SECONDS, for ever; a report whose run shows
# no sign of life for EXPORT_LEASE_SECONDS (its worker died) is taken over by its task published again.
OUTBOX_RETRY_CAP_SECONDS = env.int("OUTBOX_RETRY_CAP_SECONDS", default=15 * 60)
EXPORT_LEASE_SECONDS = env.int("EXPORT_LEASE_SECONDS", default=90)

# --- Cache: shared by every web worker when Redis is there (the public booking form's rate limits must
# hold across workers); one process's memory otherwise (the demo) and in tests (counters never leak
# from one test into the next).
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "merton-qa",
     "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if CACHE_URL and not TESTING else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)}
# --- Reviews: where the 15-working-day rapid review clock starts ("notified" or "aware"), and how many
# working days before publication the LCSPR pre-publication notice must go to the Panel and the SoS.
REVIEWS_RAPID_REVIEW_ANCHOR = env("REVIEWS_RAPID_REVIEW_ANCHOR", default="notified")
REVIEWS_PREPUBLICATION_WORKING_DAYS = env.int("REVIEWS_PREPUBLICATION_WORKING_DAYS", default=7)
REVIEWS_REMINDER_WORKING_DAYS_BEFORE = env.int("REVIEWS_REMINDER_WORKING_DAYS_BEFORE", default=2)

CELERY_BEAT_SCHEDULE = {
    "daily-digest": {"task": "merton_qa.send_digests", "schedule": crontab(hour=7, minute=0)},
    "relay-outbox": {"task": "partnership.relay_outbox", "schedule": 60.0},
    "expire-stale-exports": {"task": "partnership.fail_stale_exports", "schedule": crontab(minute=15)},
    "performance-delete-stale-uploads": {
        "task": "performance.delete_stale_uploads", "schedule": crontab(hour=3, minute=40),
    },
    "section11-delete-stale-imports": {
        "task": "section11.delete_stale_imports", "schedule": crontab(hour=3, minute=30),
    },
    "audits-escalate-concerns": {"task": "audits.escalate_concerns", "schedule": crontab(minute="*/15")},
    "learning-daily": {"task": "learning.send_due_messages", "schedule": crontab(hour=7, minute=5)},
    "apply-retention": {"task": "partnership.apply_retention", "schedule": crontab(hour=3, minute=50)},
    # GOV.UK Notify's delivery statuses of recent emails (does nothing without NOTIFY_API_KEY)
    "notify-delivery-status": {"task": "partnership.check_notify_statuses", "schedule": crontab(minute="*/5")},
}
# The retention schedule (every model holding personal data), applied nightly by partnership.apply_retention.
RETENTION_POLICY = "merton_qa.retention_policy"
# Multi-agency audits: working days agencies get to audit the children inspectors name (JTAI mode).
AUDITS_INSPECTION_WORKING_DAYS = env.int("AUDITS_INSPECTION_WORKING_DAYS", default=5)

# --- Learning and development (public booking and evaluation)
LEARNING_NO_SHOW_CHARGES = {  # GBP per no-show, by course duration
    "half_day": env.int("LEARNING_NO_SHOW_CHARGE_HALF_DAY", default=50),
    "full_day": env.int("LEARNING_NO_SHOW_CHARGE_FULL_DAY", default=90),
    "other": env.int("LEARNING_NO_SHOW_CHARGE_OTHER", default=50),
}
LEARNING_FOLLOW_UP_WEEKS = env.int("LEARNING_FOLLOW_UP_WEEKS", default=12)
LEARNING_BOOKING_RATE_LIMIT = env.int("LEARNING_BOOKING_RATE_LIMIT", default=10)  # per IP per hour
LEARNING_BOOKING_EMAIL_RATE_LIMIT = env.int("LEARNING_BOOKING_EMAIL_RATE_LIMIT", default=5)  # per email per hour
LEARNING_BOOKING_MIN_SECONDS = env.int("LEARNING_BOOKING_MIN_SECONDS", default=3)  # a form filled faster is a bot
LEARNING_BOOKING_FORM_MAX_AGE = env.int("LEARNING_BOOKING_FORM_MAX_AGE", default=24 * 3600)  # seconds
# A public booking holds a place only once its address confirms it from the emailed link, within this time.
LEARNING_BOOKING_CONFIRM_HOURS = env.int("LEARNING_BOOKING_CONFIRM_HOURS", default=48)
LEARNING_SHARED_INBOXES = env.list("LEARNING_SHARED_INBOXES", default=[
    "info", "admin", "office", "enquiries", "enquiry", "reception", "contact", "hello", "team", "safeguarding",
    "mash", "duty", "noreply", "no-reply", "general", "mail", "post", "support", "help", "training", "hr",
    "referrals", "frontdoor", "admissions", "school", "headteacher", "head", "business",
])

# Personal (consumer) email domains, refused wherever a work email is typed (partnership.work_email): invitations,
# senior officers and deputies on returns, public bookings and managers, agencies' email domains. "yahoo.*" means
# yahoo.com, yahoo.co.uk and every other yahoo.<anything>. A sub-domain of a listed domain is refused too.
PERSONAL_EMAIL_DOMAINS = env.list("PERSONAL_EMAIL_DOMAINS", default=[
    "gmail.com", "googlemail.com", "outlook.com", "outlook.co.uk", "hotmail.com", "hotmail.co.uk", "live.com",
    "live.co.uk", "msn.com", "yahoo.*", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "aol.co.uk", "protonmail.com", "proton.me", "pm.me", "gmx.com", "gmx.co.uk", "mail.com",
    "zoho.com", "yandex.com", "btinternet.com", "btopenworld.com", "sky.com", "virginmedia.com", "blueyonder.co.uk",
    "talktalk.net", "tiscali.co.uk", "ntlworld.com", "fastmail.com", "hey.com",
])

# --- Security (production defaults; the demo runs on http://127.0.0.1)
SECURE_PRODUCTION = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
# Not preloading is deliberate: the preload list is hard to leave, and it binds every subdomain.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Logging: structured JSON on stdout
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "merton_qa.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Demo
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")
