"""Median latency and query count of the public pages, small catalogue against large, and of the pages
that show a CE record, short record against long.

    .venv/bin/python bench/page_latency.py [--large 300] [--entries 500] [--repeat 30]

The small catalogue is the baseline; the large one must cost the same number of queries and
about the same time per page, since a page never shows more than twelve courses. The practitioner
holds three licenses (Florida, New York, NCBTMB, under the demo's rules); the dashboard and the
transcripts must cost the same number of queries with 5 ledger entries and with 500.
"""

import argparse
import datetime
import random
import statistics
import time
from decimal import Decimal

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from accounts.tests.factories import LicenceFactory, UserFactory
from courses.models import Enrollment, EnrollmentSource
from courses.tests.factories import (
    CourseApprovalFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    TopicFactory,
    lesson_body,
)
from credits.models import DeliveryType
from credits.tests.factories import BoardFactory, CreditCategoryFactory, CreditEntryFactory
from lms.demo import reference, renewal_rules
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


def licences_of(reader):
    """The demo's rules for every board, and the reader's Florida, New York and NCBTMB licenses."""
    boards = {code: BoardFactory(code=code) for code in renewal_rules.RULES}
    categories = {
        slug: CreditCategoryFactory(slug=slug, name=name)
        for slug, name in [*reference.CREDIT_CATEGORIES, *renewal_rules.RULE_CATEGORIES]
    }
    renewal_rules.renewal_rules_seed(boards=boards, categories=categories)
    today = datetime.date.today()
    licences = [
        LicenceFactory(user=reader, board=boards[code], expires_on=today + datetime.timedelta(days=days))
        for code, days in [("FL", 270), ("NY", 540), ("NCBTMB", 480)]
    ]
    return licences, boards, list(categories.values())


def add_entries(reader, count, boards, categories, pick):
    """Courses completed over three years, each approved by one of the three boards, in one or two categories."""
    today = datetime.date.today()
    for _ in range(count):
        CreditEntryFactory(
            earned=True,
            user=reader,
            board=boards[pick.choice(["FL", "NY", "NCBTMB"])],
            hours=Decimal(pick.choice(["1", "1.5", "2", "3"])),
            delivery=pick.choice([DeliveryType.HOME_STUDY, DeliveryType.LIVE]),
            completed_on=today - datetime.timedelta(days=pick.randrange(3 * 365)),
            categories=pick.sample(categories, pick.choice([1, 2])),
        )


def record_pages(licences):
    return {
        "dashboard": "/learn/",
        "transcript, in full": "/transcript/",
        "transcript, Florida": f"/transcript/{licences[0].pk}/",
    }


def print_table(title, small_label, large_label, small, large):
    print(f"{title:<22} {small_label:>13} {large_label:>15}   ratio   queries")
    for name in small:
        (small_ms, small_queries), (large_ms, large_queries) = small[name], large[name]
        print(
            f"{name:<22} {small_ms:>10.1f} ms {large_ms:>12.1f} ms   {large_ms / small_ms:>5.2f}x"
            f"   {small_queries} -> {large_queries}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=6)
    parser.add_argument("--large", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--few-entries", type=int, default=5)
    parser.add_argument("--entries", type=int, default=500)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    reader = UserFactory(verified_email=True)
    client = Client()
    client.force_login(reader)
    catalogue = build_catalogue(args.small)
    small = {name: measure(client, url, args.repeat) for name, url in pages_of(catalogue, reader).items()}
    add_courses(catalogue, args.large - args.small)
    large = {name: measure(client, url, args.repeat) for name, url in pages_of(catalogue, reader).items()}

    licences, boards, categories = licences_of(reader)
    pick = random.Random(11)
    add_entries(reader, args.few_entries, boards, categories, pick)
    short = {name: measure(client, url, args.repeat) for name, url in record_pages(licences).items()}
    add_entries(reader, args.entries - args.few_entries, boards, categories, pick)
    long = {name: measure(client, url, args.repeat) for name, url in record_pages(licences).items()}

    print(f"{connection.vendor}, {LESSONS_PER_COURSE} lessons per course, median of {args.repeat} requests")
    print_table("page (logged in)", f"{args.small} courses", f"{args.large} courses", small, large)
    print(f"\nthe same practitioner, 3 licenses, {args.large} courses")
    print_table("CE record page", f"{args.few_entries} entries", f"{args.entries} entries", short, long)


if __name__ == "__main__":
    main()
