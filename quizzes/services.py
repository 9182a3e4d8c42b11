"""Starting, saving and submitting quiz attempts, each in one transaction.

Time is the server's. An attempt with a time limit takes answers until its deadline plus a short
grace (for the network); after that it is graded as of the deadline, with the answers saved by then.
"""

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.log_actions import log

from courses.models import Enrollment
from courses.permissions import user_is_course_staff
from courses.services import enrollment_final_test_pass
from lms.errors import DomainError, NotPermitted

from . import gift, selectors, tasks
from .forms import BOARD_ASSESSMENT_MIN_OPTIONS, options_short_for_board
from .grading import QuestionKind, grade, validate_answers
from .models import QuizAttempt, QuizPage
from .presentation import graded_questions, present_questions

SUBMISSION_GRACE = timedelta(seconds=30)
TIME_IS_UP = "Time is up: the attempt was graded with the answers saved before the time limit."


class AttemptError(DomainError):
    """Why an attempt cannot be started, saved or submitted, in words for the practitioner."""


def attempt_start(
    *, quiz: QuizPage, user, now: datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """The practitioner's open attempt at the quiz, or a new one if the quiz's rules allow it."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locking the enrolment serialises one practitioner's starts (two tabs, a double click).
        enrollment = (
            Enrollment.objects.with_access()
            .select_for_update(of=("self",))
            .select_related("course")
            .filter(user=user, course__path=quiz.path[: -QuizPage.steplen])
            .first()
        )
        if enrollment is None:
            raise AttemptError("Enroll in the course to take its quizzes.")
        if user_is_course_staff(user=user, course=enrollment.course):
            raise NotPermitted("You teach or edit this course, so you cannot take its assessments.")
        attempts = list(QuizAttempt.objects.filter(quiz=quiz, enrollment=enrollment).order_by("number"))
        open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
        if open_attempt is not None:
            if not _past_deadline(open_attempt, now):
                return open_attempt
            _close_at_deadline(open_attempt)
            open_attempt.refresh_from_db()
            enrollment.refresh_from_db()
        standing = selectors.QuizStanding(
            quiz=quiz, attempts=attempts, now=now, final_passed=enrollment.final_test_passed_at is not None
        )
        if standing.refusal:
            raise AttemptError(standing.refusal)
        seen = {question["key"] for attempt in attempts for question in attempt.questions}
        try:
            with transaction.atomic():
                return QuizAttempt.objects.create(
                    quiz=quiz,
                    enrollment=enrollment,
                    number=len(attempts) + 1,
                    questions=present_questions(
                        quiz.questions,
                        rng=rng or random.SystemRandom(),
                        seen_keys=seen,
                        shuffle_questions=quiz.shuffle_questions,
                        shuffle_choices=quiz.shuffle_choices,
                    ),
                    pass_mark_percent=quiz.pass_mark_percent,
                    started_at=now,
                    deadline=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
                )
        except IntegrityError:
            # Another request started the attempt between our read and our write.
            return QuizAttempt.objects.get(quiz=quiz, enrollment=enrollment, submitted_at__isnull=True)


def attempt_save(*, attempt: QuizAttempt, answers: dict, now: datetime | None = None) -> QuizAttempt:
    """Stores the answers given so far, replacing those saved before; InvalidAnswer if any names a
    question or choice the attempt did not present, and then nothing is saved."""
    now = now or timezone.now()
    validate_answers(graded_questions(attempt.questions), answers)
    if attempt.is_open and _past_deadline(attempt, now):
        attempt_close_if_expired(attempt=attempt, now=now)
        raise AttemptError(TIME_IS_UP)
    saved = QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        answers=answers, answers_saved_at=now
    )
    if not saved:
        raise AttemptError("This attempt has already been submitted.")
    attempt.answers, attempt.answers_saved_at = answers, now
    return attempt


def attempt_submit(*, attempt: QuizAttempt, answers: dict, now: datetime | None = None) -> QuizAttempt:
    """Grades the attempt once, however often it is submitted; a late submission counts as of the deadline."""
    now = now or timezone.now()
    validate_answers(graded_questions(attempt.questions), answers)
    with transaction.atomic():
        if _past_deadline(attempt, now):
            _close_at_deadline(attempt)
        else:
            _close(attempt, answers=answers, submitted_at=now, timed_out=False)
    attempt.refresh_from_db()
    return attempt


def attempt_close_if_expired(*, attempt: QuizAttempt, now: datetime | None = None) -> QuizAttempt:
    """Grades an open attempt whose time ran out, as of its deadline (for an attempt left unsubmitted)."""
    if attempt.is_open and _past_deadline(attempt, now or timezone.now()):
        with transaction.atomic():
            _close_at_deadline(attempt)
        attempt.refresh_from_db()
    return attempt


def _past_deadline(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + SUBMISSION_GRACE


def _close_at_deadline(attempt: QuizAttempt) -> None:
    stored = QuizAttempt.objects.values_list("answers", flat=True).get(pk=attempt.pk)
    _close(attempt, answers=stored, submitted_at=attempt.deadline, timed_out=True)


def _close(attempt: QuizAttempt, *, answers: dict, submitted_at: datetime, timed_out: bool) -> None:
    result = grade(graded_questions(attempt.questions), answers, pass_mark_percent=attempt.pass_mark_percent)
    # Only the request whose update finds the attempt still open grades it: a second submission,
    # from another tab or a replay, changes nothing.
    graded = QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        answers=answers,
        submitted_at=submitted_at,
        timed_out=timed_out,
        score=result.score,
        max_score=result.max_score,
        percent=result.percent,
        passed=result.passed,
        question_scores={key: str(score) for key, score in result.question_scores.items()},
    )
    if graded and result.passed and attempt.quiz.is_final:
        enrollment_final_test_pass(enrollment_id=attempt.enrollment_id, passed_at=submitted_at)


class GradingError(DomainError):
    """Why the written answers of an attempt cannot be graded as given, in words for the grader."""


NOT_A_GRADER = "Only the course's instructors and reviewers grade its written answers."


def essay_grade(*, attempt: QuizAttempt, user, grades: Mapping[str, tuple[Decimal, str]], now=None) -> QuizAttempt:
    """Scores every essay of a submitted attempt (`grades`: question key -> score, comment) and grades the
    attempt whole, once. Only the course's staff may grade, never the practitioner themself."""
    now = now or timezone.now()
    if not selectors.may_grade(user=user, attempt=attempt):
        raise NotPermitted(NOT_A_GRADER)
    if not attempt.awaits_grading:
        raise GradingError("This attempt is not waiting for grading: its written answers have been graded.")
    essays = {question["key"]: question for question in attempt.questions if question["kind"] == QuestionKind.ESSAY}
    if set(grades) != set(essays):
        raise GradingError("Give every written answer of the attempt a score.")
    for key, (score, _comment) in grades.items():
        points = Decimal(essays[key]["points"])
        if not Decimal(0) <= score <= points:
            raise GradingError(f"A score must lie between 0 and the question's {points.normalize():f} points.")
    result = grade(
        graded_questions(attempt.questions),
        attempt.answers,
        pass_mark_percent=attempt.pass_mark_percent,
        essay_scores={key: score for key, (score, _comment) in grades.items()},
    )
    with transaction.atomic():
        # The condition makes a second grader's form, sent at the same moment, change nothing.
        graded = QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=False, passed__isnull=True).update(
            score=result.score,
            max_score=result.max_score,
            percent=result.percent,
            passed=result.passed,
            question_scores={key: str(score) for key, score in result.question_scores.items()},
            essay_grades={
                key: {"score": str(score), "comment": comment, "grader_id": user.pk, "graded_at": now.isoformat()}
                for key, (score, comment) in grades.items()
            },
        )
        if not graded:
            raise GradingError("Another grader has just graded this attempt.")
        if result.passed and attempt.quiz.is_final:
            # The assessment is passed when its grade is known, which is when the course may complete.
            enrollment_final_test_pass(enrollment_id=attempt.enrollment_id, passed_at=now)
        log(instance=attempt, action="quizzes.essay_grade", user=user, data={"passed": result.passed})
        transaction.on_commit(lambda: tasks.attempt_graded_email_send.enqueue(attempt.pk))
    attempt.refresh_from_db()
    return attempt


def quiz_questions_import_report(*, quiz: QuizPage, user, text: str, skip_permission_checks: bool = False):
    """What importing GIFT `text` into the quiz's latest draft would do, saving nothing: the questions
    that can be imported and each refused one with its line and reason (a final assessment's rules
    included), for the instructor to confirm."""
    if not skip_permission_checks and not quiz.permissions_for_user(user).can_edit():
        raise NotPermitted("Only the course's instructors and reviewers can import questions into this quiz.")
    report = gift.read(text)
    if quiz.get_latest_revision_as_object().is_final:
        # Checked as the blocks they would become, which is how the editor checks them.
        blocks = StreamValue(QuizPage.questions.field.stream_block, report.questions)
        for index in sorted(options_short_for_board(blocks), reverse=True):
            report.refuse(
                index, f"A final assessment needs at least {BOARD_ASSESSMENT_MIN_OPTIONS} options per choice question."
            )
    return report


def quiz_questions_import(
    *, quiz: QuizPage, user, text: str, accept_refusals: bool = False, skip_permission_checks: bool = False
) -> int:
    """Adds the importable questions of GIFT `text` to a new draft of the quiz and returns how many.
    Nothing is saved while questions are refused, unless the instructor has seen the refusals and
    accepts them (`accept_refusals`); GiftError lists the reasons (a bad line, a lock, no question)."""
    report = quiz_questions_import_report(
        quiz=quiz, user=user, text=text, skip_permission_checks=skip_permission_checks
    )
    lock = quiz.get_lock()
    if lock is not None and lock.for_user(user):
        raise gift.GiftError([str(lock.get_message(user) or "The quiz is locked.")])
    if report.refused and not (accept_refusals and report.imported):
        raise gift.GiftError(report.messages)
    draft = quiz.get_latest_revision_as_object()
    draft.questions.extend(report.questions)
    draft.save_revision(user=user, log_action=True)
    return len(report.imported)
