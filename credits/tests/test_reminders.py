"""Renewal reminders: 90, 30 and 7 days before a license expires with its rule unmet, each sent once."""

import datetime
import smtplib
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import LicenceFactory, UserFactory
from credits import reminders
from credits.models import CreditCategory, DeliveryType, RenewalReminder, ReviewStatus
from credits.reminders import renewal_reminders_send
from credits.tasks import renewal_reminders_send_task
from credits.tests.factories import (
    BoardFactory,
    CreditCategoryFactory,
    CreditEntryFactory,
    RenewalRuleFactory,
    RequirementLineFactory,
)

pytestmark = pytest.mark.django_db

EXPIRES = datetime.date(2027, 8, 31)


def at(day: datetime.date):
    """The clock pinned to midday (UTC) of `day`, the same date in the provider's time zone."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def florida(home_page):
    board = BoardFactory(code="FL", name="Florida Board of Massage Therapy")
    rule = RenewalRuleFactory(board=board, total_hours=Decimal("24"))
    trafficking = CreditCategoryFactory(slug="human-trafficking", name="Human trafficking")
    line = RequirementLineFactory(
        rule=rule, label="human trafficking", min_hours=Decimal("1"), categories=[trafficking]
    )
    line.save()  # a ParentalManyToManyField is written on save
    return board


def practitioner_licence(board, *, name="Nguyen Thi Minh", number="MA98765", expires_on=EXPIRES):
    user = UserFactory(legal_name=name)
    return LicenceFactory(user=user, board=board, number=number, expires_on=expires_on)


def verified_hours(user, board, hours, *, completed_on=datetime.date(2026, 10, 1), **kwargs):
    return CreditEntryFactory(
        user=user,
        board=board,
        hours=Decimal(hours),
        completed_on=completed_on,
        delivery=DeliveryType.LIVE,
        review_status=ReviewStatus.VERIFIED,
        **kwargs,
    )


def days_before(days):
    return EXPIRES - datetime.timedelta(days=days)


def test_the_90_30_and_7_day_reminders_each_arrive_once_across_daily_and_repeated_runs(florida):
    practitioner_licence(florida)
    received = {}
    day = days_before(120)
    while day <= EXPIRES + datetime.timedelta(days=3):
        with at(day):
            for _ in range(2):  # a scheduler that fires twice a day sends nothing more
                mail.outbox.clear()
                renewal_reminders_send()
                if mail.outbox:
                    received[(EXPIRES - day).days] = mail.outbox[0].subject
        day += datetime.timedelta(days=1)

    assert list(received) == [90, 30, 7]
    assert all("MA98765" in subject and "August 31, 2027" in subject for subject in received.values())


def test_a_license_first_recorded_20_days_before_expiry_gets_the_30_day_reminder_then_the_7_day_one(florida):
    with at(days_before(20)):
        practitioner_licence(florida)
        assert renewal_reminders_send() == 1
        assert renewal_reminders_send() == 0
    with at(days_before(8)):
        assert renewal_reminders_send() == 0
    with at(days_before(7)):
        assert renewal_reminders_send() == 1

    assert sorted(RenewalReminder.objects.values_list("days_before", flat=True)) == [7, 30]
    assert len(mail.outbox) == 2


def test_a_license_whose_rule_is_met_gets_no_reminder(florida):
    licence = practitioner_licence(florida)
    trafficking = CreditCategory.objects.get(slug="human-trafficking")
    verified_hours(licence.user, florida, "23")
    verified_hours(licence.user, florida, "1", categories=[trafficking])

    with at(days_before(30)):
        assert renewal_reminders_send() == 0

    assert mail.outbox == []
    assert not RenewalReminder.objects.exists()


def test_a_license_whose_board_has_no_rule_gets_no_reminder(home_page):
    practitioner_licence(BoardFactory(code="ZZ", name="A board with no rule yet"))

    with at(days_before(7)):
        assert renewal_reminders_send() == 0

    assert mail.outbox == []


def test_the_reminder_says_what_is_missing_by_when_and_links_to_the_dashboard(florida):
    licence = practitioner_licence(florida)
    verified_hours(licence.user, florida, "20")

    with at(days_before(30)):
        renewal_reminders_send()

    [message] = mail.outbox
    assert message.to == [licence.user.email]
    assert message.subject == (
        "Renewal reminder: your Florida Board of Massage Therapy license MA98765 expires on August 31, 2027"
    )
    assert "Dear Nguyen Thi Minh," in message.body
    assert "expires on August 31, 2027, in 30 days" in message.body
    assert "Still missing before August 31, 2027:\n\n- 4 more hours in total\n- 1 more hour of human trafficking" in (
        message.body
    )
    assert "http://localhost/learn/" in message.body


def test_another_practitioners_licenses_and_hours_never_appear_in_a_reminder(florida):
    minh = practitioner_licence(florida, name="Nguyen Thi Minh", number="MA98765")
    jordan = practitioner_licence(florida, name="Jordan Okafor", number="MA11223")
    verified_hours(jordan.user, florida, "23", title="Jordan's lymphatic drainage course")
    verified_hours(minh.user, florida, "2", title="Minh's ethics course")

    with at(days_before(90)):
        assert renewal_reminders_send() == 2

    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_minh, to_jordan = by_recipient[minh.user.email], by_recipient[jordan.user.email]
    assert "22 more hours in total" in to_minh.body
    assert "1 more hour in total" in to_jordan.body
    for text in ("Jordan", "MA11223", "lymphatic"):
        assert text not in to_minh.subject + to_minh.body
    for text in ("Minh", "MA98765", "ethics course"):
        assert text not in to_jordan.subject + to_jordan.body


def test_a_reminder_another_run_recorded_first_is_not_sent_twice(florida, monkeypatch):
    licence = practitioner_licence(florida)
    read_record = reminders.credit_entries

    def record_read_while_another_run_records_the_step(*, user):
        RenewalReminder.objects.create(licence=licence, cycle_ends_on=EXPIRES, days_before=30)
        return read_record(user=user)

    monkeypatch.setattr(reminders, "credit_entries", record_read_while_another_run_records_the_step)
    with at(days_before(30)):
        assert renewal_reminders_send() == 0

    assert mail.outbox == []
    assert RenewalReminder.objects.count() == 1


def test_a_reminder_the_mail_server_refused_is_sent_by_the_next_run(florida, monkeypatch):
    practitioner_licence(florida)

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({})

    with at(days_before(30)):
        monkeypatch.setattr(mail.EmailMessage, "send", refuse)
        assert renewal_reminders_send() == 0
        assert not RenewalReminder.objects.exists()
        monkeypatch.undo()
        assert renewal_reminders_send() == 1
    assert len(mail.outbox) == 1


def test_after_renewal_the_next_cycle_is_reminded_again(florida):
    licence = practitioner_licence(florida)
    with at(days_before(7)):
        renewal_reminders_send()
    licence.expires_on = datetime.date(2029, 8, 31)
    licence.save()

    with at(datetime.date(2029, 8, 31) - datetime.timedelta(days=90)):
        assert renewal_reminders_send() == 1

    assert "August 31, 2029" in mail.outbox[-1].subject


def test_the_command_and_the_task_say_how_many_were_sent(florida):
    practitioner_licence(florida, number="MA10001")
    out = StringIO()
    with at(days_before(7)):
        call_command("send_renewal_reminders", stdout=out)
        assert out.getvalue() == "Sent 1 renewal reminder.\n"
        practitioner_licence(florida, number="MA10002")
        assert renewal_reminders_send_task.enqueue().return_value == 1


def test_a_run_reads_the_same_number_of_queries_for_a_long_record(florida):
    short = practitioner_licence(florida, number="MA10001")
    long = practitioner_licence(florida, number="MA10002", expires_on=EXPIRES + datetime.timedelta(days=1))
    verified_hours(short.user, florida, "1")
    for _ in range(60):
        verified_hours(long.user, florida, "0.25", categories=[CreditCategoryFactory()])

    with at(days_before(90)), CaptureQueriesContext(connection) as first:
        renewal_reminders_send()
    with at(days_before(89)), CaptureQueriesContext(connection) as second:
        renewal_reminders_send()

    assert len(mail.outbox) == 2
    assert len(first) == len(second)


def test_the_reminder_links_to_the_dashboard_where_the_site_runs(florida, settings):
    settings.BASE_URL = "https://ce.example.org"
    practitioner_licence(florida)

    with at(days_before(30)):
        renewal_reminders_send()

    [message] = mail.outbox
    assert f"https://ce.example.org{reverse('courses:dashboard')}" in message.body
