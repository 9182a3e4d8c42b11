"""Settings shared by every environment; each value that differs comes from the environment."""

from pathlib import Path

import environ
from wagtail.embeds import oembed_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    "accounts",
    "credits",
    "courses",
    "quizzes",
    "certificates",
    "payments",
    "lms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.pagecache.SharedCacheMiddleware",  # outside every middleware that sets a cookie
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "lms.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.records.KeptRecordsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSignInMiddleware",
    "lms.middleware.PageRedirectMiddleware",
    "lms.middleware.MalformedRequestMiddleware",
    "lms.pagecache.VisitorPageCacheMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.navigation",
                "payments.context_processors.payments",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's database. Each transaction takes the write lock when it begins (IMMEDIATE), so two
    # requests that read and then write never deadlock, which SQLite answers "database is locked" at
    # once; a request that finds the lock taken waits up to 20 seconds for it.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if env("DATABASE_REPLICA_URL", default=""):
    # A streaming replica of the primary, for the verification reads alone (lms/databases.py).
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["lms.databases.PrimaryAndReplica"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: the only sign-in form on the site (the Wagtail admin's redirects to it, see
# accounts.middleware). Its rate limits count in the default cache, so every worker must share
# that cache: Redis in production; the LocMem default here is per process.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# "optional": an unconfirmed practitioner can sign in and browse; enrolling waits until the address
# is confirmed (accounts.selectors.email_is_verified), not signing in.
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Sign-up must not tell whether an address has an account: both answer "check your inbox" and the owner
# of a taken address is emailed instead (allauth's enumeration prevention, which accounts.forms.SignupForm
# extends to optional verification). A new practitioner is signed in on confirming, in the same browser.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link must not confirm it; the page asks
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one replaces it only once confirmed
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the owner when the password, email or two-factor settings change
# Changing the email address (and two-factor settings, allauth.mfa's default) asks for the password
# again unless it was re-entered in the last 5 minutes: a borrowed session cannot take the account over.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_RATE_LIMITS = {
    # POSTs per client IP to the forms; "key" counts per email address tried.
    "login": "30/m/ip",
    # "key" here is the account and the address it is tried from (accounts.adapter), so that wrong
    # passwords from elsewhere cannot lock the owner out; it also counts wrong two-factor codes, per account.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,60/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",  # one confirmation email per address every three minutes
}

# allauth.mfa: authenticator apps (TOTP) and single-use recovery codes. Staff who can publish,
# refund or revoke must use it (accounts.selectors.user_must_use_mfa, enforced on /admin/).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Medical Massage CE"
# No tolerance for clock drift: allauth remembers a used code for one period only, so a wider
# window would let a code be replayed within it.
MFA_TOTP_TOLERANCE = 0

# Stripe Checkout for paid courses. With no secret key, paid courses say that online payment is not
# configured and everything else works. The webhook secret is the endpoint's signing secret ("whsec_...").
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Another address for Stripe's API: a local stand-in such as stripe-mock, or the browser tests' own.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Where Checkout's hosted page lives: the Buy form's CSP lets it go there (form-action covers the redirect).
STRIPE_CHECKOUT_ORIGIN = env("STRIPE_CHECKOUT_ORIGIN", default="https://checkout.stripe.com")
STRIPE_ALLOW_PROMOTION_CODES = env.bool("STRIPE_ALLOW_PROMOTION_CODES", default=False)
STRIPE_AUTOMATIC_TAX = env.bool("STRIPE_AUTOMATIC_TAX", default=False)
# Retries of a call that failed on the network; each carries its idempotency key, so none repeats a charge.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)

LANGUAGE_CODE = "en-us"
# The provider's zone: the default for dates and times, and the one a practitioner's profile replaces.
TIME_ZONE = "America/New_York"
# One way of writing dates and times everywhere ("June 30, 2028", "3:00 PM EST"): lms/formats/en/formats.py.
FORMAT_MODULE_PATH = ["lms.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Signed credentials: the issuer is did:web of this host (default: the default site's host name);
# the private Ed25519 key comes from the environment or a file, never from the database.
CERTIFICATE_ISSUER_HOST = env("CERTIFICATE_ISSUER_HOST", default="")
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", default="")
CERTIFICATE_SIGNING_KEY_FILE = env("CERTIFICATE_SIGNING_KEY_FILE", default="")

# Certificate PDFs carry licence numbers: kept apart from public media, served only through a view.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}

# Per process: fine for one dev server, but rate limits and used two-factor codes are only shared
# between workers through a shared cache (production uses Redis).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long at most a visitor's copy of a public page is kept (lms/pagecache.py); 0 keeps none.
# Publishing, and saving what the pages show, makes every copy stale at once.
PUBLIC_PAGE_CACHE_SECONDS = env.int("DJANGO_PUBLIC_PAGE_CACHE_SECONDS", default=300)
# A CDN in front: how long it may keep those copies (0: it keeps none), and the Wagtail frontend cache
# backends that tell it to drop them when they change (production reads them from the environment).
PUBLIC_PAGE_CDN_SECONDS = env.int("DJANGO_PUBLIC_PAGE_CDN_SECONDS", default=0)
WAGTAILFRONTENDCACHE = {}

# Work after a request (certificate PDFs, signed credentials, emails) runs in the request's process
# here; production queues it in the database for `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Where verification lookups wait to be logged, off the request path (certificates/lookup_log.py):
# a Redis list, {"URL": ..., "KEY": ...}. None logs each lookup in the request that makes it.
CERTIFICATE_LOOKUP_BUFFER = None

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="CE Platform <ce@localhost>")

# Large page editors (a course with many approvals, a long lesson) post many fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Medical Massage CE"
# No Gravatar: staff without an uploaded picture show their initials (accounts.avatars).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The one address of the site (lms.models.base_url): every email, PDF, QR code, share link and signed
# credential links to it, and so do Wagtail's review emails. `make run` serves this address.
BASE_URL = env("DJANGO_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# The admin signs in through allauth too, with its two-factor step and rate limits; Wagtail's own
# password reset form has no rate limit, so it is off (allauth's is at /accounts/password/reset/).
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Only the players the CSP lets the page frame: YouTube and Vimeo.
WAGTAILEMBEDS_FINDERS = [
    {
        "class": "wagtail.embeds.finders.oembed",
        "providers": [oembed_providers.youtube, oembed_providers.vimeo],
    }
]
# Wagtail's database backend, reading a stray double quote as a space on SQLite (see lms/search).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.search"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "txt"]
# Every document download passes through Wagtail's serve view, where courses' before_serve_document
# hook keeps a locked lesson's handouts to its readers; never a redirect to the storage's own address.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# No SVG uploads: an uploaded SVG can carry script that runs when its media address is opened. The demo's
# labelled diagrams are SVG drawn by lms/demo/diagrams.py and stored by the seeder, which Wagtail renders
# as SVG all the same (a `max-` rendition keeps the format).
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Email and password changes go through allauth (confirmation, reauthentication, rate limits);
# Wagtail's own account page would change them without either.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False

# The public site has no inline script or style; the Wagtail admin needs its own.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-src": ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

SEED_DEMO_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per background task and per page action drowns everything else at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # it reports every layout step at INFO
        "fontTools": {"level": "WARNING"},
    },
}
