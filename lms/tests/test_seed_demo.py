"""seed_demo gives a newcomer a real, complete demo site, and running it again changes nothing."""

import io
import json
import math
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Page, Revision, Site

from certificates.credential_verification import credential_check, local_did_resolver, local_status_list
from certificates.models import Certificate
from certificates.pdf import certificate_html
from courses.models import CourseApproval, CourseIndexPage, CoursePage, LessonPage
from courses.sizing import MINUTES_PER_CE_HOUR, ContentSize, count_words
from credits.models import Board
from lms.demo import reference
from lms.demo.seed import load_course_files
from lms.models import HomePage, ProviderSettings
from quizzes.forms import options_short_for_board
from quizzes.models import BOARD_PASS_MARK, QuizPage

ALLOWED_CONTENT_TAGS = {"p", "b", "i", "ul", "ol", "li"}


def page_tree():
    return [
        (page.path, page.title, page.specific_class.__name__, page.live, page.has_unpublished_changes)
        for page in Page.objects.order_by("path")
    ]


def database_snapshot():
    return {
        "tree": page_tree(),
        "revisions": Revision.objects.count(),
        "users": sorted(get_user_model().objects.values_list("email", flat=True)),
        "boards": sorted(Board.objects.values_list("code", flat=True)),
        "approvals": sorted(CourseApproval.objects.values_list("number", flat=True)),
        "sites": list(Site.objects.values_list("hostname", "root_page_id", "is_default_site")),
    }


class DemoSiteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        cls.seed_output = output.getvalue()

    def test_running_seed_demo_again_changes_nothing(self):
        before = database_snapshot()
        output = io.StringIO()

        call_command("seed_demo", stdout=output)

        assert database_snapshot() == before
        assert "nothing changed" in output.getvalue()

    def test_the_demo_replaces_wagtails_welcome_page_with_the_home_page(self):
        site = Site.objects.get(is_default_site=True)

        assert isinstance(site.root_page.specific, HomePage)
        assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()
        assert CourseIndexPage.objects.child_of(site.root_page).live().count() == 1

    def test_the_admin_names_the_demo_site_by_its_name_not_its_host(self):
        site = Site.objects.get(is_default_site=True)

        assert site.site_name == "Medical Massage CE"
        assert str(site) == "Medical Massage CE [default]"  # as the admin lists it, rather than "localhost [default]"

    def test_the_demo_catalogue_has_six_real_courses_across_the_field(self):
        courses = CoursePage.objects.live().select_related("topic")

        assert courses.count() >= 6
        assert {"anatomy-physiology", "pathology", "techniques"} <= {course.topic.slug for course in courses}
        assert any(course.is_free for course in courses) and any(not course.is_free for course in courses)
        for course in courses:
            lessons = LessonPage.objects.child_of(course).live()
            assert 3 <= lessons.count() <= 6, course.title
            assert course.approvals.exists(), course.title

    def test_the_demo_practitioner_has_a_course_under_way_with_a_question_answered(self):
        self.client.login(email="practitioner@example.com", password="demo-practitioner-2026")

        dashboard = self.client.get(reverse("courses:dashboard")).content.decode()
        course = CoursePage.objects.get(slug=reference.DEMO_STUDY["course"])
        first_lesson = LessonPage.objects.child_of(course).order_by("path").first()
        lesson = BeautifulSoup(self.client.get(first_lesson.url).content, "html.parser").get_text(" ", strip=True)

        assert course.title in dashboard and "1 of 5 lessons complete" in dashboard
        assert "Minh N. asked" in lesson and "Priya R. Instructor answered" in lesson

    def test_every_demo_course_ends_in_a_final_assessment_boards_would_accept(self):
        for course in CoursePage.objects.live():
            quiz = QuizPage.objects.child_of(course).live().get()
            types = {block.block_type for block in quiz.questions}
            assert quiz.is_final and quiz.pass_mark_percent >= BOARD_PASS_MARK, course.title
            assert quiz.question_count >= 10 and len(types) >= 3, course.title
            assert all(block.value["explanation"] for block in quiz.questions), course.title
            assert options_short_for_board(quiz.questions) == {}, course.title

    def test_the_demo_practitioner_can_start_a_final_assessment(self):
        self.client.login(email="practitioner@example.com", password="demo-practitioner-2026")
        course = CoursePage.objects.get(slug=reference.DEMO_STUDY["course"])
        quiz = QuizPage.objects.child_of(course).get()

        response = self.client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)

        assert response.status_code == 200
        assert response.content.decode().count('class="question"') == quiz.question_count

    def test_the_demo_practitioner_has_a_valid_and_a_revoked_certificate_whose_codes_are_printed(self):
        certificates = Certificate.objects.filter(enrollment__user__email="practitioner@example.com")

        assert sorted(certificate.status for certificate in certificates) == ["revoked", "valid"]
        for certificate in certificates:
            assert certificate.printed_code in self.seed_output
            page = self.client.get(reverse("certificates:verify", args=[certificate.printed_code]))
            assert "Nguyễn Thị Minh" in page.content.decode()
            assert certificate.snapshot["provider"]["number"].startswith("DEMO-")
        valid = certificates.get(revoked_at__isnull=True)
        assert valid.enrollment.completed_at and valid.enrollment.final_test_passed_at

    def test_the_demo_certificates_print_the_providers_logo_and_the_administrators_signature(self):
        provider = ProviderSettings.for_site(Site.objects.get(is_default_site=True))
        certificate = Certificate.objects.filter(revoked_at__isnull=True).first()

        page = BeautifulSoup(certificate_html(certificate), "html.parser")

        assert provider.logo and provider.signature
        assert page.select_one("img.logo") is not None
        assert page.select_one(".signature img")["alt"] == f"Signature of {provider.signatory_name}"

    def test_demo_approval_numbers_are_marked_as_demo_data(self):
        numbers = CourseApproval.objects.values_list("number", flat=True)

        assert numbers and all(number.startswith("DEMO-") for number in numbers)

    def test_every_demo_user_can_sign_in_with_the_printed_password(self):
        for user in reference.USERS:
            assert f"{user['email']:<26} password: {user['password']}" in self.seed_output
            assert self.client.login(email=user["email"], password=user["password"]), user["email"]
            self.client.logout()

    def test_the_demo_pages_are_served_with_each_courses_first_lesson_as_a_free_preview(self):
        course = CoursePage.objects.live().first()
        first, second = LessonPage.objects.child_of(course).live().order_by("path")[:2]

        for url in ["/", "/courses/", course.url, first.url]:
            assert self.client.get(url).status_code == 200, url
        assert self.client.get(second.url).status_code == 403

    def test_a_paid_demo_course_shows_the_providers_written_policies_before_paying(self):
        practitioner = get_user_model().objects.get(email="practitioner@example.com")
        course = next(
            course for course in CoursePage.objects.live().exclude(enrollments__user=practitioner) if not course.is_free
        )
        self.client.force_login(practitioner)

        page = BeautifulSoup(self.client.get(reverse("payments:checkout", args=[course.pk])).content, "html.parser")

        policies = page.select_one("section[aria-labelledby=policies-heading]").get_text(" ", strip=True)
        assert "A full refund within 14 days of purchase, if no lesson of the course has been completed." in policies
        assert "To cancel a registration, email ce@example.com with your order number" in policies
        assert "None: the certificate of completion is included in the course price" in policies
        assert "Not published yet" not in policies
        assert page.select_one("main form input[name=accept_policies]") is not None


def test_seed_demo_refuses_to_run_where_demo_passwords_would_be_dangerous(db, settings):
    settings.SEED_DEMO_ALLOWED = False

    with pytest.raises(CommandError, match="disabled"):
        call_command("seed_demo")

    assert not get_user_model().objects.exists()


def test_the_demo_runs_where_base_url_says_and_a_demo_seeded_at_localhost_moves_there(db, settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "demo-signing-key.pem")
    call_command("seed_demo", stdout=io.StringIO())  # at http://localhost, where demos used to be seeded
    settings.BASE_URL = "http://127.0.0.1:8000"
    output = io.StringIO()

    call_command("seed_demo", stdout=output)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    assert "The demo is at http://127.0.0.1:8000/" in output.getvalue()
    certificates = Certificate.objects.all()
    assert certificates.count() == len(reference.DEMO_CERTIFICATES)
    for certificate in certificates:
        credential = json.loads(certificate.credential)
        check = credential_check(
            certificate.credential, resolve_did=local_did_resolver, fetch_status_list=local_status_list
        )
        assert credential["id"] == f"http://127.0.0.1:8000/certificates/{certificate.printed_code}/credential.json"
        assert credential["issuer"]["id"] == "did:web:127.0.0.1%3A8000"
        assert check.revoked == (certificate.revoked_at is not None) and not check.unchecked_status
        assert f"http://127.0.0.1:8000/verify/{certificate.printed_code}/" in certificate_html(certificate)


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        assert not attrs, f"<{tag}> carries attributes {attrs}"


def rich_texts(course):
    yield course["description"]
    for lesson in course["lessons"]:
        for block in lesson["blocks"]:
            if "html" in block:
                yield block["html"]


@pytest.mark.parametrize("course", load_course_files(), ids=lambda course: course["slug"])
def test_demo_course_content_uses_only_plain_rich_text(course):
    collector = TagCollector()
    for html in rich_texts(course):
        collector.feed(html)
    assert collector.tags <= ALLOWED_CONTENT_TAGS


@pytest.mark.parametrize("course", load_course_files(), ids=lambda course: course["slug"])
def test_demo_course_content_supports_its_declared_ce_hours(course):
    words = 0
    for lesson in course["lessons"]:
        for block in lesson["blocks"]:
            texts = [block.get("text", ""), block.get("title", ""), *block.get("steps", [])]
            texts.append(re.sub(r"<[^>]+>", " ", block.get("html", "")))
            words += count_words(texts)

    assert ContentSize(words=words).ce_hours >= Decimal(course["ce_hours"])


@pytest.mark.parametrize("course", load_course_files(), ids=lambda course: course["slug"])
def test_demo_course_minimum_study_time_is_the_rules_minutes_per_ce_hour(course):
    # The rule the editor states and enforces, neither less (refused) nor a stricter rule of the demo's own.
    assert course["min_study_minutes"] == math.ceil(Decimal(course["ce_hours"]) * MINUTES_PER_CE_HOUR)


def test_seed_demo_fills_only_the_policies_an_editor_has_left_blank(db):
    call_command("seed_demo", stdout=io.StringIO())
    provider = ProviderSettings.objects.get()
    provider.refund_policy = "No refunds once the course is opened."
    provider.cancellation_policy = ""
    provider.save()
    output = io.StringIO()

    call_command("seed_demo", stdout=output)

    provider.refresh_from_db()
    assert provider.refund_policy == "No refunds once the course is opened."
    assert provider.cancellation_policy == reference.PROVIDER["cancellation_policy"]
    assert "Created 1 objects." in output.getvalue()
