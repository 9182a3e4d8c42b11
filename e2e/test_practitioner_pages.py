"""A practitioner's own pages in a real browser: the dashboard with completed courses and their certificates,
and the certificates page with a status in words and colors and a share link to copy, on a desktop and a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model

from certificates.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_accessible(page, name):
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def background(locator):
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_a_practitioner_finds_completed_courses_and_shares_a_certificate(demo_site, logged_in_page, width):
    practitioner = get_user_model().objects.get(email="practitioner@example.com")
    valid = Certificate.objects.get(revoked_at__isnull=True, enrollment__user=practitioner)
    revoked = Certificate.objects.get(revoked_at__isnull=False, enrollment__user=practitioner)
    page = logged_in_page(practitioner)
    page.set_viewport_size({"width": width, "height": 800})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_site)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(demo_site + "/learn/")
    completed = page.locator(".completed-course")
    valid_item = completed.filter(has_text=valid.snapshot["course"]["title"])
    revoked_item = completed.filter(has_text=revoked.snapshot["course"]["title"])
    assert valid_item.locator(".badge").inner_text() == "Valid"
    assert revoked_item.locator(".badge").inner_text() == "Revoked"
    assert "You are not studying a course yet" not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"dashboard at {width}px")

    valid_item.get_by_role("link", name=valid.printed_code).click()
    page.wait_for_url(f"**/learn/certificates/#certificate-{valid.printed_code}")
    valid_row = page.locator(f"#certificate-{valid.printed_code}")
    revoked_row = page.locator(f"#certificate-{revoked.printed_code}")
    valid_badge, revoked_badge = valid_row.locator(".badge"), revoked_row.locator(".badge")
    assert (valid_badge.inner_text(), revoked_badge.inner_text()) == ("Valid", "Revoked")
    assert background(valid_badge) != background(revoked_badge)
    share = valid_row.get_by_role("link", name=f"/verify/{valid.printed_code}/")
    assert share.get_attribute("href") == f"{demo_site}/verify/{valid.printed_code}/"

    copy = valid_row.get_by_role("button", name="Copy link")
    copy.click()
    assert valid_row.get_by_role("status").inner_text() == "Link copied."
    assert page.evaluate("navigator.clipboard.readText()") == share.get_attribute("href")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"certificates at {width}px")
    assert errors == []
