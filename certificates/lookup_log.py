"""The log of verification lookups, written off the request path when a buffer is configured.

A lookup is answered with one read; writing its log row in the same request would be a second
statement and a commit, on the busiest address regulators use. With CERTIFICATE_LOOKUP_BUFFER set
(production: a list in Redis), each request appends its rows to the list, and the first append
after a quiet spell queues `lookup_log_flush` to run FLUSH_AFTER_SECONDS later; that task moves
everything listed into CertificateLookup. So the database sees one task row and one insert per
spell, and the holders' "verified" counts lag by about that long. Without the setting (the demo,
the tests) rows are inserted at once.

The flush reads a batch, inserts it, then trims it from the list, under a lock: a crash between the
insert and the trim can log a batch twice, never lose one.
"""

import datetime
import functools
import json

import redis
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import Certificate, CertificateLookup

FLUSH_AFTER_SECONDS = 30
BATCH = 1000
# What an entry in the list holds, then the time of the lookup.
FIELDS = ("certificate_id", "code", "status", "channel", "address_hash")


def record(lookups: list[CertificateLookup]) -> None:
    buffer = _buffer()
    if buffer is None:
        CertificateLookup.objects.bulk_create(lookups)
        return
    client, key = buffer
    # One round trip for both. The flag expires before the queued task runs: an append made after the
    # task has read the list never finds it set, and queues the next flush.
    pipeline = client.pipeline(transaction=False)
    pipeline.rpush(key, *(json.dumps(_as_entry(lookup)) for lookup in lookups))
    pipeline.set(f"{key}:flush-queued", 1, nx=True, ex=FLUSH_AFTER_SECONDS)
    _, flag_was_unset = pipeline.execute()
    if flag_was_unset:
        later = timezone.now() + datetime.timedelta(seconds=FLUSH_AFTER_SECONDS + 5)
        lookup_log_flush.using(run_after=later).enqueue()


@task()
def lookup_log_flush() -> int:
    """Moves every buffered lookup into the database; the number moved."""
    buffer = _buffer()
    if buffer is None:
        return 0
    client, key = buffer
    moved = 0
    with client.lock(f"{key}:flushing", timeout=300, blocking_timeout=60):
        while entries := client.lrange(key, 0, BATCH - 1):
            rows = [_as_row(json.loads(entry)) for entry in entries]
            # A certificate deleted since its lookup takes its log with it (the foreign key cascades).
            kept = set(
                Certificate.objects.filter(
                    pk__in={row.certificate_id for row in rows if row.certificate_id}
                ).values_list("pk", flat=True)
            )
            CertificateLookup.objects.bulk_create(
                row for row in rows if row.certificate_id is None or row.certificate_id in kept
            )
            client.ltrim(key, len(entries), -1)
            moved += len(entries)
    return moved


def _as_entry(lookup: CertificateLookup) -> list:
    return [*(getattr(lookup, field) for field in FIELDS), lookup.looked_up_at.isoformat()]


def _as_row(entry: list) -> CertificateLookup:
    *values, looked_up_at = entry
    return CertificateLookup(
        **dict(zip(FIELDS, values, strict=True)), looked_up_at=datetime.datetime.fromisoformat(looked_up_at)
    )


def _buffer() -> tuple[redis.Redis, str] | None:
    configured = settings.CERTIFICATE_LOOKUP_BUFFER
    return (_client(configured["URL"]), configured["KEY"]) if configured else None


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)
