"""Tests that need a service of the CI server (Redis, PostgreSQL) skip where it is missing, and fail
instead under .ci/run, which sets CE_TEST_SERVICES_REQUIRED: CI must never pass without running them."""

import os

import pytest


def unavailable(reason: str):
    if os.environ.get("CE_TEST_SERVICES_REQUIRED"):
        pytest.fail(f"{reason}, and CE_TEST_SERVICES_REQUIRED is set")
    pytest.skip(reason)
