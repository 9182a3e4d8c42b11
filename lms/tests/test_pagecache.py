"""Visitors' copies of the public pages (lms/pagecache.py): served from the cache, never stale after a
publish, never a draft and never a signed-in person's page."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import CourseIndexPage, CoursePage
from courses.tests.factories import publishable_course
from credits.tests.factories import BoardFactory


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def course(catalogue):
    return publishable_course(parent=catalogue, title="Myofascial Release for the Low Back")


def heading(response) -> str:
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


def test_a_visitor_is_served_the_kept_copy_without_the_pages_queries(
    client, course, django_assert_max_num_queries, django_assert_num_queries
):
    first = client.get(course.url)
    with django_assert_max_num_queries(0):  # not even Wagtail finding the page by its path
        again = client.get(course.url)

    assert again.status_code == 200
    assert again.content == first.content
    assert "Cookie" in again["Vary"]  # a shared cache in front must not give this copy to someone signed in


@pytest.mark.parametrize("path", ["/", "/courses/"])
def test_the_home_page_and_the_catalog_are_kept_too(client, course, path, django_assert_max_num_queries):
    first = client.get(path)
    with django_assert_max_num_queries(0):
        assert client.get(path).content == first.content


def test_a_search_is_served_fresh_so_no_query_string_can_fill_the_cache(client, course):
    client.get("/courses/?q=myofascial")
    # Written past the page API, so no copy is made stale: only a freshly served page shows it.
    CoursePage.objects.filter(pk=course.pk).update(title="Myofascial Release Renamed")

    assert "Myofascial Release Renamed" in client.get("/courses/?q=myofascial").text
    assert "Myofascial Release Renamed" in client.get("/courses/?anything=1").text


def test_publishing_a_change_shows_at_once(client, course):
    client.get(course.url)
    client.get("/courses/")

    edited = CoursePage.objects.get(pk=course.pk)
    edited.title = "Myofascial Release for the Lumbar Spine"
    edited.save_revision().publish()

    assert heading(client.get(course.url)) == "Myofascial Release for the Lumbar Spine"
    assert "Myofascial Release for the Lumbar Spine" in client.get("/courses/").text


def test_a_draft_is_never_served_to_a_visitor(client, course):
    client.get(course.url)
    draft = CoursePage.objects.get(pk=course.pk)
    draft.title = "Not yet reviewed"
    draft.save_revision()

    assert heading(client.get(course.url)) == "Myofascial Release for the Low Back"


def test_an_unpublished_course_leaves_the_catalog_and_its_address(client, course):
    assert client.get(course.url).status_code == 200
    assert course.title in client.get("/courses/").text

    CoursePage.objects.get(pk=course.pk).unpublish()

    assert client.get(course.url).status_code == 404
    assert course.title not in client.get("/courses/").text


def test_renaming_a_topic_shows_on_the_catalog(client, course):
    client.get("/courses/")
    topic = course.topic
    topic.name = "Myofascial techniques"
    topic.save()

    assert "Myofascial techniques" in client.get("/courses/").text


def test_a_new_board_approval_shows_on_the_home_page(client, catalogue):
    client.get("/")
    BoardFactory(name="Oregon Board of Massage Therapists", provider_number="OR-77")

    assert "Oregon Board of Massage Therapists" in client.get("/").text


def test_someone_signed_in_never_gets_the_visitors_copy_nor_leaves_theirs(client, course):
    practitioner = UserFactory(verified_email=True)
    signed_in = Client()
    signed_in.force_login(practitioner)

    visitor_page = client.get(course.url).text
    member_page = signed_in.get(course.url).text

    assert "Log in to enroll" in visitor_page
    assert "Log in to enroll" not in member_page
    assert "Enroll for free" in member_page
    assert "Enroll for free" not in client.get(course.url).text


def test_a_visitor_with_a_message_waiting_is_served_the_page_as_it_is(client, course):
    client.get(course.url)
    # Written past the page API, so no copy is made stale: only a freshly served page shows it.
    CoursePage.objects.filter(pk=course.pk).update(title="Renamed in the database")
    assert heading(client.get(course.url)) == "Myofascial Release for the Low Back"

    with_message = Client()
    with_message.cookies["messages"] = "a message for the next page"

    assert heading(with_message.get(course.url)) == "Renamed in the database"


def test_a_preview_is_never_kept(client, course):
    client.get(course.url)
    draft = CoursePage.objects.get(pk=course.pk)
    draft.title = "Edited in the preview"
    draft.save_revision()
    editor = Client()
    editor.force_login(UserFactory(is_superuser=True))

    preview = editor.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk]))

    assert heading(preview) == "Edited in the preview"
    assert heading(client.get(course.url)) == "Myofascial Release for the Low Back"


def test_the_headers_catalog_link_follows_the_catalog_when_its_address_changes(client, course):
    def catalog_link(path):
        page = BeautifulSoup(client.get(path).content, "html.parser")
        return page.find("header").find("a", string="Courses")["href"]

    assert catalog_link("/verify/") == "/courses/"

    catalog = CourseIndexPage.objects.get()
    catalog.slug = "catalog"
    catalog.save_revision().publish()

    assert catalog_link("/verify/") == "/catalog/"
    assert catalog_link("/") == "/catalog/"
