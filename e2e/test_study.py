"""The study clock in a real browser: it starts when an enrolled practitioner opens a lesson."""

import pytest
from django.test import Client

from courses.models import LessonProgress, StudyClock
from courses.tests.factories import CourseIndexPageFactory, CoursePageFactory, EnrollmentFactory, LessonPageFactory
from lms.tests.factories import HomePageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def enrolled(live_server):
    from wagtail.models import Page, Site

    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
    Site.objects.update(root_page=home)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home), title="Sports Massage")
    lessons = [LessonPageFactory(parent=course, title=title) for title in ["Pre-event", "Post-event"]]
    enrollment = EnrollmentFactory(course=course)
    return enrollment, lessons


def logged_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def test_opening_a_lesson_starts_the_study_clock_and_marking_it_complete_moves_on(browser, live_server, enrolled):
    enrollment, lessons = enrolled
    page = logged_in_page(browser, live_server, enrollment.user)

    page.goto(live_server.url + lessons[0].url)
    page.wait_for_function("document.querySelector('[data-study-time]') !== null")
    page.wait_for_timeout(1500)  # the first heartbeat is sent as soon as the page is visible

    assert StudyClock.objects.filter(user=enrollment.user).exists()
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=lessons[0]).exists()
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.wait_for_url(f"**{lessons[1].url}")
    assert "1 of 2 lessons complete" in page.locator(".progress label").text_content()
