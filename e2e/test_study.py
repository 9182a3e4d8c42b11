"""The study clock in a real browser: it starts when an enrolled practitioner opens a lesson."""

import pytest

from courses.models import LessonProgress, StudyClock
from courses.models.learning import STUDY_IDLE_MINUTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_opening_a_lesson_starts_the_study_clock_and_marking_it_complete_moves_on(
    live_server, enrolled, logged_in_page
):
    enrollment, lessons = enrolled
    page = logged_in_page(enrollment.user)

    page.goto(live_server.url + lessons[0].url)
    page.wait_for_function("document.querySelector('[data-study-time]') !== null")
    page.wait_for_timeout(1500)  # the first heartbeat is sent as soon as the page is visible

    assert StudyClock.objects.filter(user=enrollment.user).exists()
    rule = page.locator(".progress .study-clock-rule")
    assert rule.is_visible()
    assert "while a lesson is open and in front of you" in rule.inner_text()
    assert f"in the last {STUDY_IDLE_MINUTES} minutes" in rule.inner_text()
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=lessons[0]).exists()
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.wait_for_url(f"**{lessons[1].url}")
    assert "1 of 2 lessons complete" in page.locator(".progress label").text_content()
