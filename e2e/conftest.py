"""Browser tests: the system Chromium, driven by Playwright, against a live server on the test database."""

import os
import shutil
import threading

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server's threads share the test's in-memory SQLite connection, so two requests at
    once (a lesson's last heartbeat and the next page, say) would interleave their transactions on
    it. Requests still arrive on their own threads; only the application runs one at a time."""

    application_lock = threading.Lock()

    def get_app(self):
        application = super().get_app()

        def one_at_a_time(environ, start_response):
            with self.application_lock:
                return application(environ, start_response)

        return one_at_a_time


@pytest.fixture(scope="session", autouse=True)
def serialised_live_server():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATimeServer)
        yield


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Chromium: `make test` installs it (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser is open,
    # and Django refuses ORM calls inside a running loop. The test's own queries are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        # Inside Playwright's running loop, Django keeps separate connections for the test's own
        # queries; close them here, or PostgreSQL later refuses to drop a database still in use.
        connections.close_all()
        browser.close()
    _wait_for_live_server_requests()


def _wait_for_live_server_requests():
    """The live server answers each browser connection in a thread that holds a database connection
    until the browser hangs up: let those finish before the database is flushed (pytest-django #454)."""
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def demo_site(live_server, settings, tmp_path):
    """The seeded demo on a live server, its credentials signed with a key seed_demo creates, as in
    development. Tests using it mark themselves django_db(transaction=True, serialized_rollback=True),
    so the tests after them find Wagtail's initial pages again. Its address is the live server's, as
    `make run` gives the demo the address it serves, so every link it prints leads back to it."""
    settings.BASE_URL = live_server.url
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "demo-signing-key.pem")
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture
def enrolled(live_server):
    from wagtail.models import Page, Site

    from courses.tests.factories import CourseIndexPageFactory, CoursePageFactory, EnrollmentFactory, LessonPageFactory
    from lms.tests.factories import HomePageFactory

    home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
    Site.objects.update(root_page=home)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home), title="Sports Massage")
    lessons = [LessonPageFactory(parent=course, title=title) for title in ["Pre-event", "Post-event"]]
    enrollment = EnrollmentFactory(course=course)
    return enrollment, lessons


@pytest.fixture
def logged_in_page(browser, live_server):
    """Opens a browser tab signed in as the given user."""

    def open_as(user):
        client = Client()
        client.force_login(user)
        # Unless motion is reduced, Wagtail's admin pings its "What's new" badge for 25 s (5 s, 5 times),
        # and the accessibility checks wait for animations to end before reading colors.
        context = browser.new_context(reduced_motion="reduce")
        session = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        return context.new_page()

    return open_as


@pytest.fixture
def stripe_standin(live_server, settings):
    """A local stand-in for Stripe's API and hosted checkout page, which the site's stripe library
    calls instead of api.stripe.com; it posts its webhooks to the live server, signed with the
    endpoint secret, when `deliver_webhooks` is on."""
    from django.urls import reverse

    from e2e.stripe_standin import StripeStandIn

    webhook_url = live_server.url + reverse("payments:stripe_webhook")
    with StripeStandIn(webhook_url=webhook_url, webhook_secret=settings.STRIPE_WEBHOOK_SECRET) as standin:
        settings.STRIPE_API_BASE = standin.url
        settings.STRIPE_CHECKOUT_ORIGIN = standin.url  # the Buy form's CSP form-action lets it redirect there
        yield standin
