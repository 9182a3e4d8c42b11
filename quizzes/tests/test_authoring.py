"""Instructors write quizzes in the Wagtail editor; the editor refuses what boards would not accept."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text, streamfield

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup
from courses.tests.editor import add_page_url, editor_form_data
from courses.tests.factories import CoursePageFactory, EnrollmentFactory, instructor_add
from quizzes.models import QuizPage
from quizzes.services import attempt_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(client, catalogue, course):
    """An instructor of `course`, signed in."""
    authoring_roles_setup(catalogue=catalogue)
    user = UserFactory(groups=[INSTRUCTORS])
    instructor_add(course=course, user=user)
    client.force_login(user)
    return user


def list_block(items):
    data = {str(i): {"value": item, "deleted": "", "order": str(i), "id": ""} for i, item in enumerate(items)}
    return {**data, "count": str(len(items))}


def choice_question(options=4, correct=1, block_type="single_choice"):
    choices = [{"text": f"Option {n}", "correct": "on" if n < correct else "", "feedback": ""} for n in range(options)]
    value = {
        "prompt": rich_text("<p>Which structure is palpated here?</p>"),
        "image": "",
        "image_alt": "",
        "points": "1",
        "explanation": rich_text(""),
        "choices": list_block(choices),
    }
    if block_type == "multiple_select":
        value["partial_credit"] = ""
    return (block_type, value)


def pool_of(draw, questions):
    return ("pool", {"title": "Rotator cuff", "draw": str(draw), "questions": streamfield(questions)})


def post_quiz(client, course, questions, **fields):
    url = add_page_url(QuizPage, course)
    data = editor_form_data(
        client,
        url,
        streams={"questions": streamfield(questions)},
        title="Final assessment",
        slug="final-assessment",
        **fields,
    )
    return client.post(url, data)


def block_errors(response):
    return response.context["form"].errors["questions"].as_data()[0].block_errors


@pytest.fixture
def course(catalogue):
    return CoursePageFactory(parent=catalogue)


def test_an_instructor_writes_a_quiz_as_a_draft(client, course, instructor):
    response = post_quiz(client, course, [choice_question(), choice_question(block_type="multiple_select", correct=2)])

    assert response.status_code == 302
    quiz = QuizPage.objects.get(slug="final-assessment")
    assert not quiz.live and quiz.question_count == 2


def test_a_home_study_final_needs_a_pass_mark_of_at_least_70(client, course, instructor):
    response = post_quiz(client, course, [choice_question()], pass_mark_percent="65")

    assert response.status_code == 200
    assert response.context["form"].errors["pass_mark_percent"] == [
        "The final assessment of a home-study course needs a pass mark of at least 70%: boards accept nothing lower."
    ]
    assert not QuizPage.objects.exists()


def test_a_knowledge_check_may_set_a_lower_pass_mark(client, course, instructor):
    response = post_quiz(client, course, [choice_question(options=3)], kind="knowledge_check", pass_mark_percent="50")

    assert response.status_code == 302


def test_a_final_assessment_question_with_fewer_than_four_options_is_refused_on_that_block(client, course, instructor):
    response = post_quiz(client, course, [choice_question(), choice_question(options=3)])

    errors = block_errors(response)
    assert list(errors) == [1]
    assert errors[1].block_errors["choices"].messages == ["A question in a final assessment needs at least 4 options."]
    assert not QuizPage.objects.exists()


def test_the_option_rule_reaches_into_pools(client, course, instructor):
    response = post_quiz(
        client, course, [choice_question(), pool_of(1, [choice_question(), choice_question(options=2)])]
    )

    pool_errors = block_errors(response)[1].block_errors["questions"].block_errors
    assert list(pool_errors) == [1]


def test_a_course_has_one_final_assessment(client, course, instructor):
    from quizzes.tests.factories import QuizPageFactory

    QuizPageFactory(parent=course, title="Final test")

    response = post_quiz(client, course, [choice_question()])

    assert response.context["form"].errors["kind"] == ["This course already has a final assessment: “Final test”."]


def test_a_question_without_a_right_answer_is_refused_on_that_block(client, course, instructor):
    response = post_quiz(client, course, [choice_question(correct=0)])

    assert block_errors(response)[0].block_errors["choices"].messages == ["Mark at least one choice as correct."]


def test_a_pool_cannot_draw_more_questions_than_it_holds(client, course, instructor):
    response = post_quiz(client, course, [pool_of(3, [choice_question(), choice_question()])])

    assert block_errors(response)[0].block_errors["draw"].messages == ["The pool holds 2 questions; it cannot draw 3."]


def test_the_preview_shows_editors_every_question_with_its_answers(client, course, instructor):
    post_quiz(client, course, [choice_question(), pool_of(1, [choice_question(), choice_question()])])
    quiz = QuizPage.objects.get(slug="final-assessment")

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[quiz.pk]))

    page = response.content.decode()
    assert page.count("Right answer") == 3
    assert "Each attempt presents 2 questions" in page


def test_a_quiz_someone_has_sat_cannot_be_deleted(client, catalogue):
    course = CoursePageFactory(parent=catalogue)
    from quizzes.tests.factories import QuizPageFactory

    quiz = QuizPageFactory(parent=course)
    attempt_start(quiz=quiz, user=EnrollmentFactory(course=course).user)
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(reverse("wagtailadmin_pages:delete", args=[quiz.pk]), follow=True)

    assert "has quiz attempts, which must be kept as records" in response.content.decode()
    assert QuizPage.objects.filter(pk=quiz.pk).exists()


def test_reviewers_see_the_analysis_and_gift_buttons_on_a_quiz(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    from quizzes.tests.factories import QuizPageFactory

    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue))
    client.force_login(UserFactory(groups=[REVIEWERS]))

    page = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk])).content.decode()

    for name in ("quizzes_analysis", "quizzes_gift_import", "quizzes_gift_export"):
        assert reverse(name, args=[quiz.pk]) in page
