"""The study clock in a real browser: it starts when an enrolled practitioner opens a lesson, and every page
that shows the minutes studied says when they count."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from courses.models import LessonProgress, StudyClock
from courses.models.learning import STUDY_IDLE_MINUTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_accessible(page, name):
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{name}: {serious}"


def assert_explains_the_study_clock(rule):
    assert rule.count() == 1 and rule.is_visible()
    assert "while a lesson is open and in front of you" in rule.inner_text()
    assert f"in the last {STUDY_IDLE_MINUTES} minutes" in rule.inner_text()


def test_opening_a_lesson_starts_the_study_clock_and_marking_it_complete_moves_on(
    live_server, enrolled, logged_in_page
):
    enrollment, lessons = enrolled
    page = logged_in_page(enrollment.user)

    page.goto(live_server.url + lessons[0].url)
    page.wait_for_function("document.querySelector('[data-study-time]') !== null")
    page.wait_for_timeout(1500)  # the first heartbeat is sent as soon as the page is visible

    assert StudyClock.objects.filter(user=enrollment.user).exists()
    assert_explains_the_study_clock(page.locator(".lesson__header .study-clock-rule"))
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=lessons[0]).exists()
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.wait_for_url(f"**{lessons[1].url}")
    assert "1 of 2 lessons complete" in page.locator(".progress label").text_content()


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_an_enrolled_practitioner_continues_from_the_first_screen_and_reads_when_study_time_counts(
    live_server, enrolled, logged_in_page, width
):
    enrollment, lessons = enrolled
    page = logged_in_page(enrollment.user)
    page.set_viewport_size({"width": width, "height": 740})

    page.goto(live_server.url + enrollment.course.url)
    progress = page.locator("#enroll")
    resume = progress.get_by_role("link", name=f"Continue: {lessons[0].title}")
    box = resume.bounding_box()
    assert box["y"] + box["height"] <= 740, f"the Continue button ends at {box['y'] + box['height']:.0f}px"
    assert "Studied 0 of" in progress.inner_text()
    assert_explains_the_study_clock(page.locator(".study-clock-rule"))
    assert page.get_by_text("Content sizing").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"course page in progress at {width}px")

    page.goto(live_server.url + reverse("courses:dashboard"))
    assert_explains_the_study_clock(page.locator(".study-clock-rule"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"dashboard at {width}px")
