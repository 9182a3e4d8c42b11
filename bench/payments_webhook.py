"""Stripe webhook handling time for a burst of signed events, duplicates included, and what it left.

    .venv/bin/python bench/payments_webhook.py [--events 1000] [--purchases 400] [--delayed 0.1] [--threads 1]

Each purchase is an order for one practitioner and one paid course. Most are paid by card (one
checkout.session.completed); a share (--delayed) pay by bank debit (completed with payment_status
"unpaid", then async_payment_succeeded). The rest of the burst re-delivers events already in it, as
Stripe does when it does not hear back in time. All of it is shuffled and posted, each request
signed as Stripe signs it, to /payments/stripe/webhook/ through the whole Django stack (middleware,
URL routing, the view, the services), one after another or from --threads clients at once.

Baseline in the same run: the same requests signed with the wrong secret, which the webhook
refuses with 400 before touching the database (signature check and the framework's floor).

It fails unless the burst leaves exactly one enrollment, one paid order and one `payments.paid`
entry per purchase, and one stored event per distinct event.
"""

import argparse
import json
import logging
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import django_setup  # noqa: F401 (sets Django up before the imports below)
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry, Page, Site

from accounts.tests.factories import UserFactory
from courses.models import Enrollment
from courses.tests.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from lms.tests.factories import HomePageFactory
from payments.models import Order, OrderStatus, StripeEvent
from payments.tests.factories import OrderFactory, signature_header, stripe_event

WEBHOOK = "/payments/stripe/webhook/"
WRONG_SECRET = "whsec_not_this_endpoints"  # noqa: S105 (the baseline's signatures must not verify)
COURSES = 12


def build_purchases(purchases: int) -> list[Order]:
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-bench")
    Site.objects.update(root_page=home)
    catalogue = CourseIndexPageFactory(parent=home)
    courses = []
    for _ in range(COURSES):
        course = CoursePageFactory(parent=catalogue, price_amount=4900)
        LessonPageFactory(parent=course)
        courses.append(course)
    practitioners = [UserFactory() for _ in range(-(-purchases // COURSES))]
    pairs = [(user, course) for user in practitioners for course in courses][:purchases]
    return [OrderFactory(user=user, course=course) for user, course in pairs]


def burst_of(orders: list[Order], *, events: int, delayed: float, rng: random.Random) -> tuple[list[dict], int]:
    """The shuffled burst and the number of distinct events in it."""
    distinct = []
    for order in orders:
        if rng.random() < delayed:
            distinct.append(stripe_event("checkout.session.completed.unpaid", order=order))
            distinct.append(stripe_event("checkout.session.async_payment_succeeded", order=order))
        else:
            distinct.append(stripe_event("checkout.session.completed", order=order))
    if len(distinct) > events:
        raise SystemExit(f"{len(distinct)} distinct events do not fit in a burst of {events}: fewer --purchases")
    burst = distinct + [rng.choice(distinct) for _ in range(events - len(distinct))]
    rng.shuffle(burst)
    return burst, len(distinct)


def post(client, payload: str, header: str):
    return client.post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def deliver_all(burst: list[dict], *, threads: int, secret: str | None = None) -> list[tuple[float, int, str]]:
    """Posts every event, signed just before it is sent; (seconds, status, outcome) for each request."""
    payloads = [json.dumps(event) for event in burst]

    def deliver(chunk):
        client = Client()
        results = []
        try:
            for payload in chunk:
                header = signature_header(payload, secret=secret)
                start = time.perf_counter()
                response = client.post(
                    WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
                )
                elapsed = time.perf_counter() - start
                results.append((elapsed, response.status_code, response.json().get("outcome", "")))
        finally:
            if threads > 1:
                connections.close_all()
        return results

    if threads == 1:
        return deliver(payloads)
    with ThreadPoolExecutor(threads) as pool:
        chunks = [payloads[index::threads] for index in range(threads)]
        return [result for results in pool.map(deliver, chunks) for result in results]


def queries_per_delivery(order: Order) -> dict[str, int]:
    """The queries of one bad signature, one first delivery and one duplicate, for one more purchase."""
    event = json.dumps(stripe_event("checkout.session.completed", order=order))
    client = Client()
    counts = {}
    for name, secret in [("refused", WRONG_SECRET), ("first", None), ("duplicate", None)]:
        with CaptureQueriesContext(connection) as captured:
            post(client, event, signature_header(event, secret=secret))
        counts[name] = len(captured)
    return counts


def percentiles_ms(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return statistics.median(timings) * 1000, cuts[98] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--purchases", type=int, default=400)
    parser.add_argument("--delayed", type=float, default=0.1, help="share of purchases paid by bank debit")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    orders = build_purchases(args.purchases)
    burst, distinct = burst_of(orders, events=args.events, delayed=args.delayed, rng=random.Random(args.seed))
    # A refused or applied event logs a line each; the console is not what is measured.
    logging.disable(logging.CRITICAL)

    refused = deliver_all(burst, threads=args.threads, secret=WRONG_SECRET)
    assert {status for _, status, _ in refused} == {400}
    assert not StripeEvent.objects.exists() and not Enrollment.objects.exists()
    applied = deliver_all(burst, threads=args.threads)
    assert {status for _, status, _ in applied} == {200}, {status for _, status, _ in applied}

    enrollments = Enrollment.objects.count()
    paid_orders = Order.objects.filter(status=OrderStatus.PAID).count()
    paid_entries = ModelLogEntry.objects.filter(action="payments.paid").count()
    stored_events = StripeEvent.objects.count()
    duplicates = [seconds for seconds, _, outcome in applied if outcome.startswith("duplicate")]
    first_deliveries = [seconds for seconds, _, outcome in applied if not outcome.startswith("duplicate")]

    print(
        f"{connection.vendor}, {args.threads} client{'s' if args.threads > 1 else ''}: {len(burst)} events, "
        f"{distinct} distinct, for {args.purchases} purchases ({args.delayed:.0%} paid by bank debit)"
    )
    print(f"{'requests':<34} {'count':>6} {'p50':>9} {'p99':>9}")
    rows = [
        ("bad signature, 400 (baseline)", [seconds for seconds, _, _ in refused]),
        ("signed, 200", [seconds for seconds, _, _ in applied]),
        ("  first delivery (applied)", first_deliveries),
        ("  duplicate (found, unchanged)", duplicates),
    ]
    for name, timings in rows:
        p50, p99 = percentiles_ms(timings)
        print(f"{name:<34} {len(timings):>6} {p50:>6.2f} ms {p99:>6.2f} ms")
    print(
        f"left: {enrollments} enrollments, {paid_orders} paid orders, {paid_entries} payments.paid entries "
        f"for {args.purchases} purchases; {stored_events} stored events for {distinct} distinct"
    )
    assert enrollments == paid_orders == paid_entries == args.purchases
    assert stored_events == distinct
    queries = queries_per_delivery(OrderFactory(user=UserFactory(), course=orders[0].course))
    print(
        f"queries per request: {queries['refused']} refused, {queries['first']} first delivery, "
        f"{queries['duplicate']} duplicate"
    )


if __name__ == "__main__":
    main()
