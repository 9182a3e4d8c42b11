"""One address for the site: DJANGO_BASE_URL gives it, and Wagtail's review emails use the same one."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def addresses(module: str, **env) -> dict:
    """BASE_URL and WAGTAILADMIN_BASE_URL as the settings `module` builds them in this environment."""
    script = (
        f"import json; from lms.settings import {module} as s; print(json.dumps([s.BASE_URL, s.WAGTAILADMIN_BASE_URL]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={key: value for key, value in os.environ.items() if key != "DJANGO_BASE_URL"} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_defaults_to_the_address_make_run_serves():
    makefile = (BASE_DIR / "Makefile").read_text()

    assert "ADDRESS ?= 127.0.0.1:8000" in makefile and "runserver $(ADDRESS)" in makefile
    assert addresses("dev") == ["http://127.0.0.1:8000", "http://127.0.0.1:8000"]


def test_the_configured_address_is_the_review_emails_address_too():
    assert addresses("dev", DJANGO_BASE_URL="https://ce.example.org") == [
        "https://ce.example.org",
        "https://ce.example.org",
    ]
