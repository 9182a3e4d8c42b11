"""Median latency and query count of the public pages, small catalogue against large.

    .venv/bin/python bench/page_latency.py [--large 300] [--repeat 30]

The small catalogue is the baseline; the large one must cost the same number of queries and
about the same time per page, since a page never shows more than twelve courses.
"""

import argparse
import statistics
import time

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from accounts.tests.factories import UserFactory
from courses.models import Enrollment, EnrollmentSource
from courses.tests.factories import (
    CourseApprovalFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    TopicFactory,
    lesson_body,
)
from lms.tests.factories import HomePageFactory

LESSONS_PER_COURSE = 5
TOPICS = 8


def build_catalogue(courses: int):
    home = HomePageFactory(parent=Page.get_first_root_node(), slug=f"home-{courses}")
    Site.objects.update(root_page=home)
    catalogue = CourseIndexPageFactory(parent=home)
    add_courses(catalogue, courses)
    return catalogue


def add_courses(catalogue, count):
    # A real catalogue has a handful of topics, whatever its number of courses.
    topics = [TopicFactory(slug=f"topic-{number}", name=f"Topic {number}") for number in range(TOPICS)]
    for number in range(count):
        course = CoursePageFactory(parent=catalogue, topic=topics[number % TOPICS])
        CourseApprovalFactory(course=course)
        for _ in range(LESSONS_PER_COURSE):
            LessonPageFactory(parent=course, body=lesson_body(words_of_prose=2_000))


def measure(client, url, repeat):
    client.get(url)  # warm caches, create settings rows and renditions
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000, query_count


def pages_of(catalogue, reader):
    course = catalogue.get_children().live().specific().last()
    lesson = course.get_children().live().last()
    Enrollment.objects.get_or_create(user=reader, course=course, defaults={"source": EnrollmentSource.FREE})
    return {
        "healthz (floor)": "/healthz",
        "catalogue": catalogue.url,
        "catalogue search": f"{catalogue.url}?q=chronic",
        "course page": course.url,
        "lesson page (enrolled)": lesson.url,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=6)
    parser.add_argument("--large", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    reader = UserFactory(verified_email=True)
    client = Client()
    client.force_login(reader)
    catalogue = build_catalogue(args.small)
    small = {name: measure(client, url, args.repeat) for name, url in pages_of(catalogue, reader).items()}
    add_courses(catalogue, args.large - args.small)
    large = {name: measure(client, url, args.repeat) for name, url in pages_of(catalogue, reader).items()}

    print(f"{connection.vendor}, {LESSONS_PER_COURSE} lessons per course, median of {args.repeat} requests")
    print(f"{'page (logged in)':<22} {args.small:>5} courses {args.large:>5} courses   ratio   queries")
    for name in small:
        (small_ms, small_queries), (large_ms, large_queries) = small[name], large[name]
        print(
            f"{name:<22} {small_ms:>8.1f} ms {large_ms:>9.1f} ms   {large_ms / small_ms:>5.2f}x"
            f"   {small_queries} -> {large_queries}"
        )


if __name__ == "__main__":
    main()
