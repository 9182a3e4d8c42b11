"""Instructors write courses, reviewers approve and publish them, through a Wagtail workflow."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, WorkflowState

from accounts.tests.factories import UserFactory
from courses.models import CourseEvaluation, CoursePage
from courses.services import INSTRUCTORS, REVIEWERS
from credits.tests.factories import BoardFactory

from .editor import NO_OBJECTIVES, add_page_url, edit_page_url, editor_form_data, new_course_form
from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory, lesson_body, publishable_course


def test_an_instructor_can_draft_a_course_but_not_publish_it(client, catalogue, roles):
    client.force_login(roles["instructor"])
    data = new_course_form(client, catalogue, **{"action-publish": "action-publish"})

    response = client.post(add_page_url(CoursePage, catalogue), data)

    assert response.status_code == 302
    course = CoursePage.objects.get(slug="fibromyalgia-and-massage")
    assert not course.live
    assert course.owner == roles["instructor"]


def test_an_instructor_cannot_add_pages_outside_the_catalogue(client, home_page, catalogue, roles):
    assert home_page.permissions_for_user(roles["instructor"]).can_add_subpage() is False
    assert catalogue.permissions_for_user(roles["instructor"]).can_publish_subpage() is False
    assert catalogue.permissions_for_user(roles["reviewer"]).can_publish_subpage() is True


def test_a_course_submitted_by_an_instructor_goes_live_when_a_reviewer_approves(client, catalogue, roles):
    client.force_login(roles["instructor"])
    board = BoardFactory()
    approval = {
        "approvals-TOTAL_FORMS": "1",
        "approvals-0-board": str(board.pk),
        "approvals-0-number": "NCBTMB-451099",
        "approvals-0-approved_title": "Fibromyalgia and Massage Therapy",
        "approvals-0-approved_hours": "0.25",
        "approvals-0-delivery": "live",
        "approvals-0-expires_on": "2099-12-31",
    }
    client.post(
        add_page_url(CoursePage, catalogue),
        new_course_form(
            client,
            catalogue,
            ce_hours="0.25",
            min_study_minutes="15",
            delivery="live",
            **approval,
            **{"action-submit": "action-submit"},
        ),
    )
    course = CoursePage.objects.get(slug="fibromyalgia-and-massage")
    LessonPageFactory(parent=course, body=lesson_body(words_of_prose=3_100))
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Course review"
    assert not course.live

    client.force_login(roles["reviewer"])
    assert course.title in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.current_task_state.pk]),
        {"comment": "Accurate and well sized."},
    )

    assert response.status_code == 302
    course.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert course.live
    assert client.get(course.url).status_code == 200


def test_an_instructor_cannot_approve_their_own_submission(client, catalogue, roles):
    course = CoursePageFactory(parent=catalogue, live=False, taught_by=roles["instructor"])
    client.force_login(roles["instructor"])
    data = editor_form_data(client, edit_page_url(course), streams=NO_OBJECTIVES, **{"action-submit": "1"})
    client.post(edit_page_url(course), data)
    state = WorkflowState.objects.get(object_id=str(course.pk))

    client.post(reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", state.current_task_state.pk]))

    course.refresh_from_db()
    assert not course.live
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_IN_PROGRESS


def test_a_reviewer_can_schedule_a_course_to_go_live_later(client, catalogue, roles):
    course = publishable_course(parent=catalogue, live=False)
    go_live = timezone.now() + datetime.timedelta(days=2)
    client.force_login(roles["reviewer"])
    data = editor_form_data(
        client,
        edit_page_url(course),
        streams=NO_OBJECTIVES,
        go_live_at=timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "action-publish"},
    )

    client.post(edit_page_url(course), data)

    course.refresh_from_db()
    assert not course.live
    assert course.get_latest_revision().approved_go_live_at is not None
    call_command("publish_scheduled", verbosity=0)
    course.refresh_from_db()
    assert not course.live  # not yet: the time has not come

    with time_machine.travel(go_live + datetime.timedelta(minutes=5)):
        call_command("publish_scheduled", verbosity=0)
    course.refresh_from_db()
    assert course.live


def test_setup_authoring_routes_the_catalogue_through_review_and_can_run_again(catalogue):
    output = io.StringIO()

    call_command("setup_authoring", stdout=output)
    call_command("setup_authoring", stdout=output)

    assert catalogue.get_workflow().name == "Course review"
    assert Group.objects.filter(name__in=[INSTRUCTORS, REVIEWERS]).count() == 2
    assert GroupPagePermission.objects.filter(page=catalogue, group__name=INSTRUCTORS).count() == 2
    assert 'now go through the "Course review" workflow' in output.getvalue()


def test_setup_authoring_explains_what_is_missing_without_a_catalogue(db):
    with pytest.raises(CommandError, match="Create the course catalog page first"):
        call_command("setup_authoring")


def test_reviewers_keep_topics_instructors_and_boards_but_instructors_do_not(roles):
    reviewer, instructor = roles["reviewer"], roles["instructor"]

    for permission in ["courses.change_topic", "courses.add_instructor", "credits.change_board"]:
        assert reviewer.has_perm(permission), permission
        assert not instructor.has_perm(permission), permission
    assert instructor.has_perm("wagtailadmin.access_admin")


def test_a_course_with_enrolments_cannot_be_deleted_only_unpublished(client, catalogue):
    course = CoursePageFactory(parent=catalogue)
    EnrollmentFactory(course=course)
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]), follow=True)

    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert "it has enrollments, which must be kept as records for six years. Unpublish it" in response.content.decode()


def test_the_evaluation_is_refused_where_the_course_does_not_ask_for_one(client, catalogue):
    course = CoursePageFactory(parent=catalogue, evaluation_required=False)
    enrollment = EnrollmentFactory(course=course)
    client.force_login(enrollment.user)

    response = client.post(
        reverse("certificates:evaluate", args=[course.pk]),
        {"objectives_met": 5, "content_accurate": 5, "instructor_clear": 5, "useful_in_practice": 5},
        follow=True,
    )

    assert "This course does not ask for an evaluation" in response.content.decode()
    assert not CourseEvaluation.objects.exists()


def test_a_practitioner_with_course_records_cannot_be_deleted_only_deactivated(client, catalogue):
    enrollment = EnrollmentFactory(course=CoursePageFactory(parent=catalogue))
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(reverse("wagtailusers_users:delete", args=[enrollment.user.pk]), follow=True)

    assert type(enrollment.user).objects.filter(pk=enrollment.user.pk).exists()
    assert "the account has enrollments, which must be kept as records for six years. Deactivate" in response.text
