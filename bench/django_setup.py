"""Imported first by every benchmark: the project on its path, the test settings, and a database of
its own (a fresh SQLite file in a temporary folder, or DATABASE_URL if set: a scratch database only)."""

import os
import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ce-bench-')}/bench.sqlite3"
django.setup()
