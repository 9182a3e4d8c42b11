"""A practitioner one step short of completing a course, and certificates issued the real way."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.tests.factories import LicenceFactory, UserFactory
from certificates.services import completion_record
from courses.models import CourseEvaluation, LessonProgress
from courses.tests.factories import CourseApprovalFactory, CoursePageFactory, EnrollmentFactory, LessonPageFactory
from credits.tests.factories import BoardFactory, CreditCategoryFactory


def nearly_complete_enrollment(
    catalogue,
    *,
    delivery="home_study",
    lapsed=False,
    legal_name="Nguyễn Thị Minh",
    test_passed=True,
    course_title="Lymphatic Drainage after Surgery",
):
    """Every lesson but the last done, the study time served, the evaluation sent and the final
    test passed: completing the last lesson completes the course."""
    course = CoursePageFactory(parent=catalogue, title=course_title, ce_hours=Decimal("1.50"), delivery=delivery)
    lessons = [LessonPageFactory(parent=course) for _ in range(3)]
    board = BoardFactory(code="ncbtmb", name="NCBTMB", provider_number="AP-1234")
    approval = CourseApprovalFactory(
        course=course,
        board=board,
        number="DEMO-451234",
        approved_title="Manual Lymphatic Drainage after Surgery",
        approved_hours=Decimal("1.50"),
        expires_on=timezone.localdate() + datetime.timedelta(days=-1 if lapsed else 365),
    )
    approval.categories.add(CreditCategoryFactory(slug="pathology", name="Pathology"))
    approval.save()
    user = UserFactory(verified_email=True, legal_name=legal_name)
    LicenceFactory(user=user, board=board, number="MA98765")
    enrollment = EnrollmentFactory(
        user=user, course=course, final_test_passed_at=timezone.now() if test_passed else None
    )
    for lesson in lessons:
        LessonProgress.objects.create(
            enrollment=enrollment,
            lesson=lesson,
            study_seconds=course.min_study_minutes * 60,
            completed_at=None if lesson is lessons[-1] else timezone.now(),
        )
    CourseEvaluation.objects.create(
        enrollment=enrollment, objectives_met=5, content_accurate=5, instructor_clear=4, useful_in_practice=5
    )
    return enrollment, lessons[-1]


def issued_certificate(catalogue, **kwargs):
    enrollment, last_lesson = nearly_complete_enrollment(catalogue, **kwargs)
    LessonProgress.objects.filter(enrollment=enrollment, lesson=last_lesson).update(completed_at=timezone.now())
    return completion_record(enrollment=enrollment).certificate
