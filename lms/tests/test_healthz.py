"""/healthz tells a load balancer whether this app server can reach its database."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def test_healthz_answers_200_while_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    # A real server process whose database is unreachable: a refused port on PostgreSQL,
    # a file in a folder that does not exist on SQLite.
    if connection.vendor == "postgresql":
        unreachable = "postgres://postgres@127.0.0.1:1/unreachable"
    else:
        unreachable = f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3"
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "DATABASE_URL": unreachable}

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )

    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 503, "body": {"status": "unavailable", "database": "unreachable"}}
