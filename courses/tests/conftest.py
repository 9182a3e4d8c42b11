import pytest

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup


@pytest.fixture
def roles(catalogue):
    """An instructor and a reviewer, with the rights the authoring roles give them over the catalogue."""
    authoring_roles_setup(catalogue=catalogue)
    return {
        "instructor": UserFactory(email="instructor@example.com", groups=[INSTRUCTORS]),
        "reviewer": UserFactory(email="reviewer@example.com", groups=[REVIEWERS]),
    }
