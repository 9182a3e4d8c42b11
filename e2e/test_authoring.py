"""An instructor's course from draft to review and a reviewer's checks before publishing, in the Wagtail admin
in a real browser: the editor's board checklist refuses what a board would refuse, the course goes to review
as one piece with its lessons and final, the reviewer's "Awaiting your review" names it and offers Approve only
once its checks pass, and approving it puts the course and its lessons live. On a desktop and a 360 px phone,
every page axe-clean.

The course's content is made in the setup: StreamField editors driven by a browser are slow and fragile, and
what the journey is about is what people click once the content is there."""

import datetime
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect
from wagtail.models import Page, Site, WorkflowState

from accounts.tests.factories import UserFactory
from courses.models import CoursePage
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup
from courses.tests.factories import (
    CourseApprovalFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    lesson_body,
)
from credits.models import DeliveryType
from credits.tests.factories import BoardFactory
from lms.models import ProviderSettings
from lms.tests.factories import HomePageFactory
from quizzes.tests.factories import QuizPageFactory, single_choice

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COURSE = "Scar Tissue Mobilization"
LESSONS = ["Lesson 1: Collagen and remodeling", "Lesson 2: Cross-fiber technique"]


# Wagtail's rich text editor gives its text box no accessible name (wagtail/wagtail#14205, open): the one
# violation of Wagtail's own that is let pass, on that element only, until Wagtail names it.
DRAFTAIL_UNNAMED = ("aria-input-field-name", "public-DraftEditor-content")


def assert_accessible(page, name):
    # Wagtail's admin fades panels and messages in: colors read mid-fade are not the page's colors.
    page.wait_for_function("() => document.getAnimations().every(animation => animation.playState !== 'running')")
    violations = Axe().run(page).response["violations"]
    serious = [
        (violation["id"], node["html"][:160])
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
        for node in violation["nodes"]
        if not (violation["id"] == DRAFTAIL_UNNAMED[0] and DRAFTAIL_UNNAMED[1] in node["html"])
    ]
    assert serious == [], f"{name}: {serious}"


def draft(page):
    """The page as an editor leaves it: not live, its content in a revision."""
    page.live = False
    page.has_unpublished_changes = True
    page.save()
    page.save_revision()
    return page


@pytest.fixture
def course_in_draft(live_server):
    """An instructor's draft course of a quarter CE hour, home study, with two lessons long enough for it and a
    final assessment; its Florida approval number is still "PENDING", which no board would accept."""
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
    Site.objects.update(root_page=home)
    ProviderSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"name": "Medical Massage CE", "email": "ce@example.com", "signatory_name": "Dana Whitfield, LMT"},
    )
    catalogue = CourseIndexPageFactory(parent=home)
    authoring_roles_setup(catalogue=catalogue)
    instructor = UserFactory(email="instructor@example.com", legal_name="Priya Raman", groups=[INSTRUCTORS])
    reviewer = UserFactory(email="reviewer@example.com", legal_name="Sam Ortiz", groups=[REVIEWERS])
    course = draft(
        CoursePageFactory(
            parent=catalogue,
            title=COURSE,
            ce_hours=Decimal("0.25"),
            min_study_minutes=15,
            delivery=DeliveryType.HOME_STUDY,
            taught_by=instructor,
            owner=instructor,
        )
    )
    florida = BoardFactory(code="FL", name="Florida Board of Massage Therapy")
    CourseApprovalFactory(
        course=course,
        board=florida,
        number="PENDING",
        expires_on=datetime.date.today() + datetime.timedelta(days=365),
    )
    for title in LESSONS:
        draft(LessonPageFactory(parent=course, title=title, owner=instructor, body=lesson_body(3_100)))
    draft(
        QuizPageFactory(
            parent=course, owner=instructor, questions=[single_choice(prompt=f"Question {n}?") for n in range(1, 5)]
        )
    )
    course.save_revision(user=instructor)
    return {"course": CoursePage.objects.get(pk=course.pk), "instructor": instructor, "reviewer": reviewer}


def open_actions(page):
    """The editor's footer menu, where Save draft's siblings wait behind a toggle."""
    page.locator("footer").get_by_role("button", name="More actions").click()
    return page.locator("footer")


def review_row(page):
    return page.locator("#awaiting-review-section tr", has_text=COURSE)


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_an_instructor_submits_a_course_and_a_reviewer_approves_it_once_its_checks_pass(
    live_server, course_in_draft, logged_in_page, page, width, settings
):
    course, instructor, reviewer = (course_in_draft[key] for key in ("course", "instructor", "reviewer"))
    edit_url = f"{live_server.url}/admin/pages/{course.pk}/edit/"
    catalog_url = live_server.url + course.get_parent().url
    mail.outbox.clear()
    # Visitors are served kept copies of the public pages, as in production: publishing must reach them.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    visitor = page
    visitor.set_viewport_size({"width": width, "height": 800})
    visitor.goto(catalog_url)
    expect(visitor.locator("main")).not_to_contain_text(COURSE)

    # The instructor finds the draft on their dashboard and its editor's checklist names the placeholder.
    teacher = logged_in_page(instructor)
    teacher.set_viewport_size({"width": width, "height": 800})
    teacher.goto(live_server.url + "/admin/")
    your_course = teacher.locator("#your-courses-section tr", has_text=COURSE)
    assert "Draft" in your_course.locator("td").nth(1).text_content()
    assert_accessible(teacher, "instructor's dashboard")
    your_course.get_by_role("link", name=COURSE).click()
    checklist = teacher.locator("#board-checklist")
    assert "1 of 4 checks fail" in checklist.inner_text()
    assert "FL: “PENDING” is a placeholder, not an approval number the board issued." in checklist.inner_text()
    assert_accessible(teacher, "course editor, a check failing")

    with teacher.expect_navigation():
        open_actions(teacher).get_by_role("button", name="Submit to Course review").click()
    [state] = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
    assert state.content_object.pk == course.pk  # one submission, for the course with its lessons and final
    assert mail.outbox and all(COURSE in message.subject for message in mail.outbox)
    assert {address for message in mail.outbox for address in message.to} == {reviewer.email}

    # The reviewer sees the course awaiting review, what keeps it from approval, and no Approve.
    checker = logged_in_page(reviewer)
    checker.set_viewport_size({"width": width, "height": 800})
    checker.goto(live_server.url + "/admin/")
    row = review_row(checker)
    assert "Course, with its lessons and quizzes." in row.inner_text()
    assert "1 board check to fix before it can be approved" in row.inner_text()
    row.get_by_role("button", name="Actions").click()
    assert row.get_by_role("button", name="Request changes").is_visible()
    assert row.get_by_role("button", name="Approve", exact=True).count() == 0
    assert_accessible(checker, "reviewer's dashboard, a check failing")
    checker.goto(edit_url)
    assert "FL: “PENDING” is a placeholder" in checker.locator("#board-checklist").inner_text()
    actions = open_actions(checker)
    assert actions.get_by_role("button", name="Request changes").is_visible()
    assert actions.get_by_role("button", name="Approve", exact=True).count() == 0
    assert_accessible(checker, "course editor in review, a check failing")
    actions.get_by_role("button", name="Request changes").click()
    dialog = checker.get_by_role("dialog")
    dialog.get_by_label("Comment").fill("The Florida approval number is still PENDING.")
    with checker.expect_navigation():
        dialog.get_by_role("button", name="Request changes").click()
    expect(checker.locator(".messages")).to_contain_text(f"Changes requested on “{COURSE}”.")

    # The instructor types the number the board issued and resubmits.
    teacher.goto(edit_url)
    teacher.locator("input[name='approvals-0-number']").fill("FL-MCE-8850")
    with teacher.expect_navigation():
        open_actions(teacher).get_by_role("button", name="Resubmit to Reviewer approval").click()
    teacher.goto(edit_url)
    assert "every check passes" in teacher.locator("#board-checklist").inner_text()
    assert_accessible(teacher, "course editor, every check passing")

    checker.goto(live_server.url + "/admin/")
    row = review_row(checker)
    assert "Every board check passes." in row.inner_text()
    row.get_by_role("button", name="Actions").click()
    with checker.expect_navigation(url="**/admin/"):
        row.get_by_role("button", name="Approve", exact=True).click()
    expect(review_row(checker)).to_have_count(0)  # the dashboard again, nothing left to review
    expect(checker.locator(".messages")).to_contain_text(f"“{COURSE}” approved and published")
    assert_accessible(checker, "reviewer's dashboard, approved")

    course.refresh_from_db()
    assert course.live
    assert sorted(child.title for child in course.get_children().live()) == ["Final assessment", *LESSONS]
    visitor.goto(catalog_url)
    visitor.get_by_role("link", name=COURSE).click()
    expect(visitor).to_have_url(live_server.url + course.url)
    syllabus = visitor.locator("main").inner_text()
    assert all(title in syllabus for title in LESSONS)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(visitor, "the live course page")
