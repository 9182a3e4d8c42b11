"""Fulfilment under real concurrency: the success page and the webhook, or two deliveries of one event,
arriving at the same moment on separate database connections, still enroll once.

These run on PostgreSQL (row locks and a unique index doing the work) and on SQLite, on a file
database as the demo site runs it: the in-memory test database shares one cache between
connections, where a second writer is refused at once instead of waiting as it does on a file.
"""

import sqlite3
import threading

import pytest
import responses
from django.db import connection, connections
from django.test import Client
from wagtail.models import ModelLogEntry

from courses.models import Enrollment
from payments.models import Order, OrderStatus, StripeEvent

from .factories import OrderFactory, checkout_session, deliver, paid_course, payment_intent_id, stripe_event

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SESSIONS = "https://api.stripe.com/v1/checkout/sessions"
PURCHASES = 4


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The test database as separate connections share it. On SQLite: a file copy of the in-memory
    test database, which every thread's connection opens while the test runs."""
    if connection.vendor != "sqlite":
        yield
        return
    in_memory = connections["default"]
    in_memory.ensure_connection()
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    in_memory.connection.backup(copy)
    copy.close()
    on_file = {**in_memory.settings_dict, "NAME": str(path)}
    connections.settings["default"] = on_file  # read by each thread's first query
    connections["default"] = type(in_memory)(on_file, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = in_memory
        connections.settings["default"] = in_memory.settings_dict


@pytest.fixture
def course(shared_database, request):
    return paid_course(request.getfixturevalue("catalogue"))


def at_once(*requests):
    """Runs each callable in a thread of its own, released together; their answers, in order."""
    start = threading.Barrier(len(requests), timeout=10)
    answers = [None] * len(requests)
    errors = []

    def run(index, send):
        try:
            start.wait()
            answers[index] = send()
        except Exception as error:  # reported by the test, whatever it is
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, send)) for index, send in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return answers


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def race_success_page_and_webhook(order):
    practitioner, stripe = logged_in(order.user), Client()
    event = stripe_event("checkout.session.completed", order=order)
    return at_once(
        lambda: practitioner.get(f"/payments/checkout/success/?session_id={order.checkout_session_id}"),
        lambda: deliver(stripe, event),
    )


def test_the_success_page_and_the_webhook_racing_enroll_once(course):
    orders = [OrderFactory(course=course) for _ in range(PURCHASES)]
    with responses.RequestsMock() as stripe_api:
        for order in orders:
            stripe_api.get(f"{SESSIONS}/{order.checkout_session_id}", json=checkout_session(order))

        answers = [race_success_page_and_webhook(order) for order in orders]

    for order, (success_page, webhook) in zip(orders, answers, strict=True):
        assert success_page.status_code == 302
        assert success_page.url == order.course.get_children().first().url
        assert webhook.status_code == 200
    for order in orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert Enrollment.objects.filter(user=order.user, course=course).count() == 1
        assert ModelLogEntry.objects.filter(action="payments.paid", object_id=str(order.pk)).count() == 1
    assert Enrollment.objects.count() == Order.objects.filter(status=OrderStatus.PAID).count() == PURCHASES


def test_one_event_delivered_by_four_threads_at_once_is_applied_once(course):
    order = OrderFactory(course=course)
    event = stripe_event("checkout.session.completed", order=order)

    answers = at_once(*[lambda: deliver(Client(), event)] * 4)

    assert [answer.status_code for answer in answers] == [200] * 4
    outcomes = sorted(answer.json()["outcome"] for answer in answers)
    assert outcomes == ["duplicate: already applied"] * 3 + [f"order {order.pk} paid"]
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert Enrollment.objects.filter(user=order.user, course=course).count() == 1
    assert ModelLogEntry.objects.filter(action="payments.paid").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_a_refund_racing_the_payment_leaves_the_order_refunded_without_access(course):
    # Whichever Stripe delivers first, a full refund is the end: no enrollment survives it.
    order = OrderFactory(course=course)
    Order.objects.filter(pk=order.pk).update(payment_intent_id=payment_intent_id(order))

    completed, refunded = at_once(
        lambda: deliver(Client(), stripe_event("checkout.session.completed", order=order)),
        lambda: deliver(Client(), stripe_event("charge.refunded", order=order)),
    )

    assert completed.status_code == refunded.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert not Enrollment.objects.with_access().filter(user=order.user, course=course).exists()
