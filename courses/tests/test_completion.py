"""The conditions a practitioner must meet to complete a course, as they read them."""

from hypothesis import given
from hypothesis import strategies as st

from courses.completion import CompletionState, completion_blockers


def state(**overrides):
    values = dict(
        lessons_total=5,
        lessons_completed=5,
        study_minutes=90,
        required_minutes=90,
        evaluation_required=True,
        evaluation_submitted=True,
    )
    return CompletionState(**{**values, **overrides})


def test_a_course_with_every_condition_met_has_no_blockers():
    assert completion_blockers(state()) == []


def test_each_unmet_condition_is_named():
    assert completion_blockers(state(lessons_completed=4, study_minutes=30, evaluation_submitted=False)) == [
        "Complete 1 more lesson.",
        "Study 60 more minutes.",
        "Submit the course evaluation.",
    ]


def test_the_evaluation_is_needed_only_where_the_course_asks_for_one():
    assert completion_blockers(state(evaluation_required=False, evaluation_submitted=False)) == []


@given(
    total=st.integers(0, 50),
    completed=st.integers(0, 50),
    studied=st.integers(0, 10_000),
    required=st.integers(0, 10_000),
)
def test_study_time_below_the_minimum_always_blocks_completion(total, completed, studied, required):
    blockers = completion_blockers(
        state(
            lessons_total=total,
            lessons_completed=min(completed, total),
            study_minutes=studied,
            required_minutes=required,
        )
    )

    assert any(b.startswith("Study ") for b in blockers) == (studied < required)
    assert any(b.startswith("Complete ") for b in blockers) == (min(completed, total) < total)
