"""A Moodle question bank from import to certificate in a real browser: an instructor pastes GIFT with a short
answer, a numerical question, an essay, a description and one question with no right answer, reads which line is
left out, and imports the rest into the final assessment's draft; the practitioner types the answers, waits for
grading, the instructor grades the essay in the admin's queue, and the practitioner reads the pass and the
grader's comment. On a desktop and a 360 px phone, every page axe-clean but for Wagtail's unnamed rich text box
(wagtail#14205).

The course around the quiz is made in the setup, done but for its final: what the journey is about is the
questions and their grading."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.tests.factories import nearly_complete_enrollment
from courses.models import LessonProgress
from courses.services import INSTRUCTORS, authoring_roles_setup
from courses.tests.factories import instructor_add
from e2e.test_authoring import assert_accessible
from quizzes.models import QuizAttempt, QuizPage
from quizzes.tests.factories import QuizPageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BANK = """// Exported from Moodle
::Elevator:: Which muscle elevates the scapula along with the upper trapezius? {=Levator scapulae =%50%levator*}

::CE hour:: How many minutes of study make one CE hour? {#50:0}

// ce:points 2
// ce:grader-info Names the embolism a dislodged clot can cause.
::DVT:: Explain why deep pressure is avoided over an acute deep vein thrombosis. {}

::Case:: Read the case: a client, 54, two weeks after knee surgery, asks for work on the calf.

::Broken:: Oops {~a ~b ~c ~d}
"""
ESSAY = "Deep pressure may dislodge the clot, which can travel to the lungs as a pulmonary embolism."
COMMENT = "Names the embolism; say which signs send the client to a physician."


def message_shown(page):
    """Wagtail's messages fade in for half a second: axe would measure a half-transparent message's contrast."""
    expect(page.locator(".messages > ul")).to_have_css("opacity", "1")


@pytest.fixture
def course_with_a_final(live_server, catalogue):
    """A practitioner who has done every lesson and sent the evaluation of a course whose final assessment has no
    questions yet, and an instructor of that course."""
    authoring_roles_setup(catalogue=catalogue)
    instructor = UserFactory(groups=[INSTRUCTORS], verified_email=True, legal_name="Priya Raman")
    enrollment, _ = nearly_complete_enrollment(catalogue, test_passed=False)
    LessonProgress.objects.filter(enrollment=enrollment).update(completed_at=timezone.now())
    instructor_add(course=enrollment.course, user=instructor)
    final = QuizPageFactory(parent=enrollment.course, questions=[], owner=instructor)
    return {"enrollment": enrollment, "instructor": instructor, "final": final}


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_a_moodle_bank_is_imported_answered_graded_and_the_practitioner_reads_the_grade(
    live_server, course_with_a_final, logged_in_page, width
):
    enrollment, instructor, final = (course_with_a_final[key] for key in ("enrollment", "instructor", "final"))
    practitioner_name = enrollment.user.legal_name

    # The instructor pastes the bank; the report names the refused line before anything is saved.
    teacher = logged_in_page(instructor)
    teacher.set_viewport_size({"width": width, "height": 800})
    teacher.goto(f"{live_server.url}/admin/pages/{final.pk}/edit/")
    assert_accessible(teacher, "quiz editor, no question yet")
    teacher.locator("header").get_by_role("button", name="Actions").click()  # the page's header menu
    with teacher.expect_navigation(url="**" + reverse("quizzes_gift_import", args=[final.pk])):
        teacher.get_by_role("link", name="Import GIFT").click()
    assert_accessible(teacher, "GIFT import form")
    teacher.get_by_label("Questions in GIFT format").fill(BANK)
    teacher.get_by_role("button", name="Import", exact=True).click()
    report = teacher.locator(".nice-padding")
    expect(report).to_contain_text("Check the import before it is saved")
    assert "4 questions can be imported" in report.inner_text()
    broken_line = BANK.splitlines().index("::Broken:: Oops {~a ~b ~c ~d}") + 1
    assert f"Line {broken_line}: No right answer" in report.locator(".help-warning").inner_text()
    assert not QuizPage.objects.get(pk=final.pk).get_latest_revision_as_object().questions  # nothing saved yet
    assert_accessible(teacher, "GIFT import report")
    with teacher.expect_navigation(url=f"**/admin/pages/{final.pk}/edit/"):
        teacher.get_by_role("button", name="Import 4 questions").click()
    expect(teacher.locator(".messages")).to_contain_text("Imported 4 questions into a new draft")
    message_shown(teacher)
    assert_accessible(teacher, "quiz editor with the imported draft")
    draft = QuizPage.objects.get(pk=final.pk).get_latest_revision()
    assert [block.block_type for block in draft.as_object().questions] == [
        "short_answer",
        "numerical",
        "essay",
        "description",
    ]
    draft.publish()  # publishing from the editor is the review journey's (e2e/test_authoring.py)

    # The practitioner is told before the start that an instructor grades the essay, then types the answers.
    learner = logged_in_page(enrollment.user)
    learner.set_viewport_size({"width": width, "height": 800})
    console_errors = []  # the attempt page saves answers as they are typed, in its script
    learner.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    learner.goto(live_server.url + QuizPage.objects.get(pk=final.pk).url)
    assert "graded by the course's instructors" in learner.locator("main").inner_text()
    assert_accessible(learner, "final assessment's start page")
    learner.get_by_role("button", name="Start").click()
    learner.wait_for_url("**/learn/attempts/*/")
    assert "knee surgery" in learner.locator(".question-description").inner_text()
    question = {n: learner.locator(f"#question-{n}") for n in (1, 2, 3)}
    question[1].get_by_label("Your answer").fill("levator scapulae")
    question[2].get_by_label("Your answer").fill("50,0")
    question[3].get_by_label("Your answer").fill(ESSAY)
    expect(learner.locator("[data-save-status]")).to_contain_text("Answers saved at")
    assert learner.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(learner, "attempt page")
    learner.on("dialog", lambda dialog: dialog.accept())
    learner.get_by_role("button", name="Submit for grading").click()
    expect(learner.get_by_role("heading", level=1)).to_contain_text("waiting for grading")
    assert "Waiting for grading" in learner.locator("#question-3").inner_text()
    assert_accessible(learner, "result page, waiting for grading")
    attempt = QuizAttempt.objects.get(enrollment=enrollment)
    assert attempt.awaits_grading and not Certificate.objects.filter(enrollment=enrollment).exists()

    # The instructor's dashboard says an attempt waits; the Grading queue shows it beside the guidance to grade it.
    teacher.goto(live_server.url + "/admin/")
    assert teacher.get_by_text("1 quiz attempt waits for essay grading in your courses.").is_visible()
    assert_accessible(teacher, "instructor's dashboard")
    teacher.get_by_role("link", name="Open the grading queue").click()
    row = teacher.locator("table.listing tr", has_text=practitioner_name)
    assert final.title in row.inner_text()
    assert_accessible(teacher, "grading queue")
    row.get_by_role("link", name="Grade attempt 1").click()
    grading = teacher.locator("main")
    assert ESSAY in grading.locator("blockquote").inner_text()
    assert "Names the embolism a dislodged clot can cause." in grading.locator(".help-info").inner_text()
    assert "The other questions scored 2 of 4 points so far" in grading.inner_text()  # both typed answers right
    assert_accessible(teacher, "grading form")
    teacher.get_by_label("Score for question 3").fill("1.5")
    teacher.get_by_label("Comment for question 3").fill(COMMENT)
    teacher.get_by_role("button", name="Save the grades").click()
    certificate = Certificate.objects.get(enrollment=enrollment)
    expect(teacher.locator(".messages")).to_contain_text(
        f"Graded: {practitioner_name} passed {final.title} with 87.5%. "
        f"The course is complete and certificate {certificate.printed_code} was issued."
    )
    assert "No written answers are waiting for grading." in teacher.locator("main").inner_text()
    message_shown(teacher)
    assert_accessible(teacher, "grading queue, graded")

    # The practitioner reloads the result: passed, the essay's score and the grader's comment.
    learner.reload()
    expect(learner.get_by_role("heading", level=1)).to_contain_text("passed")
    assert "not passed" not in learner.get_by_role("heading", level=1).inner_text()
    essay = learner.locator("#question-3").inner_text()
    assert "Graded 1.5 of 2 points" in " ".join(essay.split())
    assert COMMENT in essay
    assert learner.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(learner, "result page, graded")
    assert console_errors == []
