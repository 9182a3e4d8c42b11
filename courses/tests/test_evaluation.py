"""The course evaluation: once per enrolment, after the last lesson, and summarised for reviewers."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import CourseEvaluation, LessonProgress
from courses.services import REVIEWERS, authoring_roles_setup

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory

ALL_AGREE = {"objectives_met": 5, "content_accurate": 4, "instructor_clear": 4, "useful_in_practice": 5}


@pytest.fixture
def finished(catalogue):
    """An enrolment whose practitioner has completed every lesson."""
    course = CoursePageFactory(parent=catalogue, title="Fibromyalgia and Massage Therapy", evaluation_required=True)
    enrollment = EnrollmentFactory(course=course)
    for title in ["Criteria", "Medications"]:
        lesson = LessonPageFactory(parent=course, title=title)
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at="2026-11-20T10:00Z")
    return enrollment


def evaluate(client, course, **answers):
    return client.post(reverse("certificates:evaluate", args=[course.pk]), answers, follow=True)


def test_the_course_page_asks_for_the_evaluation_once_every_lesson_is_complete(client, finished):
    client.force_login(finished.user)

    panel = BeautifulSoup(client.get(finished.course.url).content, "html.parser").select_one(".panel--action")

    assert panel.select_one("a.button")["href"] == reverse("certificates:evaluate", args=[finished.course.pk])


def test_a_practitioner_evaluates_a_finished_course_once(client, finished):
    client.force_login(finished.user)

    first = evaluate(client, finished.course, **ALL_AGREE, comments="Clear and practical.")
    second = evaluate(client, finished.course, **ALL_AGREE, comments="Again!")

    assert "Thank you for evaluating the course" in first.text
    assert "You have already evaluated this course" in second.text
    evaluation = CourseEvaluation.objects.get()
    assert evaluation.enrollment == finished and evaluation.comments == "Clear and practical."


def test_an_incomplete_evaluation_re_renders_with_messages_and_saves_nothing(client, finished):
    client.force_login(finished.user)

    response = evaluate(client, finished.course, objectives_met=5, content_accurate=9, comments="Half done")

    assert response.status_code == 200
    assert "Please answer every statement" in response.text
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.select(".errorlist")) == 3  # 9 is off the scale; two statements unanswered
    assert soup.select_one("textarea").get_text().strip() == "Half done"
    assert not CourseEvaluation.objects.exists()


def test_the_evaluation_starts_with_no_answer_chosen_and_offers_only_the_five_point_scale(client, finished):
    client.force_login(finished.user)

    soup = BeautifulSoup(client.get(reverse("certificates:evaluate", args=[finished.course.pk])).content, "html.parser")

    for name in CourseEvaluation.STATEMENTS:
        radios = soup.select(f'input[type="radio"][name="{name}"]')
        assert [radio["value"] for radio in radios] == ["1", "2", "3", "4", "5"]
        assert not any(radio.has_attr("checked") for radio in radios)
    assert "---------" not in soup.get_text()


def test_an_unanswered_statement_is_named_in_its_error_and_in_the_summary(client, finished):
    client.force_login(finished.user)

    response = evaluate(client, finished.course, objectives_met=5, content_accurate=4, useful_in_practice=5)

    soup = BeautifulSoup(response.content, "html.parser")
    message = "Choose an answer for “The instructor presented the material clearly.”"
    assert [item.get_text(strip=True) for item in soup.select(".errorlist li")] == [message]
    summary = soup.select_one('[role="alert"]')
    assert summary.select_one("a").get_text() == message
    assert summary.select_one("a")["href"] == "#id_instructor_clear_0"
    assert soup.select_one('input[name="objectives_met"][value="5"]').has_attr("checked")


def test_a_course_cannot_be_evaluated_before_its_lessons_are_finished(client, finished):
    LessonProgress.objects.filter(enrollment=finished).first().delete()
    client.force_login(finished.user)

    response = evaluate(client, finished.course, **ALL_AGREE)

    assert "Finish every lesson of the course before evaluating it" in response.text
    assert not CourseEvaluation.objects.exists()


def test_nobody_evaluates_a_course_they_are_not_enrolled_in(client, finished):
    client.force_login(UserFactory(verified_email=True))

    response = evaluate(client, finished.course, **ALL_AGREE)

    assert "Only practitioners enrolled in this course can evaluate it" in response.text
    assert not CourseEvaluation.objects.exists()


def test_reviewers_see_evaluation_results_with_the_share_of_favourable_answers(client, catalogue, finished):
    CourseEvaluation.objects.create(enrollment=finished, **ALL_AGREE)
    other = EnrollmentFactory(course=finished.course)
    CourseEvaluation.objects.create(
        enrollment=other, objectives_met=2, content_accurate=3, instructor_clear=4, useful_in_practice=5
    )
    authoring_roles_setup(catalogue=catalogue)
    client.force_login(UserFactory(groups=[REVIEWERS]))

    response = client.get(reverse("course_evaluations"))

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    # Column heads in a few words, so that the table fits its page.
    assert max(len(head.get_text(strip=True)) for head in soup.select("thead th")) <= 20
    row = soup.select_one("tbody tr").get_text(" ", strip=True)
    assert "Fibromyalgia and Massage Therapy" in row
    assert " 2 " in f" {row} "
    assert "75%" in row  # six of the eight answers are 4 or 5
    assert "3.5 of 5" in row  # objectives met: (5 + 2) / 2


def test_practitioners_cannot_see_evaluation_results(client, finished):
    client.force_login(finished.user)

    assert client.get(reverse("course_evaluations")).status_code in (302, 403)
