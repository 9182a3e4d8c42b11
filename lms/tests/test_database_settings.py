"""On SQLite (the demo's database), requests that write at the same time wait for each other instead of
failing with "database is locked"; PostgreSQL keeps its own defaults."""

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

BASE_DIR = Path(__file__).resolve().parents[2]
WRITERS = 4


def database_options(database_url: str) -> dict:
    """DATABASES["default"]["OPTIONS"] as the base settings build it for this DATABASE_URL."""
    script = (
        "import json; from lms.settings import base; print(json.dumps(base.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_transactions_take_the_write_lock_at_once_and_wait_for_it(tmp_path):
    assert database_options(f"sqlite:///{tmp_path}/db.sqlite3") == {"transaction_mode": "IMMEDIATE", "timeout": 20}


def test_postgresql_keeps_its_own_transaction_settings():
    assert database_options("postgres://postgres@127.0.0.1:5432/ce") == {}


@pytest.fixture
def sqlite_file_database(tmp_path, django_db_blocker):
    """A second database alias on a file, with the default database's settings: the test database lives in
    memory, where SQLite locks differently from the file the demo runs on."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking")
    connections.settings["demo"] = {**connections["default"].settings_dict, "NAME": str(tmp_path / "demo.sqlite3")}
    with django_db_blocker.unblock():
        with connections["demo"].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (value INTEGER)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        yield "demo"
        connections["demo"].close()
    del connections.settings["demo"]


def test_parallel_transactions_that_read_then_write_all_succeed_on_sqlite(sqlite_file_database, django_db_blocker):
    # Each request reads, then writes, as enrolling or starting a quiz does. Without IMMEDIATE all of them
    # read before any writes, and SQLite refuses all but one writer at once with "database is locked".
    all_have_read = threading.Barrier(WRITERS, timeout=1)
    errors = []

    def read_then_write():
        with django_db_blocker.unblock():
            try:
                with transaction.atomic(using=sqlite_file_database):
                    cursor = connections[sqlite_file_database].cursor()
                    cursor.execute("SELECT value FROM counter")
                    [(value,)] = cursor.fetchall()
                    # Broken when the others are waiting for the lock this transaction holds.
                    with contextlib.suppress(threading.BrokenBarrierError):
                        all_have_read.wait()
                    cursor.execute("UPDATE counter SET value = %s", [value + 1])
            except Exception as error:  # reported below, whatever it is
                errors.append(error)
            finally:
                connections[sqlite_file_database].close()

    threads = [threading.Thread(target=read_then_write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with django_db_blocker.unblock(), connections[sqlite_file_database].cursor() as cursor:
        cursor.execute("SELECT value FROM counter")
        assert cursor.fetchall() == [(WRITERS,)]
