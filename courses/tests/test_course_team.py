"""Instructors author the courses they teach, and only those; reviewers and superusers author all."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import CoursePage, LessonPage
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup

from .editor import add_page_url, edit_page_url
from .factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    instructor = UserFactory(groups=[INSTRUCTORS])
    return {
        "instructor": instructor,
        "theirs": CoursePageFactory(parent=catalogue, taught_by=instructor),
        "other": CoursePageFactory(parent=catalogue, taught_by=UserFactory(groups=[INSTRUCTORS])),
    }


def admin_pages_of(course):
    lesson = LessonPageFactory(parent=course)
    return {
        "edit the course": edit_page_url(course),
        "edit a lesson": edit_page_url(lesson),
        "see the lesson's history": reverse("wagtailadmin_pages:history", args=[lesson.pk]),
        "view the course's draft": reverse("wagtailadmin_pages:view_draft", args=[course.pk]),
        "see where the course is used": reverse("wagtailadmin_pages:usage", args=[course.pk]),
        "add a lesson": add_page_url(LessonPage, course),
        "delete a lesson": reverse("wagtailadmin_pages:delete", args=[lesson.pk]),
        "copy the course": reverse("wagtailadmin_pages:copy", args=[course.pk]),
    }


def test_an_instructor_opens_every_editor_page_of_the_courses_they_teach(client, team):
    client.force_login(team["instructor"])

    for what, url in admin_pages_of(team["theirs"]).items():
        if what in {"delete a lesson", "copy the course"}:
            continue  # publishing rights, which instructors never had
        assert client.get(url).status_code == 200, what


def test_an_instructor_opens_no_editor_page_of_a_course_they_do_not_teach(client, team):
    client.force_login(team["instructor"])

    for what, url in admin_pages_of(team["other"]).items():
        response = client.get(url)
        # Wagtail answers a refusal in the admin by sending the person to the dashboard.
        assert response.status_code in {302, 403}, what
        assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home"), what


def test_an_instructor_cannot_change_a_course_they_do_not_teach_by_posting_to_it(client, team):
    other = team["other"]
    client.force_login(team["instructor"])

    client.post(edit_page_url(other), {"title": "Taken over", "slug": other.slug, "action-submit": "1"})

    assert CoursePage.objects.get(pk=other.pk).get_latest_revision_as_object().title != "Taken over"


def test_an_instructor_creates_a_course_and_keeps_editing_it_before_listing_themselves(client, catalogue, team):
    created = CoursePageFactory(parent=catalogue, owner=team["instructor"])
    client.force_login(team["instructor"])

    assert catalogue.permissions_for_user(team["instructor"]).can_add_subpage()
    assert client.get(edit_page_url(created)).status_code == 200


def test_reviewers_open_every_course(client, team):
    client.force_login(UserFactory(groups=[REVIEWERS]))

    for course in (team["theirs"], team["other"]):
        assert client.get(edit_page_url(course)).status_code == 200


def test_a_course_the_instructor_does_not_teach_hides_its_lessons_from_them(client, team):
    locked = LessonPageFactory(parent=team["other"])
    taught = LessonPageFactory(parent=team["theirs"])
    client.force_login(team["instructor"])

    assert client.get(locked.url).status_code == 403
    assert client.get(taught.url).status_code == 200


def test_an_instructor_taken_off_a_course_opens_none_of_its_editor_pages_not_even_an_old_revision(client, team):
    course, instructor = team["theirs"], team["instructor"]
    old = course.save_revision()
    course.instructors.set([team["other"].instructors.get()])
    course.save()
    client.force_login(instructor)

    for url in (edit_page_url(course), reverse("wagtailadmin_pages:revisions_revert", args=[course.pk, old.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), url


def test_the_instructor_who_created_a_course_loses_it_once_its_list_names_others(client, catalogue, team):
    created = CoursePageFactory(parent=catalogue, owner=team["instructor"])
    created.instructors.set([team["other"].instructors.get()])
    created.save()
    client.force_login(team["instructor"])

    assert client.get(edit_page_url(created)).status_code == 302
