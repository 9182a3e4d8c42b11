"""CE hours per license in a real browser: a practitioner records a Florida license, completes a course
approved in Florida, sees that license's bars move and what is still missing, and downloads the
transcript PDF, which holds what an auditor looks for. Every page passes axe, on a desktop and a phone."""

import datetime
import io
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from courses.models import CourseEvaluation, LessonProgress
from courses.tests.factories import CourseApprovalFactory, CoursePageFactory, EnrollmentFactory, LessonPageFactory
from credits.tests.factories import BoardFactory, CreditCategoryFactory
from lms.demo import renewal_rules
from lms.models import ProviderSettings

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_accessible(page, name):
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{name}: {serious}"


@pytest.fixture
def florida_course(live_server):
    from wagtail.models import Page, Site

    from courses.tests.factories import CourseIndexPageFactory
    from lms.tests.factories import HomePageFactory

    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    ProviderSettings.objects.update_or_create(
        site=site,
        defaults={"name": "Medical Massage CE", "email": "ce@example.com", "signatory_name": "Dana Whitfield, LMT"},
    )
    boards = {
        code: BoardFactory(code=code, name=name, jurisdiction=state, provider_number=number)
        for code, name, state, number in [
            ("FL", "Florida Board of Massage Therapy", "Florida", "50-9988"),
            ("TX", "Texas massage board", "Texas", ""),
            ("NY", "New York massage board", "New York", ""),
            ("MD", "Maryland massage board", "Maryland", ""),
            ("OR", "Oregon massage board", "Oregon", ""),
            ("NCBTMB", "NCBTMB", "", "AP-1234"),
        ]
    }
    boards["FL"].licence_number_pattern, boards["FL"].licence_number_example = r"MA\d{4,6}", "MA12345"
    boards["FL"].save()
    slugs = {slug for spec in renewal_rules.RULES.values() for line in spec["lines"] for slug in line[1]}
    categories = {slug: CreditCategoryFactory(slug=slug, name=slug.replace("-", " ").capitalize()) for slug in slugs}
    renewal_rules.renewal_rules_seed(boards=boards, categories=categories)

    course = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=home), title="Florida Laws and Medical Errors", ce_hours=Decimal("2.00")
    )
    approval = CourseApprovalFactory(
        course=course,
        board=boards["FL"],
        number="20-771234",
        approved_title="Florida Laws, Rules and Prevention of Medical Errors",
        approved_hours=Decimal("2.00"),
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    approval.categories.add(categories["laws-and-rules"], categories["medical-errors"])
    approval.save()
    lessons = [LessonPageFactory(parent=course, title=title) for title in ["Chapter 480", "Medical errors"]]
    user = UserFactory(verified_email=True, legal_name="Ana Souza")
    enrollment = EnrollmentFactory(user=user, course=course, final_test_passed_at=timezone.now())
    for lesson in lessons:
        LessonProgress.objects.create(
            enrollment=enrollment,
            lesson=lesson,
            study_seconds=course.min_study_minutes * 60,
            completed_at=None if lesson is lessons[-1] else timezone.now(),
        )
    CourseEvaluation.objects.create(
        enrollment=enrollment, objectives_met=5, content_accurate=5, instructor_clear=5, useful_in_practice=5
    )
    return user, course, lessons[-1]


def licence_block(page):
    return page.locator("article.ce-licence", has_text="Florida Board of Massage Therapy")


def test_a_practitioner_watches_a_florida_license_move_and_prints_its_transcript(
    live_server, florida_course, logged_in_page
):
    user, _, last_lesson = florida_course
    expires = timezone.localdate() + datetime.timedelta(days=300)
    page = logged_in_page(user)

    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("link", name="Add a license").click()
    page.get_by_label("Board").select_option(label="Florida Board of Massage Therapy")
    page.get_by_label("License number").fill(" ma55123 ")
    page.get_by_label("Expiration date").fill(expires.isoformat())
    assert_accessible(page, "license form")
    page.get_by_role("button", name="Save license").click()
    assert "MA55123" in page.locator("main").text_content()

    page.goto(live_server.url + "/learn/")
    block = licence_block(page)
    assert "0 of 24" in block.text_content()
    assert f"2 more hours of prevention of medical errors before {expires:%B} {expires.day}, {expires.year}" in (
        block.text_content()
    )
    assert "Example data: check against the board's current rule text." in block.text_content()
    assert_accessible(page, "dashboard before")

    page.goto(live_server.url + last_lesson.url)
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.wait_for_load_state()

    page.goto(live_server.url + "/learn/")
    block = licence_block(page)
    text = " ".join(block.text_content().split())
    assert "2 of 24" in text
    assert "22 more hours in total" in text
    assert "prevention of medical errors" not in text.split("Still missing")[1].split("Measured")[0]
    assert "12 more hours live, in person" in text
    total_bar = block.locator("progress").first
    assert total_bar.get_attribute("value") == "2.00" and total_bar.get_attribute("max") == "24.00"
    assert_accessible(page, "dashboard after")

    block.get_by_role("link", name="Transcript for this license").click()
    assert "Florida Laws, Rules and Prevention of Medical Errors" in page.locator("main").text_content()
    assert_accessible(page, "transcript")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    with open(download.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    flat = " ".join(text.split())
    for expected in ["MA55123", "Florida Laws, Rules and Prevention of Medical Errors", "2.00", "50-9988"]:
        assert expected in flat, expected

    page.set_viewport_size({"width": 360, "height": 780})  # on a phone
    page.goto(live_server.url + "/learn/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert licence_block(page).locator("progress").first.is_visible()
    assert_accessible(page, "dashboard on a phone")
