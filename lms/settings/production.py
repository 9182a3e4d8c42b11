"""Production: every secret and address comes from the environment, with no default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES["default"] = env.db("DATABASE_URL")  # noqa: F405 (and the replica, if any, as base.py reads it)
for database in DATABASES.values():  # noqa: F405
    database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True

MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Certificate PDFs, signed credentials and emails are rendered off the request path, by
# `manage.py db_worker` processes reading this queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CERTIFICATE_LOOKUP_BUFFER = {
    "URL": env("CERTIFICATE_LOOKUP_BUFFER_URL", default=env("REDIS_URL")),
    "KEY": "certificates:lookup-log",
}

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With a bucket named, media, certificate PDFs and proofs live in S3-compatible object storage, which
# every app server and worker shares (lms/settings/object_storage.py); without one, on this host's disk.
if S3_BUCKET := env("S3_BUCKET", default=""):
    from .object_storage import s3_storages

    STORAGES.update(
        s3_storages(
            bucket=S3_BUCKET,
            private_bucket=env("S3_PRIVATE_BUCKET", default=""),
            endpoint_url=env("S3_ENDPOINT_URL", default=""),
            region=env("S3_REGION", default=""),
            media_domain=env("S3_MEDIA_DOMAIN", default=""),
            private_url_seconds=env.int("S3_PRIVATE_URL_SECONDS", default=300),
        )
    )

# A CDN in front, told to drop its copies of the visitors' pages when they change (lms/pagecache.py):
# one or more of Wagtail's frontend cache backends, each set up by its own variables.
WAGTAILFRONTENDCACHE = {}
if FRONTEND_CACHE_PURGE_URL := env("FRONTEND_CACHE_PURGE_URL", default=""):  # Varnish, nginx: PURGE requests
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": FRONTEND_CACHE_PURGE_URL,
    }
if CLOUDFRONT_DISTRIBUTION_ID := env("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": CLOUDFRONT_DISTRIBUTION_ID,
    }
if CLOUDFLARE_ZONE_ID := env("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": CLOUDFLARE_ZONE_ID,
        "BEARER_TOKEN": env("FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN"),
    }

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("DJANGO_EMAIL_HOST")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = True

BASE_URL = env("DJANGO_BASE_URL")
WAGTAILADMIN_BASE_URL = BASE_URL
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Behind the load balancer every request comes from its address: allauth's per-IP rate limits
# read the client from X-Forwarded-For, trusting as many hops as there are proxies we run.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

# One JSON object a line for the log collector: time, level, logger, message and any `extra` given.
if env("DJANGO_LOG_FORMAT", default="json") == "json":
    LOGGING["formatters"] = {  # noqa: F405
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    }
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405

# Errors and error logs go to Sentry (or a service speaking its protocol) only where a DSN is set,
# and without personal data: no addresses, cookies, bodies or user.
if SENTRY_DSN := env("SENTRY_DSN", default=""):
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        max_request_body_size="never",
    )
