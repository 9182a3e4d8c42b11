"""A CDN in front of the visitors' pages (lms/pagecache.py): only their kept copies say a shared cache
may keep them, and a change they show tells the CDN, through Wagtail's frontend cache, to drop them."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.checks import run_checks
from wagtail.models import PageViewRestriction

from accounts.tests.factories import UserFactory
from courses.models import CourseIndexPage, CoursePage
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
    assert "public" not in signed_in["Cache-Control"] and "s-maxage" not in signed_in["Cache-Control"]
    assert "Cookie" in signed_in["Vary"]


def test_a_kept_copy_that_comes_back_with_a_cookie_is_not_for_the_cdn(client, cdn, course):
    client.get(course.url)  # kept
    # A malformed CSRF cookie is replaced on the way out, by middleware that runs after the copy was found.
    client.cookies["csrftoken"] = "not-a-token"

    served = client.get(course.url)

    assert served.cookies["csrftoken"].value != "not-a-token"
    assert served["Cache-Control"] == "private"


def test_every_other_response_is_marked_private_for_the_cdn_unless_it_says_otherwise(client, cdn, course):
    assert client.get("/courses/?q=myofascial")["Cache-Control"] == "private"  # a search, served fresh
    assert client.get("/?ref=newsletter")["Cache-Control"] == "private"
    assert "no-store" in client.get("/verify/")["Cache-Control"]  # the view's own, kept


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


def test_an_unpublished_course_is_purged_at_the_address_it_left(cdn, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CoursePage.objects.get(pk=course.pk).unpublish()

    assert "localhost/courses/myofascial-release-for-the-low-back/" in cdn


def test_a_restricted_course_is_purged(cdn, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)

    assert "localhost/courses/myofascial-release-for-the-low-back/" in cdn


def test_a_moved_or_renamed_catalog_is_purged_with_its_courses_where_they_were(
    cdn, course, catalogue, django_capture_on_commit_callbacks
):
    elsewhere = CourseIndexPageFactory(parent=HomePage.objects.get(), title="Archive", slug="archive")
    with django_capture_on_commit_callbacks(execute=True):
        CourseIndexPage.objects.get(pk=catalogue.pk).move(elsewhere, pos="last-child")
    assert {"localhost/courses/", "localhost/courses/myofascial-release-for-the-low-back/"} <= set(cdn)
    assert "localhost/archive/courses/myofascial-release-for-the-low-back/" in cdn  # and where it is now

    cdn.clear()
    with django_capture_on_commit_callbacks(execute=True):
        renamed = CourseIndexPage.objects.get(pk=catalogue.pk)
        renamed.slug = "catalog"
        renamed.save_revision().publish()
    assert {
        "localhost/archive/courses/",
        "localhost/archive/courses/myofascial-release-for-the-low-back/",
        "localhost/archive/catalog/myofascial-release-for-the-low-back/",
    } <= set(cdn)


def test_deleting_a_catalog_purges_each_address_once(cdn, course, catalogue, django_capture_on_commit_callbacks):
    publishable_course(parent=catalogue, title="Trigger Points")
    with django_capture_on_commit_callbacks(execute=True):
        CourseIndexPage.objects.get(pk=catalogue.pk).delete()

    assert {
        "localhost/courses/",
        "localhost/courses/myofascial-release-for-the-low-back/",
        "localhost/courses/trigger-points/",
    } <= set(cdn)
    assert len(cdn) == len(set(cdn))  # one purge for the whole deletion


def test_without_a_cdn_configured_no_page_says_shared_caches_may_keep_it(client, settings, course):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    client.get(course.url)

    assert "Cache-Control" not in client.get(course.url)


def test_a_cdn_allowed_to_keep_pages_but_never_told_of_changes_is_warned_of(settings):
    def warnings():
        return [message.id for message in run_checks(include_deployment_checks=True) if message.id.startswith("lms.")]

    settings.PUBLIC_PAGE_CDN_SECONDS = 3600
    assert warnings() == ["lms.W001"]
    settings.WAGTAILFRONTENDCACHE = {"varnish": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend"}}
    assert warnings() == []
