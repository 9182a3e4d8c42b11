"""Reads for the quiz pages: where a practitioner stands with a quiz, and attempts shaped for display.

What reaches a template before submission is built here from the snapshot without the right
answers, the per-choice feedback or the explanations, so that no template can leak them.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from courses.models import Enrollment
from courses.permissions import page_permission_policy, user_is_course_staff
from courses.selectors import course_lessons, course_progress

from .grading import (
    ESSAY_MAX_CHARS,
    SHORT_ANSWER_MAX_CHARS,
    TYPED_KINDS,
    QuestionKind,
    best_matching_answer,
)
from .models import AnswerReveal, QuizAttempt, QuizPage
from .presentation import every_question, graded_question, short_answer_example

QUESTION_IMAGE_FILTER = "max-800x600"


@dataclass
class QuizStanding:
    """What the quiz's rules allow a practitioner, given their attempts so far (ordered by number)."""

    quiz: QuizPage
    attempts: list
    now: datetime
    final_passed: bool = False  # the enrolment records a passed final assessment

    @cached_property
    def submitted(self) -> list:
        return [attempt for attempt in self.attempts if not attempt.is_open]

    @property
    def open_attempt(self):
        return next((attempt for attempt in self.attempts if attempt.is_open), None)

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.submitted)

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.max_attempts is None:
            return None
        return max(self.quiz.max_attempts - len(self.submitted), 0)

    @property
    def next_opens_at(self) -> datetime | None:
        if not self.submitted or not self.quiz.wait_minutes:
            return None
        opens_at = self.submitted[-1].submitted_at + timedelta(minutes=self.quiz.wait_minutes)
        return opens_at if opens_at > self.now else None

    @property
    def refusal(self) -> str | None:
        """Why no new attempt may start now, or None."""
        if self.quiz.is_final and self.final_passed:
            return "You have passed this assessment."
        if self.attempts_left == 0:
            return f"You have used all {self.quiz.max_attempts} attempts at this quiz."
        if self.next_opens_at:
            return f"Your next attempt opens {opens_phrase(self.next_opens_at)}."
        return None

    @property
    def no_attempts_remain(self) -> bool:
        return self.attempts_left == 0 or (self.quiz.is_final and self.final_passed)

    @property
    def answers_revealed(self) -> bool:
        """Whether submitted attempts may now show the right answers, feedback and explanations."""
        return {
            AnswerReveal.AFTER_EACH_ATTEMPT: True,
            AnswerReveal.AFTER_PASSING: self.passed,
            AnswerReveal.AFTER_LAST_ATTEMPT: self.no_attempts_remain,
            AnswerReveal.NEVER: False,
        }[self.quiz.reveal]


def opens_phrase(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"on {local:%B} {local.day}, {local:%Y at %H:%M %Z}"


def quiz_overview(*, quiz: QuizPage, user) -> dict:
    """The quiz page's context: its rules, and this practitioner's attempts and what they may do next."""
    enrollment = (
        Enrollment.objects.with_access()
        .select_related("course")
        .filter(user=user, course__path=quiz.path[: -QuizPage.steplen])
        .first()
        if user.is_authenticated and quiz.pk
        else None
    )
    attempts = (
        list(QuizAttempt.objects.filter(quiz=quiz, enrollment=enrollment).order_by("number")) if enrollment else []
    )
    standing = QuizStanding(
        quiz=quiz,
        attempts=attempts,
        now=timezone.now(),
        final_passed=bool(enrollment and enrollment.final_test_passed_at),
    )
    return {
        "course": quiz.get_parent(),
        "enrollment": enrollment,
        "standing": standing,
        "attempts": standing.submitted,
        "question_count": quiz.question_count,
        "partial_credit": _any_partial_credit(quiz.questions),
        "graded_by_instructors": _any_essay(quiz.questions),
        "course_unfinished": _course_unfinished(quiz=quiz, standing=standing, enrollment=enrollment),
    }


def _course_unfinished(*, quiz: QuizPage, standing: QuizStanding, enrollment) -> str | None:
    """What the course still asks before its final assessment would complete it. Taking the final early
    is allowed (boards do not forbid it), so this is a warning, not a refusal."""
    if not quiz.is_final or enrollment is None or standing.open_attempt or standing.refusal:
        return None
    course = enrollment.course
    progress = course_progress(enrollment=enrollment, lessons=course_lessons(course=course))
    lessons_left = len(progress.lessons) - progress.completed_count
    minutes_left = course.min_study_minutes - progress.study_minutes
    left = []
    if lessons_left > 0:
        left.append(f"{_count(lessons_left, 'lesson')} to complete")
    if minutes_left > 0:
        left.append(f"{_count(minutes_left, 'minute')} of study time to go")
    if not left:
        return None
    return (
        f"You still have {' and '.join(left)}. You may take the final assessment now, but its questions cover "
        "every lesson, and the course is complete only once the lessons and the study time are done too."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _any_partial_credit(stream) -> bool:
    for block in stream:
        children = block.value["questions"] if block.block_type == "pool" else [block]
        if any(child.value.get("partial_credit") for child in children):
            return True
    return False


def _any_essay(stream) -> bool:
    return any(
        block.block_type == "essay"
        or (block.block_type == "pool" and any(child.block_type == "essay" for child in block.value["questions"]))
        for block in stream
    )


def attempt_for(*, user, pk: int) -> QuizAttempt | None:
    """The attempt `pk` if it is this practitioner's own, in a course they still have access to (a refund
    ends it, with any attempt still open)."""
    return (
        QuizAttempt.objects.select_related("quiz", "enrollment")
        .filter(pk=pk, enrollment__user=user, enrollment__access_ended_at__isnull=True)
        .first()
    )


def attempt_detail(*, attempt: QuizAttempt) -> dict:
    """An attempt to answer or to read back, with only what the reveal rule allows."""
    standing = None
    if not attempt.is_open:
        attempts = list(QuizAttempt.objects.filter(quiz=attempt.quiz, enrollment=attempt.enrollment).order_by("number"))
        standing = QuizStanding(
            quiz=attempt.quiz,
            attempts=attempts,
            now=timezone.now(),
            final_passed=attempt.enrollment.final_test_passed_at is not None,
        )
    reveal = bool(standing and standing.answers_revealed)
    # Which questions earned full points says nothing of what their right answers are.
    marked = reveal or bool(standing and attempt.quiz.mark_wrong_questions)
    questions = [
        question_for_display(
            question,
            number=number,
            answer=attempt.answers.get(question["key"]),
            # Through our own view: a rendition's address carries the file's name, which may name the answer.
            image_url=reverse("quizzes:question_image", args=[attempt.pk, question["key"]])
            if question["image_id"]
            else None,
            reveal=reveal,
            # A question's own score would tell which answers were right: shown only with the answers.
            score=attempt.question_scores.get(question["key"]) if reveal else None,
            essay_grade=attempt.essay_grades.get(question["key"]),
            outcome=_outcome(question, attempt) if marked else None,
        )
        for number, question in numbered(attempt.questions)
    ]
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "standing": standing,
        "revealed": reveal,
        "questions": questions,
        "not_full_marks": [
            str(question["number"]) for question in questions if question["outcome"] in ("partly", "wrong")
        ],
        "next_page": next_in_course(attempt.quiz) if attempt.passed and not attempt.quiz.is_final else None,
    }


GRADING_QUEUE_LENGTH = 200


def may_grade(*, user, attempt: QuizAttempt) -> bool:
    """The course's instructors, and those who may edit it, grade its written answers; never their own."""
    return attempt.enrollment.user_id != user.pk and user_is_course_staff(user=user, course=attempt.enrollment.course)


def attempts_awaiting_grading(*, user) -> list[QuizAttempt]:
    """Submitted attempts whose written answers wait for a grader, oldest first, in the courses the user
    may grade (quizzes.services.may_grade, asked once per course)."""
    attempts = list(
        QuizAttempt.objects.filter(submitted_at__isnull=False, passed__isnull=True)
        .select_related("quiz", "enrollment__user", "enrollment__course")
        .order_by("submitted_at")[:GRADING_QUEUE_LENGTH]
    )
    grades_course = {}
    for attempt in attempts:
        if attempt.enrollment.course_id not in grades_course:
            grades_course[attempt.enrollment.course_id] = user_is_course_staff(
                user=user, course=attempt.enrollment.course
            )
    own = user.pk
    return [
        attempt
        for attempt in attempts
        if grades_course[attempt.enrollment.course_id] and attempt.enrollment.user_id != own
    ]


def grades_any_course(*, user) -> bool:
    """Whether to offer the grading queue: to those who hold page rights (instructors, reviewers), from
    the user's cached permissions."""
    return user.is_authenticated and page_permission_policy().user_has_any_permission(user, {"add", "change"})


def essays_to_grade(*, attempt: QuizAttempt) -> list[dict]:
    """Each written answer of the attempt beside its question and the guidance its graders were given."""
    return [
        {
            "key": question["key"],
            "number": number,
            "prompt": question["prompt"],
            "grader_info": question.get("grader_info", ""),
            "points": Decimal(question["points"]),
            "response": attempt.answers.get(question["key"], ""),
        }
        for number, question in numbered(attempt.questions)
        if question["kind"] == QuestionKind.ESSAY
    ]


def _outcome(question: dict, attempt: QuizAttempt) -> str | None:
    """ "right", "partly" or "wrong" for a graded question; None for a description or an essay still to grade."""
    score = attempt.question_scores.get(question["key"])
    if question["kind"] == QuestionKind.DESCRIPTION or score is None:
        return None
    score, points = Decimal(score), Decimal(question["points"])
    return "right" if score >= points else "partly" if score > 0 else "wrong"


def next_in_course(page):
    """The live lesson or quiz after `page` in its course's syllabus, if any."""
    return Page.objects.sibling_of(page).live().filter(path__gt=page.path).order_by("path").first()


def quiz_preview(*, quiz: QuizPage) -> dict:
    """Every question with its answers, for editors."""
    questions = every_question(quiz.questions, rng=random.SystemRandom())
    images = _images_for(questions)
    return {
        "page": quiz,
        "self": quiz,
        "question_count": quiz.question_count,
        "questions": [
            question_for_display(
                question,
                number=number,
                answer=None,
                image_url=images[question["image_id"]].get_rendition(QUESTION_IMAGE_FILTER).url
                if question["image_id"] in images
                else None,
                reveal=True,
                score=None,
            )
            | answers_for_editors(question)
            for number, question in numbered(questions)
        ],
    }


def answers_for_editors(question: dict) -> dict:
    """What the preview adds for editors, and an attempt never shows: every accepted answer of a typed
    question as written, with its weight and feedback, and an essay's guidance for its graders."""
    if question["kind"] == QuestionKind.ESSAY:
        return {"grader_info": question.get("grader_info", "")}
    if question["kind"] not in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL):
        return {}
    return {
        "editor_answers": [
            {"text": _as_written(question, answer), "weight": Decimal(answer["weight"]), "feedback": answer["feedback"]}
            for answer in question["answers"]
        ]
    }


def _as_written(question: dict, answer: dict) -> str:
    if question["kind"] == QuestionKind.SHORT_ANSWER:
        return answer["text"]
    return "Any other number" if answer["value"] is None else _number_with_tolerance(answer)


def numbered(questions: list[dict]):
    """Each question with its number as the practitioner counts them; a description, which asks nothing,
    gets none."""
    number = 0
    for question in questions:
        if question["kind"] == QuestionKind.DESCRIPTION:
            yield None, question
        else:
            number += 1
            yield number, question


def question_image(*, attempt: QuizAttempt, question_key: str):
    """The rendition of a question's image, if the question is part of the attempt and has one."""
    image_id = next((q["image_id"] for q in attempt.questions if q["key"] == question_key), None)
    image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
    return image.get_rendition(QUESTION_IMAGE_FILTER) if image else None


def _images_for(questions) -> dict:
    ids = {question["image_id"] for question in questions if question["image_id"]}
    if not ids:
        return {}
    images = get_image_model().objects.filter(pk__in=ids).prefetch_renditions(QUESTION_IMAGE_FILTER)
    return {image.pk: image for image in images}


def question_for_display(
    question: dict,
    *,
    number: int | None,
    answer,
    image_url,
    reveal: bool,
    score,
    essay_grade: dict | None = None,
    outcome: str | None = None,
) -> dict:
    """A presented question as a template may show it: right answers and feedback only if `reveal`.
    A description has no `number`: it asks nothing. An essay's grade and its grader's comment are the
    practitioner's to read once given."""
    kind = question["kind"]
    chosen = set(answer) if isinstance(answer, list) else {answer} if isinstance(answer, str) else set()
    matched = answer if isinstance(answer, dict) else {}
    rights = {pair["right_key"]: pair["right"] for pair in question["pairs"]}
    rights.update((item["key"], item["text"]) for item in question.get("distractors", []))
    shown = {
        "number": number,
        "key": question["key"],
        "kind": kind,
        "multiple": kind == QuestionKind.MULTIPLE,
        "matching": kind == QuestionKind.MATCHING,
        "typed": kind in TYPED_KINDS,
        "essay": kind == QuestionKind.ESSAY,
        "description": kind == QuestionKind.DESCRIPTION,
        "max_length": ESSAY_MAX_CHARS if kind == QuestionKind.ESSAY else SHORT_ANSWER_MAX_CHARS,
        "prompt": question["prompt"],
        "image_url": image_url,
        "image_alt": question["image_alt"],
        "points": question["points"],
        "score": score,
        "outcome": outcome,
        "response": answer if kind in TYPED_KINDS and isinstance(answer, str) else "",
        "essay_grade": {"score": Decimal(essay_grade["score"]), "comment": essay_grade["comment"]}
        if essay_grade
        else None,
        "choices": [
            {"key": choice["key"], "text": choice["text"], "chosen": choice["key"] in chosen}
            for choice in question["choices"]
        ],
        "left_items": [
            {"key": pair["left_key"], "text": pair["left"], "chosen": matched.get(pair["left_key"], "")}
            for pair in question["pairs"]
        ],
        "right_options": [{"key": key, "text": rights[key]} for key in question.get("right_order", [])],
    }
    if reveal:
        for shown_choice, choice in zip(shown["choices"], question["choices"], strict=True):
            shown_choice.update(correct=choice["correct"], feedback=choice["feedback"])
        for item, pair in zip(shown["left_items"], question["pairs"], strict=True):
            item.update(correct=pair["right"], chosen_text=rights.get(item["chosen"], ""))
        shown["explanation"] = question["explanation"]
        if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL):
            shown.update(typed_answer_reveal(question, shown["response"]))
    else:
        for item in shown["left_items"]:
            item["chosen_text"] = rights.get(item["chosen"], "")
    return shown


def typed_answer_reveal(question: dict, response: str) -> dict:
    """The answers that earn full marks, as a practitioner reads them, and the feedback of the best
    accepted answer the response matched."""
    graded = graded_question(question)
    full_marks = [answer for answer in question["answers"] if Decimal(answer["weight"]) == 100]
    if question["kind"] == QuestionKind.NUMERICAL:
        accepted = [_number_with_tolerance(answer) for answer in full_marks]
    else:
        accepted = [short_answer_example(answer_question) for answer_question in _one_answer_each(question, full_marks)]
    matched = best_matching_answer(graded, response) if response else None
    return {
        "accepted": accepted,
        "response_feedback": question["answers"][matched]["feedback"] if matched is not None else "",
    }


def _one_answer_each(question: dict, answers: list[dict]) -> list[dict]:
    return [{**question, "answers": [answer]} for answer in answers]


def _number_with_tolerance(answer: dict) -> str:
    value, tolerance = Decimal(answer["value"]).normalize(), Decimal(answer["tolerance"]).normalize()
    return f"{value:f}" if not tolerance else f"{value:f} (± {tolerance:f})"
