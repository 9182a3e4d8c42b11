"""Transcripts as their holder reads, downloads and prints them: a Florida license's cycle, current and
past, and the full record, as a page, a CSV file and a PDF, from certificates issued the real way."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import LicenceFactory, UserFactory
from certificates.services import completion_record
from certificates.tests.factories import nearly_complete_enrollment
from courses.models import Enrollment, LessonProgress
from courses.tests.factories import CourseApprovalFactory
from credits.models import CreditCategory, CreditEntry, EntrySource, ReviewStatus
from credits.requirements import add_months
from credits.tests.factories import BoardFactory, CreditCategoryFactory, CreditEntryFactory
from lms.demo.renewal_rules import RULE_CATEGORIES, RULES, renewal_rules_seed

pytestmark = pytest.mark.django_db

FL_PROVIDER_NUMBER = "50-12345"
FL_APPROVAL = "FL-CE-20-4471"
FL_TITLE = "Manual Lymphatic Drainage after Surgery (Florida)"

SLUGS = {slug for spec in RULES.values() for _, slugs, *_ in spec["lines"] for slug in slugs}


@pytest.fixture
def boards(db):
    """The seeded boards' renewal rules, on boards and categories made here (NCBTMB as certificates make it)."""
    made = {
        "NCBTMB": BoardFactory(code="ncbtmb", name="NCBTMB", provider_number="AP-1234"),
        "FL": BoardFactory(
            code="FL",
            name="Florida Board of Massage Therapy",
            jurisdiction="Florida",
            provider_number=FL_PROVIDER_NUMBER,
        ),
    }
    for code in ("TX", "NY", "MD", "OR"):
        made[code] = BoardFactory(code=code, name=f"{code} Board of Massage Therapy", jurisdiction=code)
    names = dict(RULE_CATEGORIES)
    categories = {
        slug: CreditCategoryFactory(slug=slug, name=names.get(slug, slug.replace("-", " ").capitalize()))
        for slug in SLUGS | {"pathology"}
    }
    renewal_rules_seed(boards=made, categories=categories)
    return made


@pytest.fixture
def practitioner(boards):
    return UserFactory(verified_email=True, legal_name="Nguyễn Thị Minh")


@pytest.fixture
def florida(practitioner, boards):
    # Expiring in 400 days: the current cycle began about 11 months ago, the one before ended then.
    return LicenceFactory(
        user=practitioner,
        board=boards["FL"],
        number="MA98765",
        jurisdiction="Florida",
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
    )


def certificate_for(user, catalogue, boards, *, course_title, florida_title=FL_TITLE):
    """A course approved by NCBTMB and by Florida, completed by `user` the way a practitioner completes it."""
    enrollment, last_lesson = nearly_complete_enrollment(catalogue, course_title=course_title)
    Enrollment.objects.filter(pk=enrollment.pk).update(user=user)
    approval = CourseApprovalFactory(
        course=enrollment.course,
        board=boards["FL"],
        number=FL_APPROVAL,
        approved_title=florida_title,
        approved_hours=Decimal("1.50"),
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    approval.categories.add(CreditCategoryFactory(slug="medical-errors"))
    approval.save()
    LessonProgress.objects.filter(enrollment=enrollment, lesson=last_lesson).update(completed_at=timezone.now())
    enrollment.refresh_from_db()
    return completion_record(enrollment=enrollment).certificate


@pytest.fixture
def certificate(practitioner, florida, catalogue, boards):
    return certificate_for(practitioner, catalogue, boards, course_title="Lymphatic Drainage after Surgery")


def url(name, *args, **query):
    address = reverse(f"credits:{name}", args=args)
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def pdf_text(response):
    """The PDF's words, one space apart: table cells wrap long titles onto several lines."""
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_page_shows_the_course_its_hours_and_the_certificate_that_proves_it(client, certificate, florida):
    client.force_login(florida.user)

    response = client.get(url("transcript", florida.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Minh" in page and "MA98765" in page and "Florida Board of Massage Therapy" in page
    # Counted once, under Florida's own approval: its title, number and provider number.
    assert FL_TITLE in page and FL_APPROVAL in page and FL_PROVIDER_NUMBER in page
    assert "1.50" in page
    assert certificate.printed_code in page
    assert "http://localhost" + reverse("certificates:verify", args=[certificate.printed_code]) in page
    assert "Fla. Admin. Code R. 64B7-28.009" in page and "Example data" in page
    assert "Medical Massage CE" in page and "Tallahassee" in page  # the provider's details
    # Florida asks 24 hours; 1.5 count; so 22.5 are missing, said with the cycle's end.
    assert (
        f"22.5 more hours in total before {florida.expires_on:%B} {florida.expires_on.day}, {florida.expires_on.year}"
        in page
    )
    assert 'href="/static/css/transcript.css"' in page  # the print stylesheet


def test_the_csv_holds_the_license_the_cycle_and_one_row_per_completion(client, certificate, florida):
    client.force_login(florida.user)

    response = client.get(url("transcript_csv", florida.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="transcript-fl-ma98765-{florida.expires_on:%Y-%m-%d}.csv"'
    )
    assert "private" in response["Cache-Control"]
    rows = csv_rows(response)
    heading = {row[0]: row[1] for row in rows if len(row) == 2}
    assert heading["Practitioner"] == "Nguyễn Thị Minh"
    assert heading["License number"] == "MA98765"
    assert heading["Cycle ends"] == florida.expires_on.isoformat()
    assert heading["Rule status"].startswith("Example data")
    columns = rows.index(next(row for row in rows if row and row[0] == "Completion date"))
    completion = dict(zip(rows[columns], rows[columns + 1], strict=True))
    assert completion["Course title (as approved)"] == FL_TITLE
    assert completion["Provider number"] == FL_PROVIDER_NUMBER
    assert completion["Approval number"] == FL_APPROVAL
    assert completion["Approved hours"] == completion["Hours counted"] == "1.50"
    assert completion["Certificate code"] == certificate.printed_code
    assert rows[columns + 2] == []  # one completion, counted once though approved by two boards
    assert ["Total CE hours", "24.00", "", "1.50", "no"] in rows


def test_the_pdf_text_holds_the_license_number_the_course_its_approved_hours_and_the_provider_number(
    client, certificate, florida
):
    client.force_login(florida.user)

    response = client.get(url("transcript_pdf", florida.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="transcript-fl-ma98765-')
    assert "private" in response["Cache-Control"]
    text = pdf_text(response)
    assert "MA98765" in text
    assert "Florida" in text and "Lymphatic Drainage after Surgery" in text
    assert "1.50" in text
    assert FL_PROVIDER_NUMBER in text
    assert certificate.printed_code in text


def test_the_pdf_prints_the_certificates_verification_address_where_the_site_runs(
    client, certificate, florida, settings
):
    settings.BASE_URL = "https://ce.example.org"
    client.force_login(florida.user)

    text = pdf_text(client.get(url("transcript_pdf", florida.pk)))

    # The narrow column wraps the address, which the text extraction reads as spaces.
    assert "https://ce.example.org" + reverse("certificates:verify", args=[certificate.printed_code]) in (
        text.replace(" ", "")
    )


def test_the_full_transcript_links_each_certificate_to_its_verification_page_where_the_site_runs(
    client, certificate, florida, settings
):
    settings.BASE_URL = "https://ce.example.org"
    client.force_login(florida.user)
    address = "https://ce.example.org" + reverse("certificates:verify", args=[certificate.printed_code])

    page = BeautifulSoup(client.get(url("transcript_full")).content, "html.parser")

    assert page.find("a", string=certificate.printed_code)["href"] == address
    assert page.select_one(".transcript__url").get_text() == address


def test_a_past_cycle_prints_its_own_completions_only(client, practitioner, florida, catalogue, boards):
    two_years_ago = timezone.now() - datetime.timedelta(days=500)
    with time_machine.travel(two_years_ago, tick=False):
        old = certificate_for(
            practitioner, catalogue, boards, course_title="Fibromyalgia", florida_title="Fibromyalgia care"
        )
    new = certificate_for(
        practitioner,
        catalogue,
        boards,
        course_title="Kinesiology of the Shoulder",
        florida_title="Shoulder kinesiology",
    )
    client.force_login(practitioner)

    current = client.get(url("transcript", florida.pk)).content.decode()
    previous_end = add_months(florida.expires_on, -24)
    link = url("transcript", florida.pk, cycle=previous_end.isoformat())
    assert f'href="{link}"' in current  # the page lists the past cycle to print
    assert "Shoulder kinesiology" in current and "Fibromyalgia care" not in current

    past = client.get(link)
    page = past.content.decode()
    assert past.status_code == 200
    assert "Fibromyalgia care" in page and old.printed_code in page
    assert "Shoulder kinesiology" not in page and new.printed_code not in page
    assert f"{previous_end:%B} {previous_end.day}, {previous_end.year}" in page
    assert "Missing at the cycle's end" in page

    pdf = pdf_text(client.get(url("transcript_pdf", florida.pk, cycle=previous_end.isoformat())))
    assert "Fibromyalgia care" in pdf and "Shoulder kinesiology" not in pdf
    rows = csv_rows(client.get(url("transcript_csv", florida.pk, cycle=previous_end.isoformat())))
    titles = [row[1] for row in rows if len(row) > 2 and row[0] != "Completion date" and row[0][:2] == "20"]
    assert titles == ["Fibromyalgia care"]


def test_the_page_links_the_cycles_of_the_six_years_records_are_kept(client, florida):
    client.force_login(florida.user)

    page = client.get(url("transcript", florida.pk)).content.decode()

    # Ending 400 days from now, 24 months long: three cycles before it ended within the last six years.
    for months in (24, 48, 72):
        ended = add_months(florida.expires_on, -months)
        assert f'href="{url("transcript", florida.pk, cycle=ended.isoformat())}"' in page
    assert add_months(florida.expires_on, -96).isoformat() not in page


def test_a_license_in_its_first_cycle_has_no_earlier_one_and_asks_the_prorated_hours(client, florida):
    florida.first_licensed_on = florida.expires_on - datetime.timedelta(days=300)  # nine whole months
    florida.save()
    client.force_login(florida.user)

    page = client.get(url("transcript", florida.pk)).content.decode()

    assert "Current cycle (first)" in page and "Other cycles" not in page
    assert "9 more hours in total" in page
    assert client.get(url("transcript", florida.pk, cycle=add_months(florida.expires_on, -24))).status_code == 404


@pytest.mark.parametrize("cycle", ["2019-02-30", "yesterday", "2011-01-01"])
def test_a_date_that_ends_no_printable_cycle_is_not_found(client, florida, cycle):
    client.force_login(florida.user)
    day_before_end = florida.expires_on - datetime.timedelta(days=1)

    for asked in (cycle, day_before_end.isoformat()):
        for name in ("transcript", "transcript_csv", "transcript_pdf"):
            assert client.get(url(name, florida.pk, cycle=asked)).status_code == 404


@pytest.mark.parametrize("name", ["transcript", "transcript_csv", "transcript_pdf"])
def test_another_practitioners_license_is_not_found(client, certificate, florida, name):
    client.force_login(UserFactory())

    response = client.get(url(name, florida.pk))

    assert response.status_code == 404
    assert b"MA98765" not in response.content


@pytest.mark.parametrize("name", ["transcript_full", "transcript_full_csv", "transcript_full_pdf"])
def test_the_full_transcript_is_ones_own(client, certificate, florida, name):
    client.force_login(UserFactory())

    response = client.get(url(name))

    assert response.status_code == 200
    assert certificate.printed_code.encode() not in response.content
    assert b"MA98765" not in response.content


@pytest.mark.parametrize("name", ["transcript", "transcript_csv", "transcript_pdf"])
def test_transcripts_ask_to_log_in(client, florida, name):
    response = client.get(url(name, florida.pk))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_full_transcript_lists_every_entry_of_every_board_with_its_status(client, certificate, practitioner):
    rejected = CreditEntryFactory(
        user=practitioner, title="Hot stone basics", review_status=ReviewStatus.REJECTED, review_note="No certificate."
    )
    pending = CreditEntryFactory(user=practitioner, title='=HYPERLINK("http://evil")', board=None)
    client.force_login(practitioner)

    page = client.get(url("transcript_full")).content.decode()
    # Under both approvals, NCBTMB's and Florida's, as the record keeps them.
    assert "Manual Lymphatic Drainage after Surgery" in page and FL_TITLE in page
    assert "AP-1234" in page and FL_PROVIDER_NUMBER in page
    assert "Rejected" in page and "No certificate." in page and "Awaiting a reviewer." in page
    assert f'href="{url("transcript", practitioner.licences.get().pk)}"' in page

    rows = csv_rows(client.get(url("transcript_full_csv")))
    header = rows.index(next(row for row in rows if row and row[0] == "Completion date"))
    table = [dict(zip(rows[header], row, strict=True)) for row in rows[header + 1 :]]
    assert len(table) == 4  # two approvals of the certificate, two reported credits
    statuses = {row["Course title (as approved)"]: row["Status"] for row in table}
    assert statuses[rejected.title] == "Rejected"
    # A title that a spreadsheet would run as a formula stays text.
    assert statuses["'" + pending.title] == "Self-reported"
    assert {row["Certificate code"] for row in table} == {certificate.printed_code, ""}

    pdf = pdf_text(client.get(url("transcript_full_pdf")))
    assert "MA98765" in pdf and "AP-1234" in pdf and "Hot stone basics" in pdf


def test_a_board_without_a_rule_says_so(client, practitioner):
    licence = LicenceFactory(user=practitioner, board=BoardFactory(code="WA", name="Washington"), number="MA60000")
    client.force_login(practitioner)

    page = client.get(url("transcript", licence.pk)).content.decode()

    assert "No renewal rule is recorded for Washington yet" in page
    assert client.get(url("transcript_pdf", licence.pk)).status_code == 200


def add_entries(user, board, count):
    """`count` earned entries across the current cycle, as issuing certificates would leave them."""
    today = timezone.localdate()
    entries = CreditEntry.objects.bulk_create(
        CreditEntry(
            user=user,
            source=EntrySource.EARNED,
            board=board,
            title=f"Course {n}",
            provider_name="Medical Massage CE",
            provider_number=FL_PROVIDER_NUMBER,
            approval_number=f"FL-{n}",
            hours=Decimal("1.00"),
            delivery="home_study",
            completed_on=today - datetime.timedelta(days=n % 300),
            certificate_code=f"CODE{n:09d}",
            review_status=ReviewStatus.VERIFIED,
        )
        for n in range(count)
    )
    category = CreditCategoryFactory(slug="medical-errors")
    CreditEntry.categories.through.objects.bulk_create(
        CreditEntry.categories.through(creditentry_id=entry.pk, creditcategory_id=category.pk) for entry in entries
    )


# The session and its user; the license; the rule with its accepted boards, lines and their categories; the
# entries with their categories; the default site and its provider details. A page adds the base template's:
# the site and provider details it reads by request, the user's permissions and the catalog link.
CSV_QUERIES = 11
PAGE_QUERIES = CSV_QUERIES + 5
# The session and its user, the entries with their categories, the licenses, the site and provider details.
FULL_CSV_QUERIES = 7
FULL_PAGE_QUERIES = FULL_CSV_QUERIES + 5


@pytest.mark.parametrize("count", [5, 500])
def test_the_transcript_costs_the_same_queries_for_5_or_500_entries(
    client, home_page, practitioner, florida, boards, count, django_assert_max_num_queries
):
    LicenceFactory(user=practitioner, board=boards["TX"], number="MT1234")
    LicenceFactory(user=practitioner, board=boards["NCBTMB"], number="NC5555")
    add_entries(practitioner, boards["FL"], count)
    client.force_login(practitioner)

    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(url("transcript", florida.pk))
    with django_assert_max_num_queries(CSV_QUERIES):
        sheet = client.get(url("transcript_csv", florida.pk))
    with django_assert_max_num_queries(FULL_PAGE_QUERIES):
        full_page = client.get(url("transcript_full"))
    with django_assert_max_num_queries(FULL_CSV_QUERIES):
        full_sheet = client.get(url("transcript_full_csv"))

    assert page.content.decode().count("<code>CODE-") == count
    assert full_page.content.decode().count("<code>CODE-") == count
    category = CreditCategory.objects.get(slug="medical-errors").name
    assert full_page.content.decode().count(f"Home study · {category}</span>") == count
    assert len([row for row in csv_rows(sheet) if row and row[0][:2] == "20"]) == count
    assert len([row for row in csv_rows(full_sheet) if row and row[0][:2] == "20"]) == count
