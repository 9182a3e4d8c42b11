"""Operations on courses that span several models, each in one transaction."""

import html

import bleach
from django.contrib.auth.models import Group, Permission
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.selectors import email_is_verified, user_has_mfa
from credits.models import REGULATORS
from lms.errors import DomainError, NotPermitted
from lms.models import base_url
from lms.validators import one_line

from . import selectors
from .models import (
    CourseEvaluation,
    CoursePage,
    Enrollment,
    EnrollmentSource,
    LessonPost,
    LessonProgress,
    StudyClock,
)
from .models.learning import HEARTBEAT_MAX_GAP
from .sanitize import post_html

INSTRUCTORS = "Instructors"
REVIEWERS = "Reviewers"
COURSE_REVIEW_WORKFLOW = "Course review"

# Instructors draft and submit; only reviewers publish, and they keep the catalogue's reference data.
_PAGE_PERMISSIONS = {
    INSTRUCTORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
_MEDIA_PERMISSIONS = {
    INSTRUCTORS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    REVIEWERS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtailimages.change_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
        "wagtaildocs.change_document",
    ],
}
_MODEL_PERMISSIONS = {
    INSTRUCTORS: ["wagtailadmin.access_admin"],
    REVIEWERS: [
        "wagtailadmin.access_admin",
        "courses.view_courseevaluation",
        "courses.hide_lessonpost",
        "courses.add_topic",
        "courses.change_topic",
        "courses.add_instructor",
        "courses.change_instructor",
        "credits.add_board",
        "credits.change_board",
        "credits.add_creditcategory",
        "credits.change_creditcategory",
        "certificates.revoke_certificate",
        "credits.add_renewalrule",
        "credits.change_renewalrule",
        "credits.view_creditentry",
        "credits.review_creditentry",
        "credits.add_rosterbatch",
        "credits.view_rosterbatch",
        "credits.view_recordlookup",
        "payments.view_order",
        "payments.refund_order",
    ],
    # Regulators read licensees' records on the public site, for the one board their Regulator record names.
    REGULATORS: ["credits.audit_records"],
}


@transaction.atomic
def authoring_roles_setup(*, catalogue) -> Workflow:
    """Gives the Instructors and Reviewers groups their rights over the catalogue, and routes
    every course and lesson under it through the reviewers' approval before it goes live.

    Safe to run again: it adds what is missing and changes nothing else.
    """
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name in (INSTRUCTORS, REVIEWERS, REGULATORS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(_MODEL_PERMISSIONS[name]))
        for permission in _permissions(f"wagtailcore.{codename}" for codename in _PAGE_PERMISSIONS.get(name, ())):
            GroupPagePermission.objects.get_or_create(group=group, page=catalogue, permission=permission)
        for permission in _permissions(_MEDIA_PERMISSIONS.get(name, ())):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        groups[name] = group

    task, _ = GroupApprovalTask.objects.get_or_create(name="Reviewer approval")
    task.groups.add(groups[REVIEWERS])
    workflow, _ = Workflow.objects.get_or_create(name=COURSE_REVIEW_WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


def _permissions(labels) -> list[Permission]:
    """Permissions named "app_label.codename", failing loudly if one does not exist."""
    permissions = []
    for label in labels:
        app_label, codename = label.split(".")
        permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return permissions


class EnrollmentError(DomainError):
    """A reason, fit to show the practitioner, why they cannot enroll or study."""


def enrollment_create_free(*, user, course) -> Enrollment:
    """Enrols a practitioner in a free, published course. Enrolling twice changes nothing."""
    if not course.live:
        raise EnrollmentError("This course is not open for enrollment.")
    if not course.is_free:
        raise EnrollmentError("This course must be bought before you can study it.")
    if not email_is_verified(user=user):
        raise EnrollmentError("Confirm your email address first: we sent you a link when you signed up.")
    return enrollment_grant(user=user, course=course, source=EnrollmentSource.FREE, by=user)


@transaction.atomic
def enrollment_grant(*, user, course, source: str, by=None) -> Enrollment:
    """The practitioner's enrollment in the course, created (and recorded in the audit log, with who
    granted it) if they had none, or opened again where a refund had ended it; callers check that
    they may grant it."""
    enrollment, created = Enrollment.objects.get_or_create(user=user, course=course, defaults={"source": source})
    reopened = not created and bool(
        Enrollment.objects.filter(pk=enrollment.pk, access_ended_at__isnull=False).update(
            access_ended_at=None, source=source
        )
    )
    if created or reopened:
        enrollment.refresh_from_db()
        log(instance=enrollment, action="courses.enroll", user=by, data={"source": source, "course": course.pk})
    return enrollment


@transaction.atomic
def enrollment_access_end(*, user, course, by=None, reason: str) -> Enrollment | None:
    """Ends the practitioner's access to a course they have not completed (its payment was refunded),
    keeping the record and its progress. A completed course keeps its access and its certificate;
    it returns None then, and when there was no access to end, so that the caller can flag the case."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None or enrollment.completed_at is not None:
        return None
    if enrollment.access_ended_at is None:
        enrollment.access_ended_at = timezone.now()
        enrollment.save(update_fields=["access_ended_at"])
        log(instance=enrollment, action="courses.access_end", user=by, data={"course": course.pk, "reason": reason})
    return enrollment


def enrollment_final_test_pass(*, enrollment_id: int, passed_at) -> bool:
    """Records that the practitioner passed the course's final assessment; the first pass stands."""
    return bool(
        Enrollment.objects.filter(pk=enrollment_id, final_test_passed_at__isnull=True).update(
            final_test_passed_at=passed_at
        )
    )


def enrollment_completion_record(*, enrollment: Enrollment, completed_at) -> None:
    """Records the completion on the enrollment (once) and in the audit log. The certificates app
    calls it under the enrollment's lock, once the completion rule is met."""
    if enrollment.completed_at is not None:
        return
    enrollment.completed_at = completed_at
    enrollment.save(update_fields=["completed_at"])
    log(instance=enrollment, action="courses.complete", user=enrollment.user, data={"course": enrollment.course_id})


def enrollment_for_lesson(*, user, lesson) -> Enrollment:
    enrollment = (
        Enrollment.objects.with_access()
        .filter(user=user, course__in=CoursePage.objects.parent_of(lesson))
        .select_related("course")
        .first()
    )
    if enrollment is None:
        raise EnrollmentError("You are not enrolled in this lesson's course.")
    return enrollment


def lesson_complete(*, user, lesson) -> LessonProgress:
    """Marks a lesson complete for an enrolled practitioner; the first completion time stands."""
    enrollment = enrollment_for_lesson(user=user, lesson=lesson)
    progress, _ = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=timezone.now())
    progress.refresh_from_db()
    return progress


@transaction.atomic
def study_heartbeat_record(*, user, lesson, resuming: bool = False) -> LessonProgress:
    """Credits the study time since the practitioner's previous heartbeat to this lesson.

    Time is measured on the server's clock between consecutive accepted heartbeats, one clock per
    person: the credited total can never exceed the time that has passed, whatever the page sends.
    A heartbeat is accepted only if it moves the clock forward from the value it read, so replayed,
    flooded or parallel heartbeats (two tabs, two courses) earn the same interval once at most.
    The page sends a last heartbeat when it is hidden and a `resuming` one when it is shown again:
    the latter restarts the clock and earns nothing, so time spent on another tab is never credited.
    """
    enrollment = enrollment_for_lesson(user=user, lesson=lesson)
    now = timezone.now()
    clock, created = StudyClock.objects.get_or_create(user=user, defaults={"last_heartbeat_at": now})
    credited = 0
    if not created:
        moved = StudyClock.objects.filter(
            user=user, last_heartbeat_at=clock.last_heartbeat_at, last_heartbeat_at__lt=now
        ).update(last_heartbeat_at=now)
        elapsed = (now - clock.last_heartbeat_at).total_seconds()
        if moved and not resuming and elapsed <= HEARTBEAT_MAX_GAP:
            credited = int(elapsed)
    progress, _ = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if credited:
        LessonProgress.objects.filter(pk=progress.pk).update(study_seconds=F("study_seconds") + credited)
        progress.refresh_from_db()
    return progress


def course_evaluation_submit(*, user, course, answers: dict) -> CourseEvaluation:
    """Records the practitioner's evaluation once they have finished every lesson; once per enrolment."""
    enrollment = Enrollment.objects.with_access().filter(user=user, course=course).first()
    if enrollment is None:
        raise EnrollmentError("Only practitioners enrolled in this course can evaluate it.")
    if not course.evaluation_required:
        raise EnrollmentError("This course does not ask for an evaluation.")
    if CourseEvaluation.objects.filter(enrollment=enrollment).exists():
        raise EnrollmentError("You have already evaluated this course. Thank you.")
    if not selectors.course_finished(enrollment=enrollment):
        raise EnrollmentError("Finish every lesson of the course before evaluating it.")
    # Plain text, escaped when shown: markup is dropped, and "a & b <3" stays as typed.
    comments = strip_tags(answers.get("comments", "")).strip()
    try:
        with transaction.atomic():
            return CourseEvaluation.objects.create(
                enrollment=enrollment,
                comments=comments,
                **{name: answers[name] for name in CourseEvaluation.STATEMENTS},
            )
    except IntegrityError as error:  # the same evaluation sent twice at once
        raise EnrollmentError("You have already evaluated this course. Thank you.") from error


class PostError(DomainError):
    """Why a question or answer cannot be posted or hidden, fit to show the person."""


def lesson_question_ask(*, user, lesson, text: str) -> LessonPost:
    """An enrolled practitioner asks a question under a lesson."""
    try:
        enrollment_for_lesson(user=user, lesson=lesson)
    except EnrollmentError as error:
        raise PostError("Only practitioners enrolled in this course can ask questions here.") from error
    with transaction.atomic():
        question = LessonPost.objects.create(lesson=lesson, author=user, body_html=_post_body(text))
        _question_notify_instructors(question=question)
    return question


def _question_notify_instructors(*, question: LessonPost) -> None:
    """Emails each of the course's instructors with an account (those who may answer, see
    lesson_question_answer) the question and where to answer it, once the question is committed."""
    course = CoursePage.objects.parent_of(question.lesson).get()
    instructors = [
        instructor.user
        for instructor in course.instructors.select_related("user").exclude(user=None)
        if instructor.user.is_active and instructor.user.email and instructor.user.pk != question.author_id
    ]
    if not instructors:
        return
    answer_url = f"{base_url()}{question.lesson.get_url_parts()[2]}#questions"
    context = {
        "question": question,
        "course": course,
        "question_text": html.unescape(strip_tags(question.body_html)).strip(),
        "answer_url": answer_url,
    }
    messages = [
        EmailMessage(
            subject=one_line(f"A question on “{question.lesson.title}” ({course.title})"),
            body=render_to_string("courses/email/question_asked.txt", {**context, "instructor": instructor}),
            to=[instructor.email],
        )
        for instructor in instructors
    ]
    transaction.on_commit(lambda: get_connection().send_messages(messages))


def lesson_question_answer(*, user, question: LessonPost, text: str) -> LessonPost:
    """One of the course's instructors answers a question."""
    course = CoursePage.objects.parent_of(question.lesson).get()
    if question.question_id is not None or question.hidden_at is not None:
        raise PostError("That question cannot be answered.")
    if not course.instructors.filter(user=user).exists():
        raise PostError("Only the course's instructors can answer questions.")
    return LessonPost.objects.create(lesson=question.lesson, author=user, question=question, body_html=_post_body(text))


def lesson_post_hide(*, user, post: LessonPost, reason: str, skip_permission_checks: bool = False) -> LessonPost:
    """A reviewer hides a question or answer; the record stays, with who hid it, when and why."""
    if not skip_permission_checks:
        if not user.has_perm("courses.hide_lessonpost"):
            raise NotPermitted("Only reviewers can hide posts.")
        if not user_has_mfa(user=user):
            raise NotPermitted("Set up two-factor authentication before moderating posts.")
    if not reason.strip():
        raise PostError("Say why the post is hidden.")
    LessonPost.objects.filter(pk=post.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=user, hidden_reason=reason.strip()[:300]
    )
    post.refresh_from_db()
    return post


def _post_body(text: str) -> str:
    html = post_html(text)
    if not bleach.clean(html, tags=set(), strip=True).strip():
        raise PostError("Write your question or answer before posting it.")
    if len(html) > 10_000:
        raise PostError("Please keep posts under about 1,500 words.")
    return html
