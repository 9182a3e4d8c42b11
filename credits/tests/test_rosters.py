"""Rosters: reviewers download completions in CE Broker's and FSMTB's layouts, mark them reported once, and
see the 30-day clock of those not yet reported."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import Licence
from accounts.tests.factories import LicenceFactory, UserFactory
from certificates.services import certificate_reissue, certificate_revoke
from certificates.tests.factories import issued_certificate
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory
from credits import rosters
from credits.models import CreditEntry, DeliveryType, RosterBatch, RosterLine
from lms.errors import NotPermitted

from .factories import BoardFactory, CreditEntryFactory

# The same at 5 and at 50 completions: the session, the reviewer and their permissions, then one query
# each for the entries, their licenses and, on the pages, the boards; the rest is the admin's menu.
DOWNLOAD_QUERIES = 9
ROSTER_PAGE_QUERIES = 16
UNREPORTED_QUERIES = 14


@pytest.fixture
def florida(db):
    return BoardFactory(code="FL", name="Florida Board of Massage Therapy", jurisdiction="Florida")


@pytest.fixture
def course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Lymphatic Drainage after Surgery")


@pytest.fixture
def reviewer(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    return UserFactory(groups=[REVIEWERS], legal_name="Dana Whitfield")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def completion(board, course, *, completed_on=None, licence="MA12345", user=None, **fields):
    """An earned entry as a certificate records it, its practitioner holding `licence` of the board."""
    user = user or UserFactory(legal_name="Ana Lima")
    if licence:
        LicenceFactory(user=user, board=board, number=licence, jurisdiction=board.jurisdiction or "Florida")
    return CreditEntryFactory(
        earned=True,
        user=user,
        board=board,
        course=course,
        provider_number="50-4321",
        approval_number="20-987654",
        title=fields.pop("title", "Manual Lymphatic Drainage after Surgery"),
        hours=Decimal("3.00"),
        completed_on=completed_on or datetime.date(2027, 3, 20),
        **fields,
    )


def roster_params(board, **params):
    return {"board": board.pk, "layout": "ce_broker", "format": "xlsx", **params}


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response)))
    return [[cell for cell in row] for row in workbook.active.iter_rows()]


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response).decode())))


def test_the_ce_broker_roster_holds_the_upload_columns_with_no_heading_row(reviewer_client, florida, course):
    completion(florida, course)

    response = reviewer_client.get(reverse("credits_rosters:download"), roster_params(florida))

    assert response["Content-Disposition"].startswith('attachment; filename="ce-broker-roster-FL-')
    [row] = xlsx_rows(response)
    assert [cell.value for cell in row] == [
        "4321",
        "987654",
        str(course.pk),
        None,
        "MA12345",
        datetime.datetime(2027, 3, 20),
        "State=FL",
        "Profession=LMT",
        None,
        None,
    ]
    assert row[5].number_format == "mm/dd/yyyy"


def test_the_csv_writes_dates_as_mm_dd_yyyy_and_a_formula_looking_title_as_text(reviewer_client, florida, course):
    title = '=HYPERLINK("https://evil.example/","Click")'
    completion(florida, course, title=title)

    fsmtb_csv = csv_rows(
        reviewer_client.get(reverse("credits_rosters:download"), roster_params(florida, layout="fsmtb", format="csv"))
    )
    fsmtb_xlsx = xlsx_rows(
        reviewer_client.get(reverse("credits_rosters:download"), roster_params(florida, layout="fsmtb"))
    )

    assert fsmtb_csv == [
        [
            "Licensee name",
            "License number",
            "License state",
            "Course number",
            "Course title",
            "Completion date",
            "CE hours",
            "Delivery type",
        ],
        ["Ana Lima", "MA12345", "FL", "20-987654", f"'{title}", "03/20/2027", "3.00", "On Demand"],
    ]
    assert fsmtb_xlsx[1][4].value == title and fsmtb_xlsx[1][4].data_type == "s"
    assert fsmtb_xlsx[1][6].value == 3


def test_fsmtb_which_issues_no_licenses_reports_each_state_license(db, course):
    fsmtb = BoardFactory(code="FSMTB", name="FSMTB CE Registry", jurisdiction="")
    texas = BoardFactory(code="TX", name="Texas Massage Therapy", jurisdiction="Texas")
    entry = completion(fsmtb, course, licence="", delivery=DeliveryType.WEBINAR)
    LicenceFactory(user=entry.user, board=texas, number="MT123456", jurisdiction="Texas")

    [row] = rosters.fsmtb_rows([entry])
    [ce_broker] = rosters.ce_broker_rows([entry])

    assert (row.cells["licence"], row.cells["licence_state"], row.cells["delivery"]) == (
        "MT123456",
        "TX",
        "Live - Webinar",
    )
    assert row.reportable
    assert ce_broker.problem == rosters.NO_STATE
    by = UserFactory()
    with pytest.raises(rosters.RosterError, match=r"not ready to report \(CE Broker needs the board.s state"):
        rosters.roster_batch_record(
            board=fsmtb, layout="ce_broker", entries=[entry], reference="", by=by, skip_permission_checks=True
        )
    batch = rosters.roster_batch_record(
        board=fsmtb, layout="fsmtb", entries=[entry], reference="", by=by, skip_permission_checks=True
    )
    assert list(batch.entries.all()) == [entry]


def test_a_practitioner_without_a_license_number_is_flagged_left_out_of_the_file_and_not_marked(
    reviewer_client, florida, course
):
    completion(florida, course, licence="MA11111")
    unlicensed = completion(florida, course, licence="", user=UserFactory(legal_name="Bo Tran"))

    page = reviewer_client.get(reverse("credits_rosters:roster"), roster_params(florida))
    rows = csv_rows(reviewer_client.get(reverse("credits_rosters:download"), roster_params(florida, format="csv")))
    refused = reviewer_client.post(
        reverse("credits_rosters:mark"), {**roster_params(florida), "entry": [unlicensed.pk], "reference": ""}
    )

    text = page.content.decode()
    assert "Mark this completion as reported" in text
    assert "Bo Tran" in text and "No license number on record" in text
    assert [row[4] for row in rows] == ["MA11111"]
    assert "1 of these completions is not ready to report (No license number on record)" in refused.content.decode()
    assert not RosterBatch.objects.exists()


def test_marking_reported_records_the_batch_and_a_second_time_is_refused_saving_nothing(
    reviewer_client, reviewer, florida, course
):
    first, second = completion(florida, course), completion(florida, course, licence="MA22222")

    done = reviewer_client.post(
        reverse("credits_rosters:mark"),
        {**roster_params(florida), "entry": [first.pk], "reference": "CEB-7781"},
        follow=True,
    )
    again = reviewer_client.post(
        reverse("credits_rosters:mark"), {**roster_params(florida), "entry": [first.pk, second.pk], "reference": ""}
    )

    assert "1 completion is marked as reported to Florida Board of Massage Therapy." in done.content.decode()
    assert "1 of these completions is already reported" in again.content.decode()
    batch = RosterBatch.objects.get()
    assert (batch.reported_by, batch.reference, batch.layout) == (reviewer, "CEB-7781", "ce_broker")
    assert list(batch.entries.all()) == [first]
    assert not RosterLine.objects.filter(entry=second).exists()
    log = ModelLogEntry.objects.get(action="credits.roster_report")
    assert (log.user, log.data["completions"]) == (reviewer, 1)
    with pytest.raises(rosters.RosterError, match="already reported"):
        rosters.roster_batch_record(board=florida, layout="ce_broker", entries=[first], reference="", by=reviewer)


def test_the_reported_batches_list_who_when_how_many_and_download_again(reviewer_client, reviewer, florida, course):
    entries = [completion(florida, course, licence=f"MA3000{n}") for n in range(3)]
    batch = rosters.roster_batch_record(
        board=florida, layout="ce_broker", entries=entries, reference="CEB-1", by=reviewer
    )

    Licence.objects.filter(number="MA30000").update(number="MA39999")  # corrected after it was reported

    page = reviewer_client.get(reverse("credits_rosters:batches")).content.decode()
    again = csv_rows(reviewer_client.get(reverse("credits_rosters:batch_download", args=[batch.pk]), {"format": "csv"}))
    roster = reviewer_client.get(reverse("credits_rosters:roster"), roster_params(florida)).content.decode()

    assert "Dana Whitfield" in page and "CEB-1" in page and "<td>3</td>" in page
    assert sorted(row[4] for row in again) == ["MA30000", "MA30001", "MA30002"]  # as sent, not as corrected
    assert "0 completions ready to report" in roster


def test_the_roster_keeps_to_the_course_and_period_chosen(reviewer_client, florida, course, catalogue):
    other = CoursePageFactory(parent=catalogue, title="Ethics for Massage Therapists")
    completion(florida, course, completed_on=datetime.date(2027, 3, 1), licence="MA40001")
    completion(florida, course, completed_on=datetime.date(2027, 4, 1), licence="MA40002")
    completion(florida, other, completed_on=datetime.date(2027, 3, 2), licence="MA40003")

    params = roster_params(florida, format="csv", course=course.pk, date_from="2027-03-01", date_to="2027-03-31")
    rows = csv_rows(reviewer_client.get(reverse("credits_rosters:download"), params))

    assert [row[4] for row in rows] == ["MA40001"]


def test_bad_choices_re_render_the_form_with_messages(reviewer_client, florida):
    backwards = reviewer_client.get(
        reverse("credits_rosters:download"), roster_params(florida, date_from="2027-04-01", date_to="2027-03-01")
    )
    no_board = reviewer_client.get(reverse("credits_rosters:roster"), {"board": "", "layout": "ce_broker"})
    long_reference = reviewer_client.post(
        reverse("credits_rosters:mark"), {**roster_params(florida), "reference": "x" * 101}
    )

    assert backwards.status_code == 200 and "The period ends before it starts." in backwards.content.decode()
    assert "This field is required." in no_board.content.decode()
    assert "Nothing was marked" in long_reference.content.decode()
    assert not RosterBatch.objects.exists()


def test_the_unreported_page_lists_oldest_first_with_the_days_left(reviewer_client, reviewer, florida, course):
    completion(florida, course, completed_on=datetime.date(2027, 3, 20), licence="MA50001")
    completion(florida, course, completed_on=datetime.date(2027, 2, 20), licence="MA50002")
    completion(
        florida, course, completed_on=datetime.date(2027, 3, 31), licence="", user=UserFactory(legal_name="Bo Tran")
    )

    with time_machine.travel(datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC), tick=False):
        reviewer_client.force_login(reviewer)  # a session begun before the trip would have expired
        items = rosters.unreported_completions(board=florida, today=datetime.date(2027, 3, 31))
        text = reviewer_client.get(reverse("credits_rosters:unreported")).content.decode()

    assert [(item.entry.completed_on.day, item.days_left) for item in items] == [(20, -9), (20, 19), (31, 30)]
    assert "Today is March 31, 2027" in text
    assert text.index("Overdue by 9 days") < text.index("19 days") < text.index("30 days")
    assert "March 22, 2027" in text  # the overdue one's date to report by
    assert "No license number on record" in text


def test_reviewers_without_the_permission_are_refused(client, catalogue, florida, course):
    authoring_roles_setup(catalogue=catalogue)
    entry = completion(florida, course)
    instructor = UserFactory(groups=[INSTRUCTORS])
    client.force_login(instructor)

    answers = [
        client.get(reverse("credits_rosters:roster"), roster_params(florida)),
        client.get(reverse("credits_rosters:download"), roster_params(florida)),
        client.get(reverse("credits_rosters:unreported")),
        client.get(reverse("credits_rosters:batches")),
        client.post(reverse("credits_rosters:mark"), {**roster_params(florida), "entry": [entry.pk]}),
    ]

    # The admin answers a refusal by sending the editor home with a message.
    assert [(answer.status_code, answer["Location"]) for answer in answers] == [(302, reverse("wagtailadmin_home"))] * 5
    assert "do not have permission" in client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Rosters" not in client.get(reverse("wagtailadmin_home")).content.decode()
    with pytest.raises(NotPermitted):
        rosters.roster_batch_record(board=florida, layout="ce_broker", entries=[entry], reference="", by=instructor)
    assert not RosterBatch.objects.exists()


def test_a_real_completion_is_on_the_roster_until_its_certificate_is_revoked(reviewer_client, catalogue):
    certificate = issued_certificate(catalogue)
    board = CreditEntry.objects.get(certificate_code=certificate.code).board

    before = csv_rows(reviewer_client.get(reverse("credits_rosters:download"), roster_params(board, format="csv")))
    certificate_revoke(certificate=certificate, by=None, reason="Attended half.", skip_permission_checks=True)
    after = csv_rows(reviewer_client.get(reverse("credits_rosters:download"), roster_params(board, format="csv")))

    assert [(row[0], row[1], row[4], row[6]) for row in before] == [("AP-1234", "DEMO-451234", "MA98765", "State=FL")]
    assert after == []
    assert rosters.unreported_completions(board=board, today=certificate.completed_on) == []


def test_a_reissued_certificate_of_a_reported_completion_is_not_reported_again(reviewer, catalogue):
    certificate = issued_certificate(catalogue)
    entry = CreditEntry.objects.get(certificate_code=certificate.code)
    rosters.roster_batch_record(board=entry.board, layout="ce_broker", entries=[entry], reference="", by=reviewer)

    new = certificate_reissue(certificate=certificate, by=None, reason="Name misspelt.", skip_permission_checks=True)
    replacement = CreditEntry.objects.get(certificate_code=new.code)

    assert rosters.unreported_completions(board=entry.board, today=certificate.completed_on) == []
    with pytest.raises(rosters.RosterError, match="under the certificate it replaces"):
        rosters.roster_batch_record(
            board=entry.board, layout="ce_broker", entries=[replacement], reference="", by=reviewer
        )


@pytest.mark.parametrize("count", [5, 50])
def test_the_roster_and_the_unreported_page_take_a_fixed_number_of_queries(
    reviewer_client, florida, course, count, django_assert_max_num_queries
):
    for n in range(count):
        completion(florida, course, licence=f"MA{60000 + n}", completed_on=datetime.date(2027, 3, 1 + n % 28))

    with django_assert_max_num_queries(DOWNLOAD_QUERIES):
        download = reviewer_client.get(reverse("credits_rosters:download"), roster_params(florida))
    with django_assert_max_num_queries(ROSTER_PAGE_QUERIES):
        page = reviewer_client.get(reverse("credits_rosters:roster"), roster_params(florida))
    with django_assert_max_num_queries(UNREPORTED_QUERIES):
        unreported = reviewer_client.get(reverse("credits_rosters:unreported"))

    assert len(xlsx_rows(download)) == count
    assert f"Mark these {count} completions as reported" in page.content.decode()
    assert unreported.content.decode().count("MA6") == count
