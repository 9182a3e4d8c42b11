"""Study time that stands up in an audit: credited only as fast as the clock runs, and only while studying."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.urls import reverse

from courses.models import LessonProgress
from courses.models.learning import HEARTBEAT_INTERVAL, HEARTBEAT_MAX_GAP
from courses.services import study_heartbeat_record

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory

START = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def enrollment(catalogue):
    course = CoursePageFactory(parent=catalogue, min_study_minutes=100)
    LessonPageFactory(parent=course, title="Fascia")
    LessonPageFactory(parent=course, title="Screening")
    return EnrollmentFactory(course=course)


def lessons_of(enrollment):
    return list(enrollment.course.get_children().specific())


def studied_seconds(enrollment) -> int:
    return sum(LessonProgress.objects.filter(enrollment=enrollment).values_list("study_seconds", flat=True))


def beat(client, lesson):
    return client.post(reverse("courses:heartbeat", args=[lesson.pk]))


def test_time_between_heartbeats_is_credited_to_the_lesson(client, enrollment):
    lesson = lessons_of(enrollment)[0]
    client.force_login(enrollment.user)
    with time_machine.travel(START, tick=False) as clock:
        assert beat(client, lesson).json()["lesson_seconds"] == 0  # the first heartbeat starts the clock
        clock.shift(HEARTBEAT_INTERVAL)
        answer = beat(client, lesson).json()
        clock.shift(HEARTBEAT_INTERVAL)
        beat(client, lesson)

    assert answer == {"lesson_seconds": 30, "course_minutes": 0, "required_minutes": 100}
    assert studied_seconds(enrollment) == 2 * HEARTBEAT_INTERVAL


def test_a_long_silence_while_the_page_was_hidden_or_idle_earns_nothing(client, enrollment):
    lesson = lessons_of(enrollment)[0]
    client.force_login(enrollment.user)
    with time_machine.travel(START, tick=False) as clock:
        beat(client, lesson)
        clock.shift(HEARTBEAT_MAX_GAP + 1)
        beat(client, lesson)
        clock.shift(20)
        beat(client, lesson)

    assert studied_seconds(enrollment) == 20


def test_a_flood_of_replayed_heartbeats_earns_nothing_more_than_the_clock(client, enrollment):
    lesson = lessons_of(enrollment)[0]
    client.force_login(enrollment.user)
    with time_machine.travel(START, tick=False) as clock:
        beat(client, lesson)
        clock.shift(10)
        for _ in range(50):
            beat(client, lesson)

    assert studied_seconds(enrollment) == 10


def test_two_lessons_open_at_once_share_one_clock(client, enrollment):
    first, second = lessons_of(enrollment)
    client.force_login(enrollment.user)
    with time_machine.travel(START, tick=False) as clock:
        beat(client, first)
        beat(client, second)
        for _ in range(4):
            clock.shift(15)
            beat(client, first)
            beat(client, second)

    assert studied_seconds(enrollment) == 60


def test_credited_time_never_exceeds_the_time_that_has_passed(client, enrollment):
    first, second = lessons_of(enrollment)
    client.force_login(enrollment.user)
    gaps = [0, 3, 29, 30, 44, 45, 46, 300, 1, 0, 17, 45, 90, 12]
    with time_machine.travel(START, tick=False) as clock:
        for number, gap in enumerate(gaps):
            clock.shift(gap)
            beat(client, first if number % 2 else second)

    credited = studied_seconds(enrollment)
    assert credited <= sum(gaps[1:])
    assert credited == sum(gap for gap in gaps[1:] if gap <= HEARTBEAT_MAX_GAP)


def test_heartbeats_for_a_lesson_one_is_not_enrolled_in_add_nothing(client, catalogue, enrollment):
    other_lesson = LessonPageFactory(parent=CoursePageFactory(parent=catalogue))
    client.force_login(enrollment.user)

    response = beat(client, other_lesson)

    assert response.status_code == 404
    assert response.json() == {"error": "You are not enrolled in this lesson's course."}
    assert not LessonProgress.objects.exists()


def test_heartbeats_need_a_login_and_a_post(client, enrollment):
    lesson = lessons_of(enrollment)[0]

    assert beat(client, lesson).status_code == 403
    client.force_login(enrollment.user)
    assert client.get(reverse("courses:heartbeat", args=[lesson.pk])).status_code == 405
    assert beat(client, type(lesson)(pk=987654)).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_heartbeats_credit_the_interval_once(enrollment):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; row-level races need PostgreSQL")
    lesson = lessons_of(enrollment)[0]
    with time_machine.travel(START, tick=False) as clock:
        study_heartbeat_record(user=enrollment.user, lesson=lesson)
        clock.shift(HEARTBEAT_INTERVAL)
        barrier = threading.Barrier(8)

        def send():
            barrier.wait()
            try:
                study_heartbeat_record(user=enrollment.user, lesson=lesson)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert studied_seconds(enrollment) == HEARTBEAT_INTERVAL


def test_returning_to_a_hidden_tab_credits_nothing_for_the_time_away(client, enrollment):
    lesson = lessons_of(enrollment)[0]
    client.force_login(enrollment.user)
    with time_machine.travel(START, tick=False) as clock:
        client.post(reverse("courses:heartbeat", args=[lesson.pk]), {"resume": "1"})  # the page opens
        clock.shift(30)
        beat(client, lesson)  # a regular heartbeat: 30 s of reading
        clock.shift(10)
        beat(client, lesson)  # the last heartbeat as the tab is hidden: 10 s more
        clock.shift(35)
        client.post(reverse("courses:heartbeat", args=[lesson.pk]), {"resume": "1"})  # shown again
        clock.shift(30)
        beat(client, lesson)

    assert studied_seconds(enrollment) == 30 + 10 + 30
