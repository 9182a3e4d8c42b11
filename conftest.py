import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from wagtail.models import Page, Site

from courses.tests.factories import CourseIndexPageFactory
from lms.models import ProviderSettings
from lms.tests.factories import HomePageFactory

# The suite runs in parallel on shared machines: how fast examples are drawn says nothing about the code.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counts, used two-factor codes and Wagtail's caches live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_page(db):
    """A HomePage serving as the default site's root, with the provider's details that certificates
    print, as seed_demo arranges it."""
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
    site, _ = Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    ProviderSettings.objects.update_or_create(
        site=site,
        defaults={"email": "ce@example.com", "signatory_name": "Dana Whitfield, LMT", "postal_address": "Tallahassee"},
    )
    return home


@pytest.fixture
def catalogue(home_page):
    return CourseIndexPageFactory(parent=home_page)
