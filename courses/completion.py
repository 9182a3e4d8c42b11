"""What still stands between a practitioner and completing a course (pure; no database).

DESIGN.md's rule: every required lesson completed, study time at least the course's minimum, the
final quiz passed, and the evaluation submitted where the course asks for one. A home-study course
ends in a test (boards require one); a live course is completed by attendance. The certificates work
evaluates this rule when it records a completion.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CompletionState:
    lessons_total: int
    lessons_completed: int
    study_minutes: int
    required_minutes: int
    evaluation_required: bool
    evaluation_submitted: bool
    final_test_required: bool = False
    final_test_passed: bool = False


def completion_blockers(state: CompletionState) -> list[str]:
    """Each unmet condition, as the practitioner should read it; empty when the course is complete."""
    blockers = []
    remaining_lessons = state.lessons_total - state.lessons_completed
    if remaining_lessons > 0:
        blockers.append(f"Complete {remaining_lessons} more lesson{'s' if remaining_lessons != 1 else ''}.")
    remaining_minutes = state.required_minutes - state.study_minutes
    if remaining_minutes > 0:
        blockers.append(f"Study {remaining_minutes} more minute{'s' if remaining_minutes != 1 else ''}.")
    if state.final_test_required and not state.final_test_passed:
        blockers.append("Pass the final assessment.")
    if state.evaluation_required and not state.evaluation_submitted:
        blockers.append("Submit the course evaluation.")
    return blockers
