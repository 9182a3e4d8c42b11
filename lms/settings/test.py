from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED_DEMO_ALLOWED = True
WAGTAILEMBEDS_FINDERS = []  # tests never reach the network for oEmbed
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = BASE_DIR / ".test-media" / "private"  # noqa: F405
