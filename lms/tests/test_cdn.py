"""A CDN in front of the visitors' pages (lms/pagecache.py): only their kept copies say a shared cache
may keep them, and a change they show tells the CDN, through Wagtail's frontend cache, to drop them."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.tests.factories import UserFactory
from courses.models import CoursePage
from courses.tests.factories import CourseIndexPageFactory, publishable_course
from lms.models import HomePage

pytestmark = pytest.mark.django_db


class PurgeRecorder(BaseHTTPRequestHandler):
    """A cache's purge endpoint (Varnish's, say) on 127.0.0.1: it answers 200 and remembers each request."""

    def do_PURGE(self):
        self.server.purged.append(f"{self.headers['Host']}{self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.PUBLIC_PAGE_CDN_SECONDS = 3600
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield server.purged
    server.shutdown()
    server.server_close()


@pytest.fixture
def course(catalogue):
    return publishable_course(parent=catalogue, title="Myofascial Release for the Low Back")


def test_a_visitors_page_may_be_kept_by_the_cdn_and_a_signed_in_persons_may_not(client, cdn, course):
    fresh, kept = client.get(course.url), client.get(course.url)
    for response in (fresh, kept):
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=3600"
        assert "Cookie" in response["Vary"]

    client.force_login(UserFactory())
    signed_in = client.get(course.url)
    assert "public" not in signed_in.get("Cache-Control", "") and "s-maxage" not in signed_in.get("Cache-Control", "")
    assert "Cookie" in signed_in["Vary"]
    # A page that prints a CSRF token (the sign-in form) is never kept, by us or by the CDN.
    client.logout()
    assert "s-maxage" not in client.get("/accounts/login/").get("Cache-Control", "")


def test_publishing_a_course_purges_every_visitor_page_from_the_cdn(
    cdn, course, catalogue, django_capture_on_commit_callbacks
):
    draft = publishable_course(parent=catalogue, title="Not Yet Published", live=False)

    with django_capture_on_commit_callbacks(execute=True):
        edited = CoursePage.objects.get(pk=course.pk)
        edited.title = "Myofascial Release, Revised"
        edited.save_revision().publish()

    assert sorted(cdn) == ["localhost/", "localhost/courses/", "localhost/courses/myofascial-release-for-the-low-back/"]
    assert not any(draft.slug in purged for purged in cdn)  # a draft has no copy anywhere


def test_an_unpublished_or_moved_course_is_purged_at_the_address_it_left(
    cdn, course, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CoursePage.objects.get(pk=course.pk).unpublish()
    assert "localhost/courses/myofascial-release-for-the-low-back/" in cdn

    other = publishable_course(parent=catalogue, title="Trigger Points")
    elsewhere = CourseIndexPageFactory(parent=HomePage.objects.get(), title="Archive", slug="archive")
    cdn.clear()
    with django_capture_on_commit_callbacks(execute=True):
        CoursePage.objects.get(pk=other.pk).move(elsewhere, pos="last-child")

    assert "localhost/courses/trigger-points/" in cdn  # where it was
    assert "localhost/archive/trigger-points/" in cdn  # and where it is now


def test_without_a_cdn_configured_nothing_is_purged_and_no_page_says_shared_caches_may_keep_it(
    client, settings, course, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CoursePage.objects.get(pk=course.pk).save_revision().publish()

    assert "s-maxage" not in client.get(course.url).get("Cache-Control", "")
    assert len(callbacks) == 1  # the new generation only; no purge queued
