"""A course is reviewed as one piece: one submission, one task naming it, and on approval its lessons
and quizzes go live with it; publishing it by any path is refused while a board would reject it."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from courses.models import CoursePage, LessonPage
from courses.publishing import CoursePublishRefused
from courses.publishing_checks import course_checklist, is_placeholder_number
from credits.models import DeliveryType
from quizzes.models import QuizPage
from quizzes.tests.factories import QuizPageFactory, single_choice

from .editor import NO_OBJECTIVES, add_page_url, edit_page_url, editor_form_data
from .factories import CourseApprovalFactory, CoursePageFactory, LessonPageFactory, lesson_body

WORDS_PER_LESSON = 3_100  # enough for the course (0.25 CE hours, 15 minutes) in either lesson alone


def draft(page):
    """The page as an editor leaves it: not live, its content in a revision."""
    page.live = False
    page.has_unpublished_changes = True
    page.save()
    page.save_revision()
    return page


@pytest.fixture
def course(catalogue, roles):
    """A draft course of 0.25 CE hours with two draft lessons and a draft final, meeting every board rule."""
    course = draft(
        CoursePageFactory(
            parent=catalogue,
            title="Scar Tissue Mobilization",
            ce_hours=Decimal("0.25"),
            min_study_minutes=15,
            delivery=DeliveryType.HOME_STUDY,
            taught_by=roles["instructor"],
            owner=roles["instructor"],
        )
    )
    CourseApprovalFactory(course=course, number="NCBTMB-451099")
    for number in (1, 2):
        draft(LessonPageFactory(parent=course, title=f"Lesson {number}", body=lesson_body(WORDS_PER_LESSON)))
    draft(QuizPageFactory(parent=course, questions=[single_choice(prompt=f"Q{n}?") for n in range(4)]))
    course.save_revision()
    return CoursePage.objects.get(pk=course.pk)


def approvals_revise(course, **fields):
    """Changes the course's approvals in a new revision, as a save in the editor would."""
    course.approvals.update(**fields)
    return CoursePage.objects.get(pk=course.pk).save_revision()


def submit(client, user, course):
    client.force_login(user)
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, **{"action-submit": "1"})
    response = client.post(edit_page_url(course), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return WorkflowState.objects.get(object_id=str(course.pk), status=WorkflowState.STATUS_IN_PROGRESS)


def approve(client, reviewer, course, state):
    client.force_login(reviewer)
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.current_task_state.pk]),
        {"comment": ""},
    )


def live_titles(course):
    return sorted(page.title for page in course.get_children().live())


def test_one_submission_of_a_course_makes_one_task_and_one_set_of_emails_naming_it(client, course, roles):
    mail.outbox.clear()

    submit(client, roles["instructor"], course)

    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count() == 1
    assert mail.outbox, "the reviewers are told"
    assert all("Scar Tissue Mobilization" in message.subject for message in mail.outbox)
    assert {address for message in mail.outbox for address in message.to} == {roles["reviewer"].email}


def test_a_lesson_offers_no_submission_of_its_own_but_the_way_to_the_courses(client, course, roles):
    lesson = LessonPage.objects.child_of(course).first()
    client.force_login(roles["instructor"])

    page = client.get(edit_page_url(lesson)).content.decode()

    assert 'name="action-submit"' not in page
    assert "Submit the course for review" in page
    assert edit_page_url(course) in page
    assert not lesson.permissions_for_user(roles["instructor"]).can_submit_for_moderation()


def test_a_new_lesson_cannot_be_submitted_on_its_own(client, course, roles):
    client.force_login(roles["instructor"])
    url = add_page_url(LessonPage, course)

    assert 'name="action-submit"' not in client.get(url).content.decode()
    data = editor_form_data(client, url, title="Lesson 3", slug="lesson-3", **{"action-submit": "1"})
    response = client.post(url, data, follow=True)

    assert "goes to review with its course" in response.content.decode()
    assert not WorkflowState.objects.exists()


def test_approving_a_course_publishes_its_draft_lessons_and_quizzes_with_it(client, course, roles):
    state = submit(client, roles["instructor"], course)

    approve(client, roles["reviewer"], course, state)

    course.refresh_from_db()
    assert course.live
    assert live_titles(course) == ["Final assessment", "Lesson 1", "Lesson 2"]
    lesson = LessonPage.objects.child_of(course).first()
    assert client.get(lesson.url).status_code == 200


def test_a_lesson_a_reviewer_took_offline_stays_offline_when_the_course_is_published_again(client, course, roles):
    course.get_latest_revision().publish()
    withdrawn = LessonPage.objects.child_of(course).get(title="Lesson 2")
    withdrawn.unpublish()

    CoursePage.objects.get(pk=course.pk).save_revision().publish()

    assert live_titles(course) == ["Final assessment", "Lesson 1"]


def test_the_reviewer_sees_one_task_naming_the_course_with_its_checks(client, course, roles):
    submit(client, roles["instructor"], course)
    client.force_login(roles["reviewer"])

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()

    assert dashboard.count("Scar Tissue Mobilization") >= 1
    assert "Course, with its lessons and quizzes." in dashboard
    assert "Every board check passes." in dashboard
    assert ">Approve<" in dashboard


def test_a_placeholder_approval_number_keeps_approve_off_and_says_why(client, course, roles):
    approvals_revise(course, number="PENDING")
    state = submit(client, roles["instructor"], course)
    client.force_login(roles["reviewer"])

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    editor = client.get(edit_page_url(course)).content.decode()

    assert "“PENDING” is a placeholder" in dashboard
    assert ">Approve<" not in dashboard
    assert "“PENDING” is a placeholder" in editor
    assert 'data-workflow-action-name="approve"' not in editor
    approve(client, roles["reviewer"], course, state)  # asked for all the same
    course.refresh_from_db()
    assert not course.live
    assert live_titles(course) == []
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_IN_PROGRESS


def test_publishing_from_the_editor_is_refused_with_the_reasons_and_the_edit_kept(client, course, roles):
    approvals_revise(course, number="TBD")
    client.force_login(roles["reviewer"])
    data = editor_form_data(
        client, edit_page_url(course), streams=NO_OBJECTIVES, summary="Revised.", **{"action-publish": "1"}
    )

    response = client.post(edit_page_url(course), data, follow=True)

    course.refresh_from_db()
    assert not course.live
    assert course.get_latest_revision_as_object().summary == "Revised."
    page = response.content.decode()
    assert "was saved but not published" in page
    assert "“TBD” is a placeholder, not an approval number the board issued." in page


def test_publishing_from_the_editor_publishes_the_lessons_with_the_course(client, course, roles):
    client.force_login(roles["reviewer"])
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, **{"action-publish": "1"})

    response = client.post(edit_page_url(course), data, follow=True)

    assert "Live with the course: “Lesson 1”, “Lesson 2”, “Final assessment”." in response.content.decode()
    assert live_titles(course) == ["Final assessment", "Lesson 1", "Lesson 2"]


def test_publishing_by_code_or_schedule_is_refused_too(course):
    revision = approvals_revise(course, expires_on=datetime.date(2020, 1, 31))

    with pytest.raises(CoursePublishRefused, match="expired on January 31, 2020"):
        revision.publish()

    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    with pytest.raises(CoursePublishRefused):
        call_command("publish_scheduled", verbosity=0)
    course.refresh_from_db()
    assert not course.live


def test_the_editor_shows_the_checklist_to_instructors_and_reviewers(client, course, roles):
    approvals_revise(course, number="N/A")
    for user in roles.values():
        client.force_login(user)
        page = client.get(edit_page_url(course)).content.decode()
        assert "Board checklist" in page
        assert "1 of 4 checks fail" in page
        assert "“N/A” is a placeholder" in page


def problems_of(course):
    return [problem for check in course_checklist(course=course) for problem in check.problems]


def test_content_sizing_below_the_declared_hours_is_a_problem(course):
    course.ce_hours = Decimal("1.00")
    course.min_study_minutes = 15

    (problem,) = problems_of(course)

    assert problem.startswith("The lessons support 0.51 CE hours (6,2")
    assert problem.endswith(
        "words, 0 minutes of video), less than the 1.00 the course declares: add content or lower the hours."
    )


def test_lesson_time_below_the_minimum_study_time_is_a_problem(course):
    course.min_study_minutes = 90

    (problem,) = problems_of(course)

    assert problem.startswith("The lessons take about 32 minutes to read and watch, less than the 90 minutes")


def test_a_home_study_course_needs_a_final_and_a_live_course_does_not(course):
    QuizPage.objects.child_of(course).delete()

    assert problems_of(course) == [
        "A home-study course needs a final assessment that practitioners must pass: add one under the course."
    ]
    course.delivery = DeliveryType.LIVE
    assert problems_of(course) == []


def test_a_final_with_three_options_or_a_pass_mark_under_70_is_a_problem(course):
    quiz = QuizPage.objects.child_of(course).get()
    quiz.pass_mark_percent = Decimal(65)
    quiz.questions = [single_choice(wrong=("Teres minor", "Deltoid")), single_choice()]
    quiz.save_revision()

    assert problems_of(course) == [
        "Final assessment: the pass mark is 65%; a home-study course's final needs at least 70%.",
        "Final assessment: 1 choice question has fewer than 4 options; a board assessment needs at least that many.",
    ]


def test_a_course_with_no_board_approval_is_a_problem(course):
    course.approvals.all().delete()

    assert problems_of(course) == ["No board approval is recorded: add the approval each board issued for this course."]


@pytest.mark.parametrize(
    "number", ["PENDING", "pending approval", "TBD", "N/A", "n.a.", "NCBTMB-TBD", "000", "000-000", "XXXX", "none", "-"]
)
def test_placeholders_are_not_approval_numbers(number):
    assert is_placeholder_number(number)


@pytest.mark.parametrize("number", ["NCBTMB-451099", "DEMO-FL-MCE-8850", "1000", "NA-20451", "TX-CE-4410"])
def test_issued_numbers_are_not_placeholders(number):
    assert not is_placeholder_number(number)


def test_the_preview_of_a_course_lists_its_draft_lessons_and_final(client, course, roles):
    client.force_login(roles["instructor"])

    page = client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk])).content.decode()

    assert "Lesson 1" in page
    assert "Lesson 2" in page
    assert "Final assessment" in page


def test_the_preview_of_a_draft_lesson_lists_it_among_the_courses_lessons(client, course, roles):
    lesson = LessonPage.objects.child_of(course).get(title="Lesson 2")
    client.force_login(roles["instructor"])

    page = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk])).content.decode()

    assert "Lesson 2 of 2" in page
    assert 'aria-current="page">Lesson 2<' in page
