"""With DATABASE_REPLICA_URL set, the regulators' verification reads go to the replica and every write
(the lookups' log among them) to the primary; everything else stays on the primary."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Licence
from certificates.tests.factories import issued_certificate
from lms.databases import REPLICA

# Django warns that connections made before the change keep their settings: the fixture opens its own.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replica(settings):
    """A second connection under the replica's alias to the test database: a streaming replica is
    another server holding the same data, and the data must be committed to be seen on it."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    settings.DATABASES = {**settings.DATABASES, REPLICA: {**primary}}
    # Opened by hand, as the test runner set its databases up before the replica was configured.
    connections[REPLICA] = load_backend(primary["ENGINE"]).DatabaseWrapper({**primary}, REPLICA)
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]


def queries_on(connection, request):
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_verification_reads_the_replica_and_logs_on_the_primary(client, catalogue, replica):
    certificate = issued_certificate(catalogue)
    primary = connections[DEFAULT_DB_ALIAS]

    with CaptureQueriesContext(primary) as on_primary:
        response, on_replica = queries_on(replica, lambda: client.get(f"/api/v1/certificates/{certificate.code}/"))
        page, page_on_replica = queries_on(
            replica, lambda: client.get(reverse("certificates:verify", args=[certificate.printed_code]))
        )

    assert response.status_code == 200 and response.json()["status"] == "valid"
    assert page.status_code == 200 and certificate.snapshot["holder"]["name"] in page.content.decode()
    assert [sql for sql in on_replica if "certificates_certificate" in sql and sql.startswith("SELECT")]
    assert page_on_replica
    assert not [sql for sql in on_replica + page_on_replica if not sql.startswith("SELECT")]
    primary_sql = [query["sql"] for query in on_primary.captured_queries]
    assert any(sql.startswith("INSERT") and "certificates_certificatelookup" in sql for sql in primary_sql)
    assert not any(sql.startswith("SELECT") and 'FROM "certificates_certificate"' in sql for sql in primary_sql)
    assert certificate.lookups.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_practitioners_own_pages_read_the_primary(client, catalogue, replica):
    certificate = issued_certificate(catalogue)
    client.force_login(certificate.enrollment.user)

    response, on_replica = queries_on(replica, lambda: client.get(reverse("certificates:mine")))

    assert response.status_code == 200 and on_replica == []


def test_the_replica_is_never_migrated_and_never_written():
    assert router.allow_migrate(REPLICA, "certificates") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "certificates") is True
    assert router.db_for_write(Licence) == DEFAULT_DB_ALIAS
