"""What still stands between a practitioner and completing a course (pure; no database).

DESIGN.md's rule: every required lesson completed, study time at least the course's minimum, the
final quiz passed, and the evaluation submitted where the course asks for one. A home-study course
ends in a test (boards require one); a live course needs its final assessment passed when it has one.
A certificate prints the legal name, so the course is not complete until one is recorded; and a
person who teaches or edits the course (and so can see its answers) cannot complete it at all.

The state is built once, by `courses.selectors.enrollment_completion_state`; the course page and the
issuance of certificates both read it, so what the page promises is what issuance grants.
"""

from dataclasses import dataclass

COURSE_STAFF = "You teach or edit this course, so its assessments and its certificate are not open to you."
NO_LESSONS = "The course has no published lessons yet."
ACCESS_ENDED = "Your access to this course ended when its payment was refunded. Buy it again to continue."
LEGAL_NAME_MISSING = "Record your legal name in your profile: certificates print it as boards require."


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
    legal_name_recorded: bool = True
    # A completion once recorded stands whatever the course becomes (a lesson added later, say).
    completion_recorded: bool = False
    course_staff: bool = False
    access_ended: bool = False  # the course's payment was refunded before it was completed


def completion_blockers(state: CompletionState) -> list[str]:
    """Each unmet condition, as the practitioner should read it; empty when the course is complete."""
    if state.course_staff:
        return [COURSE_STAFF]
    if state.access_ended and not state.completion_recorded:
        return [ACCESS_ENDED]
    blockers = [] if state.completion_recorded else _course_blockers(state)
    if not state.legal_name_recorded:
        blockers.append(LEGAL_NAME_MISSING)
    return blockers


def _course_blockers(state: CompletionState) -> list[str]:
    blockers = []
    if state.lessons_total == 0:
        blockers.append(NO_LESSONS)
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
