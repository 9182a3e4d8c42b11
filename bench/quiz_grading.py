"""Grading a 50-question attempt, against a 5-question baseline in the same run.

    .venv/bin/python bench/quiz_grading.py [--questions 50] [--repeat 30]

Two figures per size: the pure grading function (`quizzes.grading.grade` on the attempt's
snapshot) and the whole HTTP round of an attempt (start, save the answers, submit), with each
request's query count, which must not grow with the number of questions.
"""

import argparse
import statistics
import time

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, Site

from courses.tests.factories import CourseIndexPageFactory, CoursePageFactory, EnrollmentFactory
from lms.tests.factories import HomePageFactory
from quizzes.forms import answers_from_post
from quizzes.grading import grade
from quizzes.models import QuizAttempt
from quizzes.presentation import graded_questions
from quizzes.tests.factories import QuizPageFactory, mixed_questions, right_answer_form


def timed(function, repeat):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def measure(course, size, repeat):
    quiz = QuizPageFactory(parent=course, kind="knowledge_check", questions=mixed_questions(size), slug=f"quiz-{size}")
    client = Client()
    client.force_login(EnrollmentFactory(course=course).user)
    client.get(quiz.url)
    steps = {"start": [], "save": [], "submit": []}
    urls = {"save": "quizzes:save", "submit": "certificates:submit_attempt"}
    queries = {}
    attempt = None
    for _ in range(repeat):
        for name in steps:
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                if name == "start":
                    client.post(reverse("quizzes:start", args=[quiz.pk]))
                    attempt = QuizAttempt.objects.filter(quiz=quiz).latest("number")
                    form = right_answer_form(attempt)
                else:
                    response = client.post(reverse(urls[name], args=[attempt.pk]), form)
                    assert response.status_code == 302, response.status_code
                steps[name].append(time.perf_counter() - begin)
            queries[name] = len(captured) - (1 if name == "start" else 0)  # less the bench's own lookup
    attempt.refresh_from_db()
    assert attempt.passed, "the bench's answers should all be right"
    query = QueryDict(mutable=True)
    for key, value in form.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    answers, questions = answers_from_post(query, attempt.questions), graded_questions(attempt.questions)
    grading = timed(lambda: grade(questions, answers, pass_mark_percent=attempt.pass_mark_percent), repeat * 10)
    return {
        "grade() alone": (grading * 1e6, "µs", None),
        **{f"{name} (HTTP)": (statistics.median(t) * 1000, "ms", queries[name]) for name, t in steps.items()},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=int, default=5)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-bench")
    Site.objects.update(root_page=home)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home))
    small = measure(course, args.baseline, args.repeat)
    large = measure(course, args.questions, args.repeat)

    print(f"{connection.vendor}, mixed question types, median of {args.repeat} attempts ({args.repeat * 10} gradings)")
    print(f"{'step':<16} {args.baseline:>4} questions {args.questions:>4} questions   ratio   queries")
    for name, (small_value, unit, small_queries) in small.items():
        large_value, _, large_queries = large[name]
        counted = "" if small_queries is None else f"   {small_queries} -> {large_queries}"
        print(
            f"{name:<16} {small_value:>9.1f} {unit:<2} {large_value:>11.1f} {unit:<2}"
            f"   {large_value / small_value:>5.2f}x{counted}"
        )


if __name__ == "__main__":
    main()
