"""The steps that may finish a course: completing a lesson, submitting the evaluation, submitting
(or running out of time on) the final assessment.

Each records its step and, when the step completes the course, the completion and its certificate,
in one transaction, as DESIGN asks. They live here, in the layer above courses and quizzes, because
only this layer may issue certificates; views, `close_expired_attempts` and the demo seeder call them
and never wire the completion rule by hand.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from courses import services as course_services
from courses.models import CourseEvaluation, LessonProgress
from quizzes import services as quiz_services
from quizzes.models import QuizAttempt

from .services import CompletionOutcome, completion_record


@dataclass(frozen=True)
class StepOutcome:
    """The step as recorded, and what it meant for the course's completion."""

    step: LessonProgress | CourseEvaluation | QuizAttempt
    completion: CompletionOutcome


def lesson_complete(*, user, lesson) -> StepOutcome:
    """Marks the lesson complete for an enrolled practitioner (EnrollmentError otherwise)."""
    with transaction.atomic():
        progress = course_services.lesson_complete(user=user, lesson=lesson)
        return StepOutcome(progress, completion_record(enrollment=progress.enrollment))


def course_evaluation_submit(*, user, course, answers: dict) -> StepOutcome:
    """Records the practitioner's evaluation of the course (EnrollmentError if they may not send one)."""
    with transaction.atomic():
        evaluation = course_services.course_evaluation_submit(user=user, course=course, answers=answers)
        return StepOutcome(evaluation, completion_record(enrollment=evaluation.enrollment))


def quiz_attempt_submit(*, attempt: QuizAttempt, answers: dict, now: datetime | None = None) -> StepOutcome:
    """Grades the attempt once (InvalidAnswer for answers it did not present); a passed final may complete."""
    with transaction.atomic():
        return _after_attempt(quiz_services.attempt_submit(attempt=attempt, answers=answers, now=now))


def quiz_attempt_close_if_expired(*, attempt: QuizAttempt, now: datetime | None = None) -> StepOutcome:
    """Grades an open attempt whose time ran out, as of its deadline, with the answers saved by then."""
    with transaction.atomic():
        return _after_attempt(quiz_services.attempt_close_if_expired(attempt=attempt, now=now))


def quiz_essays_grade(*, attempt: QuizAttempt, user, grades: dict) -> StepOutcome:
    """A grader scores the written answers of an attempt (quizzes.services.essay_grade checks who may); a
    final assessment passed by that grade may complete the course."""
    with transaction.atomic():
        return _after_attempt(quiz_services.essay_grade(attempt=attempt, user=user, grades=grades))


def _after_attempt(attempt: QuizAttempt) -> StepOutcome:
    if attempt.is_open or not (attempt.passed and attempt.quiz.is_final):
        return StepOutcome(attempt, CompletionOutcome())
    return StepOutcome(attempt, completion_record(enrollment=attempt.enrollment))
