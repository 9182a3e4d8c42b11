"""What a practitioner and a regulator meet in a real browser: accessible pages, working filters, lessons
that fit a phone, and certificate codes checked on the verification page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from certificates.models import Certificate
from courses.models import CoursePage, LessonPage
from quizzes.models import QuizPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_accessible(page, name):
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{name}: {serious}"


def demo_urls():
    course = CoursePage.objects.live().get(slug="myofascial-release-chronic-low-back-pain")
    lesson = LessonPage.objects.child_of(course).live().first()
    return {
        "home": "/",
        "catalog": "/courses/",
        "course": course.url,
        "lesson": lesson.url,
        "final assessment": QuizPage.objects.child_of(course).live().get().url,
        "sign in": "/accounts/login/",
        "verify": "/verify/",
        "verified certificate": f"/verify/{Certificate.objects.filter(revoked_at__isnull=True).first().printed_code}/",
        "not found": "/no-such-page/",
    }


def test_public_pages_have_no_accessibility_violations_or_console_errors(demo_site, page):
    axe = Axe()
    for name, url in demo_urls().items():
        page.goto(demo_site + url)
        if name == "verified certificate":
            assert page.get_by_text("(Open Badges 3.0) checks out").is_visible()
        results = axe.run(page)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    # A CSP violation or a missing file shows up here; the deliberate 404 is the one expected error.
    assert page.console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]


def test_a_practitioner_filters_the_catalogue_with_the_keyboard(demo_site, page):
    page.goto(demo_site + "/courses/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"

    page.get_by_label("Topic").select_option(label="Pathology")
    page.get_by_label("Price").select_option(label="Paid")
    page.get_by_role("button", name="Show courses").press("Enter")

    page.wait_for_url("**/courses/?*topic=pathology*")
    assert page.locator(".card__title").all_inner_texts() == ["Fibromyalgia and Massage Therapy"]
    assert page.get_by_role("heading", name="1 course matches your filters").is_visible()


def test_a_lesson_reads_on_a_phone_without_sideways_scrolling(demo_site, browser):
    phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = phone.new_page()
    page.goto(demo_site + demo_urls()["lesson"])

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    font_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose p')).fontSize)")
    assert font_size >= 16
    phone.close()


def assert_on_screen(page, locator, what):
    """The whole of it in the window, give or take the sub-pixel an anchor's scroll leaves."""
    box = locator.bounding_box()
    top, bottom = box["y"], box["y"] + box["height"]
    assert top >= -1 and bottom <= page.viewport_size["height"], f"{what} spans {top:.0f}px to {bottom:.0f}px"


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_a_visitor_finds_the_enroll_box_first_and_a_free_previews_next_leads_to_it(demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=width < 400)
    page = context.new_page()
    page.goto(demo_site + demo_urls()["course"])

    enroll = page.locator("#enroll")
    assert_on_screen(page, enroll.get_by_role("link", name="Log in to enroll"), "the enroll button")
    assert page.get_by_text("Content sizing").count() == 0 and page.get_by_text("by content (").count() == 0
    assert page.get_by_role("heading", name="Assessments").is_visible()
    assert page.locator(".syllabus--plain li").first.inner_text() == "Final assessment"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"course page at {width}px")

    # The syllabus says which lesson a visitor may read; its Next leads to the enroll box, not a locked lesson.
    preview = page.locator(".syllabus li", has_text="Free preview")
    assert preview.count() == 1
    preview.get_by_role("link").click()
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**#enroll")
    assert "Study this course" in enroll.inner_text()
    assert_on_screen(page, enroll, "the enroll box after Next")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"enroll box after a free preview at {width}px")
    context.close()


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_a_regulator_checks_codes_on_the_verification_page(demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    valid = Certificate.objects.get(revoked_at__isnull=True, enrollment__user__email="practitioner@example.com")
    revoked = Certificate.objects.get(revoked_at__isnull=False, enrollment__user__email="practitioner@example.com")
    field = page.get_by_label("Certificate code")

    # The example printed on the form is well-formed: typing it finds no certificate, not a typo.
    page.goto(demo_site + "/verify/")
    assert_accessible(page, f"verify form at {width}px")
    example = page.locator(".lead code").inner_text()
    field.fill(example.lower())
    page.get_by_role("button", name="Verify").click()
    alert = page.get_by_role("alert")
    assert page.get_by_role("heading", level=1).inner_text() == "No such certificate"
    assert alert.is_visible() and f"No certificate with the code {example}" in alert.inner_text()
    assert field.input_value() == example and page.evaluate("document.activeElement.id") == "code"
    assert_accessible(page, f"unknown code at {width}px")

    # A typing mistake is said in the same place, and what was typed stays to be corrected.
    mistyped = valid.printed_code[:-1] + ("0" if valid.printed_code[-1] != "0" else "1")
    field.fill(mistyped)
    field.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Not a certificate code"
    assert "typing mistake" in page.get_by_role("alert").inner_text() and field.input_value() == mistyped
    assert_accessible(page, f"mistyped code at {width}px")

    field.fill(valid.printed_code)
    field.press("Enter")
    page.wait_for_url(f"**/verify/{valid.printed_code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Valid certificate"
    numbered = [approval for approval in valid.snapshot["course"]["approvals"] if approval["provider_number"]]
    assert len(numbered) > 1  # the demo's course is approved by NCBTMB and by state boards
    for approval in numbered:
        provider_number = page.locator("dt", has_text=f"{approval['board_name']} provider no.").locator("+ dd")
        assert provider_number.inner_text() == approval["provider_number"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"valid certificate at {width}px")

    page.goto(demo_site + f"/verify/{revoked.printed_code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Revoked certificate"
    assert page.get_by_text("checks out").count() == 0 and page.locator(".message--success").count() == 0
    assert page.get_by_text("(Open Badges 3.0) is intact").is_visible()
    assert page.get_by_text("The issuer has revoked it").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"revoked certificate at {width}px")
    context.close()


def test_on_a_phone_the_first_course_is_on_the_first_screen(demo_site, browser):
    phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = phone.new_page()
    page.goto(demo_site + "/courses/?topic=pathology")

    first_card = page.locator(".card").first.bounding_box()
    assert first_card["y"] + 40 <= 740, "the first course card starts below the first screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not page.get_by_label("Price").is_visible()
    assert_accessible(page, "catalog folded at 360px")

    page.get_by_text("Filters (1 active)").click()
    page.get_by_label("Price").select_option(label="Free")
    page.get_by_role("button", name="Show courses").click()
    page.wait_for_url("**/courses/?*price=free*")
    assert page.get_by_role("heading", name="0 courses match your filters").is_visible()
    assert page.get_by_text("Filters (2 active)").is_visible()

    page.goto(demo_site + "/courses/")
    page.get_by_label("Search courses").fill("fibro")
    page.get_by_label("Search courses").press("Enter")
    assert page.locator(".card__title").all_inner_texts() == ["Fibromyalgia and Massage Therapy"]
    assert_accessible(page, "catalog search at 360px")
    phone.close()
