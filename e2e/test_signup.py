"""A practitioner's first hour in a real browser: signing up (a too-common password is named beside the
password), the confirmation email naming the site, the onboarding it leads to (legal name, time zone, first
license, whose number's help follows the chosen board) or skipping it, and, for an address not yet confirmed,
the course page's "Send the email again". On a desktop and a 360 px phone, every page axe-clean."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core import mail
from wagtail.models import Page, Site

from accounts.tests.factories import UserFactory
from accounts.tests.helpers import PASSWORD
from courses.models import Enrollment
from courses.tests.factories import CourseIndexPageFactory, CoursePageFactory
from credits.tests.factories import BoardFactory
from lms.models import ProviderSettings
from lms.tests.factories import HomePageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SITE_NAME = "Medical Massage CE"
PASSPHRASE = "kneading the thoracolumbar fascia 2026"  # noqa: S105
WIDTHS = pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])


def assert_accessible(page, name):
    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], f"{name}: {serious}"


def assert_fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def site(live_server):
    """A free live course on the site, and two boards a practitioner may be licensed by."""
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
    site = Site.objects.get(is_default_site=True)
    Site.objects.filter(pk=site.pk).update(root_page=home)
    ProviderSettings.objects.update_or_create(
        site=site, defaults={"name": SITE_NAME, "email": "ce@example.com", "signatory_name": "Dana Whitfield, LMT"}
    )
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home), title="Sports Massage")
    boards = {
        "florida": BoardFactory(
            code="FL",
            name="Florida Board of Massage Therapy",
            jurisdiction="Florida",
            licence_number_pattern=r"MA\d{4,6}",
            licence_number_example="MA12345",
        ),
        "texas": BoardFactory(
            code="TX",
            name="Texas Department of Licensing and Regulation",
            jurisdiction="Texas",
            licence_number_pattern=r"MT\d{6}",
            licence_number_example="MT123456",
        ),
    }
    return {"url": live_server.url, "course": course, **boards}


@pytest.fixture
def phone_or_desktop(browser):
    """A tab of the given width, in a browser that reports its time zone as Chicago's."""
    contexts = []

    def open_tab(width):
        context = browser.new_context(viewport={"width": width, "height": 800}, timezone_id="America/Chicago")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        return page

    yield open_tab
    for context in contexts:
        context.close()


def confirmation_link(message, site_url):
    [link] = re.findall(rf"{re.escape(site_url)}(/accounts/confirm-email/\S+/)", message.body)
    return link


def assert_names_the_site(message, site_url):
    """The email greets from the site, and says no host name and no internal user name outside its link."""
    host = site_url.split("//", 1)[1]
    text = message.body.replace(site_url, "")
    assert message.subject.startswith(f"[{SITE_NAME}]")
    assert f"Hello from {SITE_NAME}!" in text
    assert host not in text and host not in message.subject
    assert "localhost" not in text and "username" not in text.lower()


@WIDTHS
def test_a_practitioner_signs_up_confirms_and_fills_in_the_onboarding(site, phone_or_desktop, width):
    page = phone_or_desktop(width)
    page.goto(site["url"] + "/accounts/signup/")
    assert_accessible(page, "sign-up")

    page.get_by_label("Email").fill("minh@example.com")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_label("Password (again)").fill("password123")
    page.get_by_role("button", name="Sign up").click()

    password_field = page.locator(".field", has=page.get_by_label("Password", exact=True))
    assert "This password is too common." in password_field.inner_text()
    email_field = page.locator(".field", has=page.get_by_label("Email"))
    assert "too common" not in email_field.inner_text()
    assert_fits(page, width)
    assert_accessible(page, "sign-up with a too-common password")

    page.get_by_label("Password", exact=True).fill(PASSPHRASE)
    page.get_by_label("Password (again)").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    assert f"finish signing up to {SITE_NAME}" in page.locator("main").inner_text()
    assert_accessible(page, "check your inbox")

    [message] = mail.outbox
    assert message.to == ["minh@example.com"]
    assert_names_the_site(message, site["url"])
    page.goto(site["url"] + confirmation_link(message, site["url"]))
    main = page.locator("main")
    assert f"is your email address for {SITE_NAME}" in main.inner_text()
    assert_accessible(page, "confirm your email address")
    main.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/accounts/welcome/")
    assert page.get_by_role("heading", name=f"Welcome to {SITE_NAME}").is_visible()
    assert page.get_by_label("Time zone").input_value() == "America/Chicago"  # as the browser reported it
    number_help = page.locator("#id_licence-number_helptext")
    assert "Choose the board first" in number_help.inner_text()
    assert_fits(page, width)
    assert_accessible(page, "onboarding")

    page.get_by_role("textbox", name="Legal name").fill("Nguyễn Thị Minh")
    page.get_by_label("Board").select_option(label="Texas Department of Licensing and Regulation")
    assert "numbers look like MT123456" in number_help.inner_text()
    page.get_by_label("Board").select_option(label="Florida Board of Massage Therapy")
    assert "numbers look like MA12345" in number_help.inner_text()
    page.get_by_label("License number").fill("ma12345")
    page.get_by_label("Expiration date").fill("2028-06-30")
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/learn/")
    assert "Your profile is saved" in page.locator("[role=status]").first.inner_text()
    assert_fits(page, width)
    assert_accessible(page, "dashboard")
    user = get_user_model().objects.get(email="minh@example.com")
    assert (user.legal_name, user.time_zone) == ("Nguyễn Thị Minh", "America/Chicago")
    [licence] = user.licences.all()
    assert (licence.board, licence.number) == (site["florida"], "MA12345")
    assert page.console_errors == []


@WIDTHS
def test_an_unconfirmed_practitioner_has_the_email_sent_again_then_skips_the_onboarding(site, phone_or_desktop, width):
    # Signed up days ago, never confirmed: allauth's limit of one email every three minutes is long past.
    UserFactory(email="later@example.com", legal_name="")
    page = phone_or_desktop(width)
    course_url = site["url"] + site["course"].url

    page.goto(site["url"] + "/accounts/login/?next=" + site["course"].url)
    page.get_by_label("Email").fill("later@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    page.wait_for_url(course_url)
    page.get_by_role("button", name="Enroll for free").click()

    page.wait_for_url(course_url)
    assert "Confirm your email address first" in page.locator("[role=status]").first.inner_text()
    prompt = page.locator(".email-confirmation-prompt")
    assert "later@example.com" in prompt.inner_text()
    assert not Enrollment.objects.exists()
    assert_fits(page, width)
    assert_accessible(page, "course page, address not confirmed")
    prompt.get_by_role("button", name="Send the email again").click()

    page.wait_for_url(course_url)
    [message] = mail.outbox
    assert message.to == ["later@example.com"]
    assert_names_the_site(message, site["url"])
    assert_accessible(page, "course page, email sent again")

    page.goto(site["url"] + confirmation_link(message, site["url"]))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/welcome/")
    assert page.locator(".email-confirmation-prompt").count() == 0
    assert_accessible(page, "onboarding after confirming")
    page.get_by_role("link", name="Skip for now").click()

    page.wait_for_url("**/learn/")
    assert_accessible(page, "dashboard after skipping")
    user = get_user_model().objects.get(email="later@example.com")
    assert user.legal_name == "" and not user.licences.exists()
    page.goto(course_url)
    page.get_by_role("button", name="Enroll for free").click()
    page.wait_for_selector("text=You are enrolled in Sports Massage")
    assert Enrollment.objects.filter(user=user, course=site["course"]).exists()
    assert page.console_errors == []
