"""In production a lookup's log waits in Redis and a queued task writes it, so a verification makes
one query. These tests need the Redis of the CI server (127.0.0.1:6379, or TEST_REDIS_URL)."""

import io
import os
import uuid

import pytest
import redis
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates import lookup_log
from certificates.models import CertificateLookup
from lms.tests.services import unavailable

from .factories import issued_certificate
from .test_verification import UNKNOWN, api, bulk

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FLUSH_TASK = "certificates.lookup_log.lookup_log_flush"


@pytest.fixture
def buffered(settings):
    """Lookups buffered in a list of their own (the suite's workers share the Redis) and flushed by
    the database queue's worker, as in production."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        unavailable(f"no Redis at {REDIS_URL}")
    key = f"test:lookup-log:{uuid.uuid4().hex}"
    settings.CERTIFICATE_LOOKUP_BUFFER = {"URL": REDIS_URL, "KEY": key}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield client, key
    client.delete(key, f"{key}:flush-queued", f"{key}:flushing")


def run_due_flushes():
    """The worker, once the queued flush is due (it is queued to run FLUSH_AFTER_SECONDS later)."""
    DBTaskResult.objects.filter(task_path=FLUSH_TASK).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


# Committed for real: the worker closes and reopens connections between tasks, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lookups_wait_in_redis_and_one_queued_flush_logs_them_all(
    client, catalogue, buffered, django_assert_num_queries
):
    redis_client, key = buffered
    certificate = issued_certificate(catalogue)
    before = timezone.now()

    assert api(client, certificate.code).status_code == 200  # queues the flush
    with django_assert_num_queries(1):  # the certificate; nothing written
        assert api(client, UNKNOWN).status_code == 404
    client.get(reverse("certificates:verify", args=[certificate.printed_code]))
    bulk(client, {"codes": [certificate.printed_code, "nonsense"]})

    assert not CertificateLookup.objects.exists()
    assert redis_client.llen(key) == 5
    assert DBTaskResult.objects.filter(task_path=FLUSH_TASK).count() == 1
    assert DBTaskResult.objects.get(task_path=FLUSH_TASK).run_after > timezone.now()

    run_due_flushes()

    logged = list(CertificateLookup.objects.order_by("pk"))
    assert [(lookup.status, lookup.channel) for lookup in logged] == [
        ("valid", "api"),
        ("not_found", "api"),
        ("valid", "page"),
        ("valid", "bulk"),
        ("malformed", "bulk"),
    ]
    assert all(before <= lookup.looked_up_at <= logged[-1].looked_up_at for lookup in logged)  # when asked
    assert all(lookup.looked_up_at < DBTaskResult.objects.get(task_path=FLUSH_TASK).finished_at for lookup in logged)
    assert redis_client.llen(key) == 0
    client.force_login(certificate.enrollment.user)
    assert "3 times" in client.get(reverse("certificates:mine")).content.decode()

    # The next lookup, after the flush, queues the next flush.
    redis_client.delete(f"{key}:flush-queued")  # as it expires before the flush is due
    api(client, certificate.code)
    assert DBTaskResult.objects.filter(task_path=FLUSH_TASK, finished_at=None).count() == 1


def test_a_certificate_deleted_before_the_flush_takes_its_lookups_with_it(client, catalogue, buffered):
    kept = issued_certificate(catalogue)
    deleted = issued_certificate(catalogue, course_title="Myofascial Release")
    for certificate in (kept, deleted, kept):
        api(client, certificate.code)
    deleted.delete()

    assert lookup_log.lookup_log_flush.call() == 3

    assert list(CertificateLookup.objects.values_list("certificate", flat=True)) == [kept.pk, kept.pk]
