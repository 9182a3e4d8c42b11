from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost"]
# The address of the tests' default site (conftest's home_page), which emails and PDFs link to.
BASE_URL = WAGTAILADMIN_BASE_URL = "http://localhost"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED_DEMO_ALLOWED = True
WAGTAILEMBEDS_FINDERS = []  # tests never reach the network for oEmbed
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = BASE_DIR / ".test-media" / "private"  # noqa: F405
# Payments on, against Stripe's API as the tests answer it at the HTTP layer; no retry sleeps.
STRIPE_SECRET_KEY = "sk_test_suite"  # noqa: S105
STRIPE_PUBLISHABLE_KEY = "pk_test_suite"
STRIPE_WEBHOOK_SECRET = "whsec_test_suite"  # noqa: S105
STRIPE_MAX_NETWORK_RETRIES = 0
# The cache outlives each test in its process; the page cache's own tests turn it on.
PUBLIC_PAGE_CACHE_SECONDS = 0
