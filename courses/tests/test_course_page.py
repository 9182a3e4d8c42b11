"""The course page: what a practitioner reads before enrolling, and what a reviewer checks."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail_factories import ImageFactory

from courses.models.learning import STUDY_IDLE_MINUTES
from credits.tests.factories import BoardFactory, CreditCategoryFactory
from quizzes.tests.factories import QuizPageFactory

from .factories import (
    CourseApprovalFactory,
    CoursePageFactory,
    EnrollmentFactory,
    InstructorFactory,
    LessonPageFactory,
    lesson_body,
)


def text_of(response, selector) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one(selector).get_text(" ", strip=True)


@pytest.fixture
def course(catalogue):
    course = CoursePageFactory(
        parent=catalogue,
        title="Manual Lymphatic Drainage after Surgery",
        ce_hours=Decimal("3.00"),
        min_study_minutes=150,
        price_amount=5900,
    )
    course.instructors.add(InstructorFactory(name="Elena Marsh", credentials="LMT, CLT"))
    course.save()
    return course


def test_the_course_page_shows_hours_price_and_instructors(client, course):
    response = client.get(course.url)

    assert response.status_code == 200
    credit = text_of(response, ".course-aside")
    assert "CE hours 3.00" in credit
    assert "Minimum study time 150 minutes" in credit
    assert "Price $59.00" in credit
    assert "Instructor Elena Marsh, LMT, CLT" in text_of(response, ".course-main")


def test_the_course_page_shows_each_board_approval_as_approved(client, course):
    technique = CreditCategoryFactory(name="Massage technique")
    approval = CourseApprovalFactory(
        course=course,
        board=BoardFactory(name="Florida Board of Massage Therapy", code="FL"),
        number="DEMO-FL-MCE-8821",
        approved_hours=Decimal("3.00"),
        expires_on=datetime.date(2099, 1, 31),
    )
    approval.categories.add(technique)
    approval.save()  # a ParentalManyToManyField is written when its owner is saved
    CourseApprovalFactory(course=course, board__name="New York State Board", expires_on=datetime.date(2020, 12, 31))

    approvals = text_of(client.get(course.url), ".approvals")

    assert "Florida Board of Massage Therapy No. DEMO-FL-MCE-8821 3.00 CE hours, home study" in approvals
    assert "Massage technique" in approvals
    assert "Valid through January 31, 2099" in approvals
    assert "New York State Board" in approvals
    assert "Lapsed December 31, 2020" in approvals


def test_the_syllabus_lists_live_lessons_in_order_with_their_study_time(client, course):
    LessonPageFactory(parent=course, title="Lymphatic anatomy", body=lesson_body(words_of_prose=600))
    LessonPageFactory(parent=course, title="A lesson still in draft", live=False)
    LessonPageFactory(parent=course, title="Post-operative protocols", body=lesson_body(words_of_prose=150))

    syllabus = BeautifulSoup(client.get(course.url).content, "html.parser").select(".syllabus li")

    assert [item.a.get_text() for item in syllabus] == ["Lymphatic anatomy", "Post-operative protocols"]
    # 600 words of prose plus 16 in the heading, callout and steps, at 200 words a minute.
    assert "· 4 min" in syllabus[0].get_text()


def test_a_preview_sizes_the_courses_hours_by_content_for_its_reviewer(client, course):
    LessonPageFactory(parent=course, body=lesson_body(words_of_prose=11_984))

    preview = text_of(course.make_preview_request(), ".course-aside")
    published = text_of(client.get(course.url), ".course-aside")

    assert "1.00 CE hours by content (12,000 words)" in preview
    assert "below the declared 3.00" in preview
    assert "Content sizing" not in published
    assert "words" not in published


def test_an_enrolled_practitioner_is_not_shown_the_content_sizing(client, course):
    LessonPageFactory(parent=course, body=lesson_body(words_of_prose=11_984))
    client.force_login(EnrollmentFactory(course=course).user)

    credit = text_of(client.get(course.url), ".course-aside")

    assert "Content sizing" not in credit
    assert "words" not in credit


def test_the_enroll_box_comes_before_the_course_description(client, course):
    layout = BeautifulSoup(client.get(course.url).content, "html.parser").select_one(".course-layout")

    first, *_ = layout.find_all(recursive=False)

    assert first["id"] == "enroll"
    assert first.select_one("h2").get_text() == "Study this course"
    assert layout.select("#enroll") == [first]


def test_a_final_assessment_titled_so_is_not_labelled_twice(client, course):
    QuizPageFactory(parent=course, title="Final assessment")
    QuizPageFactory(parent=course, title="Shoulder check", kind="knowledge_check")

    assessments = [
        item.get_text(" ", strip=True)
        for item in BeautifulSoup(client.get(course.url).content, "html.parser").select(".syllabus--plain li")
    ]

    assert assessments == ["Final assessment", "Shoulder check · knowledge check"]


STUDY_CLOCK_RULE = (
    "Study time counts while a lesson is open and in front of you, as long as you have scrolled, "
    f"typed or moved the pointer in the last {STUDY_IDLE_MINUTES} minutes."
)


def test_the_course_page_explains_when_study_time_counts(client, course):
    rules = BeautifulSoup(client.get(course.url).content, "html.parser").select(".study-clock-rule")

    assert [rule.get_text(" ", strip=True) for rule in rules] == [STUDY_CLOCK_RULE]


def test_an_enrolled_practitioner_reads_when_study_time_counts_beside_the_minutes_studied(client, course):
    client.force_login(EnrollmentFactory(course=course).user)

    soup = BeautifulSoup(client.get(course.url).content, "html.parser")

    assert [rule.get_text(" ", strip=True) for rule in soup.select(".study-clock-rule")] == [STUDY_CLOCK_RULE]
    assert soup.select_one("#enroll .study-clock-rule") is not None


def test_a_course_needs_fifty_minutes_of_study_per_ce_hour(catalogue):
    course = CoursePageFactory.build(ce_hours=Decimal("3.00"), min_study_minutes=149)

    with pytest.raises(ValidationError) as error:
        course.clean()

    assert "needs at least 150 minutes of study" in str(error.value)


def test_the_course_page_query_count_does_not_grow_with_lessons_quizzes_and_approvals(
    client, course, django_assert_max_num_queries
):
    def add(lessons, approvals):
        for _ in range(lessons):
            LessonPageFactory(parent=course)
            QuizPageFactory(parent=course, kind="knowledge_check")
        for _ in range(approvals):
            approval = CourseApprovalFactory(course=course)
            approval.categories.add(CreditCategoryFactory())
            approval.save()

    add(lessons=1, approvals=1)
    client.get(course.url)  # the first request of a site creates its settings row
    with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
        client.get(course.url)
    add(lessons=15, approvals=4)
    with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
        client.get(course.url)


COURSE_PAGE_QUERIES = 17


def test_the_cover_image_is_described_to_readers_who_cannot_see_it(client, catalogue):
    cover = ImageFactory(file__format="PNG", description="The shoulder girdle: scapula, clavicle and humerus")
    course = CoursePageFactory(parent=catalogue, cover_image=cover)

    course_page = BeautifulSoup(client.get(course.url).content, "html.parser")
    catalog = BeautifulSoup(client.get(catalogue.url).content, "html.parser")

    assert course_page.select_one(".course-hero__image")["alt"] == cover.description
    assert catalog.select_one(".card__image")["alt"] == cover.description
