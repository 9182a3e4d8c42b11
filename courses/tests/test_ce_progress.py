"""What practitioners see of their CE hours: each license's bars and what is missing on the dashboard, what a
course would add to each license on its page, and the catalog's "counts toward what I still need" filter."""

import datetime
import itertools
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import LicenceFactory, UserFactory
from certificates.services import certificate_revoke
from certificates.tests.factories import issued_certificate, nearly_complete_enrollment
from courses.models import Enrollment
from courses.selectors import catalogue_page
from credits.models import CreditEntry, DeliveryType, EntrySource, ReviewStatus
from credits.presentation import people_date
from credits.requirements import add_months
from credits.tests.factories import BoardFactory, CreditCategoryFactory, CreditEntryFactory
from lms.demo.renewal_rules import RULE_CATEGORIES, RULES, renewal_rules_seed

from .factories import CourseApprovalFactory, CoursePageFactory, EnrollmentFactory, LessonPageFactory

TODAY = timezone.localdate()
CODES = itertools.count()
EXPIRES = TODAY + datetime.timedelta(days=200)

BOARDS = {
    "FL": ("Florida Board of Massage Therapy", "Florida"),
    "TX": ("Texas Department of Licensing and Regulation", "Texas"),
    "NY": ("New York State Board for Massage Therapy", "New York"),
    "MD": ("Maryland State Board of Massage Therapy Examiners", "Maryland"),
    "OR": ("Oregon Board of Massage Therapists", "Oregon"),
    # As certificates.tests.factories names it, so that its courses are approved by this board.
    "NCBTMB": ("NCBTMB", ""),
}


@pytest.fixture
def boards(db):
    return {
        code: BoardFactory(code="ncbtmb" if code == "NCBTMB" else code, name=name, jurisdiction=jurisdiction)
        for code, (name, jurisdiction) in BOARDS.items()
    }


@pytest.fixture
def categories(db):
    slugs = {slug for spec in RULES.values() for _, line_slugs, *_ in spec["lines"] for slug in line_slugs}
    named = dict(RULE_CATEGORIES) | {"pathology": "Pathology", "laws-and-rules": "Laws and rules", "ethics": "Ethics"}
    return {
        slug: CreditCategoryFactory(slug=slug, name=named.get(slug, slug.replace("-", " ").title())) for slug in slugs
    }


@pytest.fixture
def rules(boards, categories):
    return {rule.board.code: rule for rule in renewal_rules_seed(boards=boards, categories=categories)}


def earned(user, board, hours, *, categories=(), delivery=DeliveryType.LIVE, days_ago=10, title=None):
    return CreditEntryFactory(
        earned=True,
        user=user,
        board=board,
        hours=Decimal(hours),
        delivery=delivery,
        completed_on=TODAY - datetime.timedelta(days=days_ago),
        categories=list(categories),
        **({"title": title} if title else {}),
    )


def many_entries(user, boards, categories, count):
    """`count` earned entries under the boards' approvals, spread over the last four years, in bulk."""
    entries = CreditEntry.objects.bulk_create(
        CreditEntry(
            user=user,
            source=EntrySource.EARNED,
            review_status=ReviewStatus.VERIFIED,
            board=boards[("FL", "NY", "NCBTMB")[n % 3]],
            title=f"Course {n}",
            provider_name="Medical Massage CE",
            hours=Decimal("0.25"),
            delivery=(DeliveryType.LIVE, DeliveryType.HOME_STUDY)[n % 2],
            completed_on=TODAY - datetime.timedelta(days=n * 3 % 1400),
            certificate_code=f"BULK{next(CODES):09d}",
        )
        for n in range(count)
    )
    through = CreditEntry.categories.through
    # None in ethics, which Florida and NCBTMB ask for, so that courses in it count at 500 entries too.
    slugs = ["laws-and-rules", "medical-errors", "pathology", "human-trafficking"]
    through.objects.bulk_create(
        through(creditentry_id=entry.pk, creditcategory_id=categories[slugs[n % 4]].pk)
        for n, entry in enumerate(entries)
    )


def page(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def licence_block(soup, board_name):
    heading = next(h for h in soup.select(".ce-licence h3") if h.get_text(strip=True) == board_name)
    return heading.find_parent("article")


def bars_of(block) -> dict[str, tuple[str, str, str]]:
    """label → (what it says, value, max)."""
    found = {}
    for bar in block.select(".ce-bar"):
        label, progress = bar.select_one("label"), bar.select_one("progress")
        assert label["for"] == progress["id"]
        name, _, said = label.get_text(strip=True).partition(": ")
        found[name] = (said, progress["value"], progress["max"])
    return found


def texts(block, selector) -> list[str]:
    return [item.get_text(" ", strip=True) for item in block.select(selector)]


# The dashboard


def test_the_dashboard_shows_a_florida_license_s_bars_cycle_and_what_is_missing(client, boards, categories, rules):
    practitioner = UserFactory(verified_email=True)
    LicenceFactory(user=practitioner, board=boards["FL"], number="MA98765", expires_on=EXPIRES)
    earned(practitioner, boards["FL"], "2", categories=[categories["laws-and-rules"]], title="Florida Laws and Rules")
    earned(practitioner, boards["FL"], "2", categories=[categories["medical-errors"]], delivery=DeliveryType.HOME_STUDY)
    client.force_login(practitioner)

    block = licence_block(page(client.get(reverse("courses:dashboard"))), "Florida Board of Massage Therapy")

    starts = people_date(add_months(EXPIRES, -24) + datetime.timedelta(days=1))
    assert f"Cycle: {starts} to {people_date(EXPIRES)}" in block.get_text(" ", strip=True)
    assert bars_of(block) == {
        "Total": ("4 of 24 hours", "4.00", "24.00"),
        "Live, in person": ("2 of 12 hours", "2.00", "12.00"),
        "Prevention of medical errors": ("2 of 2 hours", "2.00", "2.00"),
        "Human trafficking": ("0 of 1 hour", "0.00", "1.00"),
        "Laws and rules": ("2 of 2 hours", "2.00", "2.00"),
        "Professional ethics": ("0 of 2 hours", "0.00", "2.00"),
    }
    deadline = people_date(EXPIRES)
    assert texts(block, ".ce-missing li") == [
        f"20 more hours in total before {deadline}",
        f"10 more hours live, in person before {deadline}",
        f"1 more hour of human trafficking before {deadline}",
        f"2 more hours of professional ethics before {deadline}",
    ]
    source = block.select_one(".ce-licence__source a")
    assert source["href"] == rules["FL"].source_url
    assert source.get_text(strip=True) == "Fla. Admin. Code R. 64B7-28.009 and F.S. 480.0415"
    assert "checked December 2, 2026" in block.select_one(".ce-licence__source").get_text()
    assert "Example data: check against the board's current rule text." in block.get_text()


def test_licenses_are_listed_soonest_expiring_first_and_one_without_a_rule_says_so(client, boards, rules):
    practitioner = UserFactory(verified_email=True)
    unruled = BoardFactory(code="WA", name="Washington Board of Massage", jurisdiction="Washington")
    LicenceFactory(user=practitioner, board=boards["NY"], expires_on=TODAY + datetime.timedelta(days=900))
    LicenceFactory(user=practitioner, board=unruled, expires_on=TODAY + datetime.timedelta(days=30))
    LicenceFactory(user=practitioner, board=boards["TX"], expires_on=TODAY + datetime.timedelta(days=90))
    client.force_login(practitioner)

    soup = page(client.get(reverse("courses:dashboard")))

    assert texts(soup, ".ce-licence h3") == [
        "Washington Board of Massage",
        "Texas Department of Licensing and Regulation",
        "New York State Board for Massage Therapy",
    ]
    washington = licence_block(soup, "Washington Board of Massage")
    assert "We do not have the Washington Board of Massage's renewal rule yet" in washington.get_text()
    assert not washington.select("progress")


def test_a_renewal_item_shows_as_to_do_then_done(client, boards, categories, rules):
    practitioner = UserFactory(verified_email=True)
    LicenceFactory(user=practitioner, board=boards["TX"], expires_on=EXPIRES)
    client.force_login(practitioner)

    texas = licence_block(
        page(client.get(reverse("courses:dashboard"))), "Texas Department of Licensing and Regulation"
    )
    assert texts(texas, ".ce-checklist li") == ["Human trafficking: to do"]
    assert f"A course in human trafficking before {people_date(EXPIRES)}, as every renewal requires" in texts(
        texas, ".ce-missing li"
    )

    earned(practitioner, boards["TX"], "1", categories=[categories["human-trafficking"]])
    earned(practitioner, boards["TX"], "11", categories=[categories["pathology"]])
    texas = licence_block(
        page(client.get(reverse("courses:dashboard"))), "Texas Department of Licensing and Regulation"
    )

    assert texts(texas, ".ce-checklist li") == ["Human trafficking: done"]
    assert "Requirements met" in texas.select_one(".ce-licence__status").get_text()
    assert not texas.select(".ce-missing")


def test_completing_a_course_moves_the_bar(client, catalogue, boards, rules):
    enrollment, last_lesson = nearly_complete_enrollment(catalogue)
    LicenceFactory(user=enrollment.user, board=boards["FL"], expires_on=EXPIRES)
    client.force_login(enrollment.user)
    florida = licence_block(page(client.get(reverse("courses:dashboard"))), "Florida Board of Massage Therapy")
    assert bars_of(florida)["Total"][0] == "0 of 24 hours"

    client.post(reverse("certificates:complete_lesson", args=[last_lesson.pk]))

    soup = page(client.get(reverse("courses:dashboard")))
    # Florida takes the course's NCBTMB approval; NCBTMB's own certification counts it too.
    assert bars_of(licence_block(soup, "Florida Board of Massage Therapy"))["Total"][0] == "1.5 of 24 hours"
    assert bars_of(licence_block(soup, "NCBTMB"))["Total"][0] == "1.5 of 24 hours"


def test_a_revoked_certificate_s_hours_drop_out_and_say_why(client, catalogue, boards, rules):
    certificate = issued_certificate(catalogue)
    practitioner = certificate.enrollment.user
    LicenceFactory(user=practitioner, board=boards["FL"], expires_on=EXPIRES)
    client.force_login(practitioner)
    assert bars_of(licence_block(page(client.get(reverse("courses:dashboard"))), "NCBTMB"))["Total"][0] == (
        "1.5 of 24 hours"
    )

    certificate_revoke(
        certificate=certificate,
        by=None,
        reason="Someone else took the final test.",
        skip_permission_checks=True,
    )

    soup = page(client.get(reverse("courses:dashboard")))
    for board_name in ["Florida Board of Massage Therapy", "NCBTMB"]:
        block = licence_block(soup, board_name)
        assert bars_of(block)["Total"][0] == "0 of 24 hours"
        assert texts(block, ".ce-not-counting li") == [
            "Manual Lymphatic Drainage after Surgery: Certificate revoked: Someone else took the final test."
        ]


def test_a_practitioner_without_licenses_is_asked_to_add_one(client, db):
    client.force_login(UserFactory(verified_email=True))

    section = page(client.get(reverse("courses:dashboard"))).select_one('[aria-labelledby="licences-heading"]')

    assert "Add your licenses to your profile" in section.get_text(" ", strip=True)
    assert section.select_one("a")["href"] == reverse("accounts:profile")


def test_another_practitioner_s_record_never_shows(client, boards, categories, rules):
    practitioner, other = UserFactory(verified_email=True), UserFactory(verified_email=True)
    LicenceFactory(user=practitioner, board=boards["FL"], expires_on=EXPIRES)
    LicenceFactory(user=other, board=boards["TX"], number="TX55555", expires_on=EXPIRES)
    earned(other, boards["FL"], "20", categories=[categories["ethics"]])
    client.force_login(practitioner)

    soup = page(client.get(reverse("courses:dashboard")))

    assert texts(soup, ".ce-licence h3") == ["Florida Board of Massage Therapy"]
    assert bars_of(licence_block(soup, "Florida Board of Massage Therapy"))["Total"][0] == "0 of 24 hours"
    assert "TX55555" not in soup.get_text()


# The course page


@pytest.fixture
def three_licences(boards, categories, rules):
    """A practitioner licensed in Florida, New York (11.75 home-study hours this cycle) and Texas."""
    practitioner = UserFactory(verified_email=True)
    for code in ["FL", "NY", "TX"]:
        LicenceFactory(user=practitioner, board=boards[code], expires_on=EXPIRES)
    earned(practitioner, boards["NY"], "11.75", categories=[categories["pathology"]], delivery=DeliveryType.HOME_STUDY)
    return practitioner


@pytest.fixture
def ethics_course(catalogue, boards, categories):
    """A home-study course approved in Florida (laws and rules, ethics) and New York."""
    course = CoursePageFactory(parent=catalogue, title="Florida Laws, Rules and Ethics", ce_hours=Decimal("1.25"))
    LessonPageFactory(parent=course)
    for code, slugs in [("FL", ["laws-and-rules", "ethics"]), ("NY", ["ethics"])]:
        approval = CourseApprovalFactory(course=course, board=boards[code], delivery=DeliveryType.HOME_STUDY)
        approval.categories.set([categories[slug] for slug in slugs])
        approval.save()
    return course


def previews_on(client, course) -> list[str]:
    return texts(page(client.get(course.url)), ".ce-previews li")


def test_the_course_page_says_what_the_course_would_add_to_each_license(client, three_licences, ethics_course):
    client.force_login(three_licences)

    assert previews_on(client, ethics_course) == [
        "Counts 1.25 hours toward your Florida license, including laws and rules and professional ethics.",
        "Would go over New York's 12-hour home-study limit by 1 hour, so 0.25 hours would count.",
        "Does not count toward your Texas license: "
        "Texas Department of Licensing and Regulation does not accept this approval.",
    ]


def test_an_enrolled_practitioner_still_sees_it_until_the_course_is_completed(client, three_licences, ethics_course):
    enrollment = EnrollmentFactory(user=three_licences, course=ethics_course)
    client.force_login(three_licences)
    assert len(previews_on(client, ethics_course)) == 3

    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=timezone.now())

    assert previews_on(client, ethics_course) == []


def test_visitors_and_practitioners_without_licenses_see_no_preview(client, ethics_course):
    assert previews_on(client, ethics_course) == []

    client.force_login(UserFactory(verified_email=True))
    soup = page(client.get(ethics_course.url))

    assert not soup.select(".ce-previews")
    assert "Add your licenses to your profile to see what this course would add" in soup.get_text(" ", strip=True)


# The catalog


@pytest.fixture
def certified(boards, categories, rules):
    """An NCBTMB-certified practitioner with 24 home-study hours this cycle, none of them in ethics, and a Florida
    license."""
    practitioner = UserFactory(verified_email=True)
    certification = LicenceFactory(user=practitioner, board=boards["NCBTMB"], number="4401287", expires_on=EXPIRES)
    florida = LicenceFactory(user=practitioner, board=boards["FL"], number="MA98765", expires_on=EXPIRES)
    earned(practitioner, boards["NCBTMB"], "24", categories=[categories["pathology"]], delivery=DeliveryType.HOME_STUDY)
    return practitioner, certification, florida


@pytest.fixture
def approved_courses(catalogue, boards, categories):
    def course(title, board, slug, delivery=DeliveryType.HOME_STUDY):
        made = CoursePageFactory(parent=catalogue, title=title, delivery=delivery)
        approval = CourseApprovalFactory(course=made, board=boards[board], delivery=delivery)
        approval.categories.set([categories[slug]])
        approval.save()
        return made

    return [
        course("Boundaries and Ethics", "NCBTMB", "ethics"),
        course("Fibromyalgia, hands-on", "NCBTMB", "pathology", DeliveryType.LIVE),
        course("Texas Human Trafficking", "TX", "human-trafficking"),
    ]


def catalogue_request(user, **query):
    request = RequestFactory().get("/courses/", query)
    request.user = user
    return request


def titles(context) -> list[str]:
    return [course.title for course in context["courses"]]


def test_the_catalog_keeps_the_courses_that_count_toward_what_a_license_still_needs(
    catalogue, certified, approved_courses
):
    practitioner, certification, florida = certified

    def listed(licence):
        return titles(catalogue_page(index=catalogue, query=QueryDict(f"licence={licence.pk}"), user=practitioner))

    # Both have their 24 hours (Florida takes NCBTMB's approvals) and lack ethics; Florida lacks live hours too.
    assert listed(certification) == ["Boundaries and Ethics"]
    assert listed(florida) == ["Boundaries and Ethics", "Fibromyalgia, hands-on"]
    searched = QueryDict(f"licence={florida.pk}&q=fibromyalgia")
    assert titles(catalogue_page(index=catalogue, query=searched, user=practitioner)) == ["Fibromyalgia, hands-on"]


def test_the_catalog_page_filters_by_what_the_chosen_license_still_needs(
    client, catalogue, certified, approved_courses
):
    practitioner, _, florida = certified
    client.force_login(practitioner)

    unfiltered = page(client.get(catalogue.url))
    for_florida = page(client.get(catalogue.url, {"licence": florida.pk}))

    def listed(soup):
        return sorted(title.get_text(strip=True) for title in soup.select(".card__title"))

    assert listed(unfiltered) == ["Boundaries and Ethics", "Fibromyalgia, hands-on", "Texas Human Trafficking"]
    assert listed(for_florida) == ["Boundaries and Ethics", "Fibromyalgia, hands-on"]


def test_the_catalog_filter_is_offered_only_with_the_practitioner_s_own_licenses(
    catalogue, certified, approved_courses
):
    practitioner, *_ = certified
    stranger_licence = LicenceFactory(board=certified[1].board, number="9990001", expires_on=EXPIRES)

    def rendered(user, query):
        request = catalogue_request(user, **query)
        context = {"page": catalogue, "self": catalogue, "request": request}
        context |= catalogue_page(index=catalogue, query=request.GET, user=user)
        return context, BeautifulSoup(
            render_to_string("courses/course_index_page.html", context, request), "html.parser"
        )

    context, soup = rendered(practitioner, {})
    choices = [option.get_text(strip=True) for option in soup.select("select[name=licence] option")]
    assert choices == ["Any course", "NCBTMB license 4401287", "Florida license MA98765"]
    assert soup.select_one("label[for=id_licence]").get_text(strip=True) == "Counts toward what I still need"

    context, soup = rendered(practitioner, {"licence": stranger_licence.pk})
    assert titles(context) == ["Boundaries and Ethics", "Fibromyalgia, hands-on", "Texas Human Trafficking"]
    assert "9990001" not in str(soup)
    assert not context["is_filtered"]

    context, soup = rendered(AnonymousUser(), {"licence": stranger_licence.pk})
    assert not soup.select("select[name=licence]")
    assert len(titles(context)) == 3


def test_the_catalog_says_when_a_license_needs_nothing_more(catalogue, boards, categories, rules, approved_courses):
    practitioner = UserFactory(verified_email=True)
    licence = LicenceFactory(user=practitioner, board=boards["TX"], expires_on=EXPIRES)
    earned(practitioner, boards["TX"], "1", categories=[categories["human-trafficking"]])
    earned(practitioner, boards["TX"], "11", categories=[categories["pathology"]])

    context = catalogue_page(index=catalogue, query=QueryDict(f"licence={licence.pk}"), user=practitioner)

    assert titles(context) == []
    assert context["needed_note"] == "Your Texas license has every hour this cycle asks for."


# Query counts: the same at 5 and at 500 CE record entries, with three licenses


# What credits.selectors.standings costs: the licenses; the rules, their accepted boards, lines and lines'
# categories; the entries and their categories.
STANDINGS_QUERIES = 7
DASHBOARD_WITH_LICENCES_QUERIES = 12 + STANDINGS_QUERIES  # one of the 12 fetches the latest certificates at once
COURSE_PAGE_WITH_LICENCES_QUERIES = 22 + STANDINGS_QUERIES  # 22 for a signed-in practitioner without them, one of
# which asks whether their address is confirmed (the enroll box says so)
CATALOGUE_WITH_LICENCE_QUERIES = 20  # the page as its template renders it, without the session and the user


@pytest.fixture
def practitioner_with_three_licences(boards, categories, rules):
    practitioner = UserFactory(verified_email=True)
    for code in ["FL", "NY", "NCBTMB"]:
        LicenceFactory(user=practitioner, board=boards[code], expires_on=EXPIRES)
    return practitioner


def test_the_dashboard_query_count_does_not_grow_with_the_record(
    client, catalogue, boards, categories, practitioner_with_three_licences, django_assert_max_num_queries
):
    practitioner = practitioner_with_three_licences
    EnrollmentFactory(user=practitioner, course=CoursePageFactory(parent=catalogue))
    client.force_login(practitioner)
    many_entries(practitioner, boards, categories, 5)
    client.get(reverse("courses:dashboard"))
    with django_assert_max_num_queries(DASHBOARD_WITH_LICENCES_QUERIES):
        assert len(page(client.get(reverse("courses:dashboard"))).select(".ce-licence")) == 3
    many_entries(practitioner, boards, categories, 495)
    with django_assert_max_num_queries(DASHBOARD_WITH_LICENCES_QUERIES):
        assert len(page(client.get(reverse("courses:dashboard"))).select(".ce-licence")) == 3


def test_the_course_page_query_count_does_not_grow_with_the_record(
    client, boards, categories, practitioner_with_three_licences, ethics_course, django_assert_max_num_queries
):
    practitioner = practitioner_with_three_licences
    client.force_login(practitioner)
    many_entries(practitioner, boards, categories, 5)
    client.get(ethics_course.url)
    with django_assert_max_num_queries(COURSE_PAGE_WITH_LICENCES_QUERIES):
        assert len(previews_on(client, ethics_course)) == 3
    many_entries(practitioner, boards, categories, 495)
    with django_assert_max_num_queries(COURSE_PAGE_WITH_LICENCES_QUERIES):
        assert len(previews_on(client, ethics_course)) == 3


def test_the_filtered_catalog_query_count_does_not_grow_with_the_record_or_the_courses(
    catalogue, boards, categories, practitioner_with_three_licences, approved_courses, django_assert_max_num_queries
):
    practitioner = practitioner_with_three_licences
    florida = practitioner.licences.get(board=boards["FL"])

    def render():
        request = catalogue_request(practitioner, licence=florida.pk)
        context = {"page": catalogue, "self": catalogue, "request": request}
        context |= catalogue_page(index=catalogue, query=request.GET, user=practitioner)
        return render_to_string("courses/course_index_page.html", context, request)

    many_entries(practitioner, boards, categories, 5)
    render()
    with django_assert_max_num_queries(CATALOGUE_WITH_LICENCE_QUERIES):
        assert "Boundaries and Ethics" in render()
    many_entries(practitioner, boards, categories, 495)
    for n in range(12):
        course = CoursePageFactory(parent=catalogue, title=f"Ethics {n}")
        approval = CourseApprovalFactory(course=course, board=boards["FL"])
        approval.categories.set([categories["ethics"]])
        approval.save()
    with django_assert_max_num_queries(CATALOGUE_WITH_LICENCE_QUERIES):
        assert "13 courses match your filters" in " ".join(render().split())
