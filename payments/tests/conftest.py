"""What most payment tests start from: a paid course, a reviewer, and an order awaiting payment."""

import pytest

from accounts.tests.factories import UserFactory
from courses.services import REVIEWERS, authoring_roles_setup

from .factories import OrderFactory, paid_course


@pytest.fixture
def course(catalogue):
    """A $49.00 course with two lessons, in a catalogue whose reviewers have their rights."""
    authoring_roles_setup(catalogue=catalogue)
    return paid_course(catalogue, title="Manual Lymphatic Drainage after Surgery")


@pytest.fixture
def reviewer(course):
    """A reviewer with two-factor set up."""
    return UserFactory(email="reviewer@example.com", groups=[REVIEWERS])


@pytest.fixture
def order(course):
    return OrderFactory(course=course)
