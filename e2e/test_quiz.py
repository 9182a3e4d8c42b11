"""A final assessment in a real browser: answers save as they are given, the page passes axe, submit grades."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_answers_save_as_you_go_survive_a_reload_and_the_submission_is_graded(live_server, enrolled, logged_in_page):
    enrollment, lessons = enrolled
    quiz = QuizPageFactory(parent=lessons[0].get_parent(), time_limit_minutes=30)
    page = logged_in_page(enrollment.user)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    page.goto(live_server.url + quiz.url)
    assert "You pass with 70%" in page.locator(".quiz-rules").text_content()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/learn/attempts/*/")
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    first = attempt.questions[0]
    right = next(choice for choice in first["choices"] if choice["correct"])
    page.get_by_label(right["text"], exact=True).first.check()
    expect(page.locator("[data-save-status]")).to_contain_text("Answers saved at")
    page.reload()

    assert page.get_by_label(right["text"], exact=True).first.is_checked()
    assert "min" in page.locator("[data-countdown]").text_content()
    violations = Axe().run(page).response["violations"]
    assert violations == [], [violation["id"] for violation in violations]
    # One question of several is answered: the browser asks once, naming the others, before grading.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Submit for grading").click()
    page.wait_for_selector("text=not passed")
    assert "not answered in full" in dialogs[0] and "Submit for grading anyway?" in dialogs[0]
    attempt.refresh_from_db()
    assert attempt.score == 1 and not attempt.passed
    assert console_errors == []
