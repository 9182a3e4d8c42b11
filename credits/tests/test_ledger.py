"""The CE record's earned entries: made with the certificate, withdrawn with it, carried over by a reissue."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

import certificates.services
from accounts.tests.factories import LicenceFactory
from certificates.models import Certificate
from certificates.services import certificate_reissue, certificate_revoke, completion_record
from certificates.tests.factories import nearly_complete_enrollment
from courses.models import Enrollment, LessonProgress
from courses.tests.factories import CourseApprovalFactory
from credits import requirements
from credits.models import Board, CreditEntry
from credits.selectors import standings
from credits.tests.factories import BoardFactory, CreditCategoryFactory, RenewalRuleFactory

pytestmark = pytest.mark.django_db

# What a correction never touches: everything but a withdrawal and a reviewer's verdict.
STATUS_FIELDS = {"withdrawn_at", "withdrawn_reason", "review_status", "reviewed_by", "reviewed_at", "review_note"}


@pytest.fixture
def enrollment(catalogue):
    """One lesson short of a course approved by NCBTMB (1.5 hours of pathology, home study), by Florida
    (2 hours of laws and rules, live) and, until yesterday, by Texas; the practitioner holds an NCBTMB
    certification and a Florida license, each board with its renewal rule."""
    enrollment, last_lesson = nearly_complete_enrollment(catalogue)
    ncbtmb = Board.objects.get(code="ncbtmb")
    florida = BoardFactory(code="FL", name="Florida Board of Massage Therapy", provider_number="50-12345")
    texas = BoardFactory(code="TX", name="Texas Department of Licensing and Regulation", provider_number="TX-9")
    florida_approval = CourseApprovalFactory(
        course=enrollment.course,
        board=florida,
        number="FL-2026-0077",
        approved_title="Lymphatic Drainage after Surgery (Florida)",
        approved_hours=Decimal("2.00"),
        delivery="live",
    )
    florida_approval.categories.add(CreditCategoryFactory(slug="laws-and-rules", name="Laws and rules"))
    florida_approval.save()
    CourseApprovalFactory(
        course=enrollment.course,
        board=texas,
        number="TX-LAPSED",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    LicenceFactory(user=enrollment.user, board=florida, number="MA12345")
    for board in (ncbtmb, florida):
        RenewalRuleFactory(board=board, total_hours=Decimal("24.00"))
    enrollment.last_lesson = last_lesson
    return enrollment


def complete(enrollment) -> Certificate:
    LessonProgress.objects.filter(enrollment=enrollment, lesson=enrollment.last_lesson).update(
        completed_at=timezone.now()
    )
    return completion_record(enrollment=enrollment).certificate


def progress_by_board(user) -> dict[str, requirements.Progress]:
    return {item.licence.board.code: item.progress for item in standings(user=user)}


def entry_facts(entries) -> dict[int, tuple[dict, list[str]]]:
    return {
        entry.pk: (
            {
                f.attname: getattr(entry, f.attname)
                for f in CreditEntry._meta.concrete_fields
                if f.name not in STATUS_FIELDS
            },
            sorted(entry.categories.values_list("slug", flat=True)),
        )
        for entry in entries
    }


def test_issuing_a_certificate_records_an_entry_per_current_approval_dated_by_the_completion(enrollment):
    certificate = complete(enrollment)

    entries = CreditEntry.objects.filter(user=enrollment.user).order_by("board__code")
    assert [
        (
            e.board.code,
            e.title,
            e.hours,
            sorted(c.slug for c in e.categories.all()),
            e.delivery,
            e.provider_number,
            e.approval_number,
            e.completed_on,
            e.certificate_code,
            e.source,
            e.review_status,
            e.course_id,
            e.provider_name,
        )
        for e in entries
    ] == [
        (
            "FL",
            "Lymphatic Drainage after Surgery (Florida)",
            Decimal("2.00"),
            ["laws-and-rules"],
            "live",
            "50-12345",
            "FL-2026-0077",
            certificate.completed_on,
            certificate.code,
            "earned",
            "verified",
            enrollment.course.pk,
            "Medical Massage CE",
        ),
        (
            "ncbtmb",
            "Manual Lymphatic Drainage after Surgery",
            Decimal("1.50"),
            ["pathology"],
            "home_study",
            "AP-1234",
            "DEMO-451234",
            certificate.completed_on,
            certificate.code,
            "earned",
            "verified",
            enrollment.course.pk,
            "Medical Massage CE",
        ),
    ]  # and none under Texas's lapsed approval
    assert certificate.completed_on == timezone.localdate(Enrollment.objects.get(pk=enrollment.pk).completed_at)
    progress = progress_by_board(enrollment.user)
    assert progress["FL"].counted_hours == Decimal("2.00")  # each license counts its own board's approval
    assert progress["ncbtmb"].counted_hours == Decimal("1.50")


def test_when_the_ledger_cannot_record_the_entries_no_certificate_is_issued(enrollment, monkeypatch):
    record = certificates.services.ledger_record_certificate

    def with_invalid_hours(**kwargs):
        # The second approval's entry breaks the hours constraint, after the first entry was written.
        kwargs["approvals"][-1].approved_hours = Decimal("0.00")
        return record(**kwargs)

    monkeypatch.setattr(certificates.services, "ledger_record_certificate", with_invalid_hours)

    with pytest.raises(IntegrityError):
        complete(enrollment)

    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    assert not CreditEntry.objects.filter(user=enrollment.user).exists()
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    monkeypatch.undo()
    certificate = complete(enrollment)
    assert CreditEntry.objects.filter(certificate_code=certificate.code).count() == 2


def test_revoking_the_certificate_withdraws_its_entries_saying_why_and_they_stop_counting(enrollment):
    certificate = complete(enrollment)

    certificate_revoke(certificate=certificate, by=None, reason="Issued in error.", skip_permission_checks=True)

    entries = list(CreditEntry.objects.filter(certificate_code=certificate.code))
    assert len(entries) == 2
    assert all(e.withdrawn_at is not None for e in entries)
    assert {e.withdrawn_reason for e in entries} == {"Certificate revoked: Issued in error."}
    for progress in progress_by_board(enrollment.user).values():
        assert progress.counted_hours == 0
        assert {(p.reason, p.explanation) for p in progress.placements} == {
            (requirements.WITHDRAWN, "Certificate revoked: Issued in error.")
        }


def test_a_reissue_supersedes_each_entry_under_the_new_code_keeping_both_and_one_set_counts(enrollment):
    old = complete(enrollment)
    old_entries = {e.board.code: e for e in CreditEntry.objects.filter(certificate_code=old.code)}

    with time_machine.travel(timezone.now() + datetime.timedelta(days=45)):
        new = certificate_reissue(certificate=old, by=None, reason="Legal name changed.", skip_permission_checks=True)

    new_entries = {e.board.code: e for e in CreditEntry.objects.filter(certificate_code=new.code)}
    assert set(new_entries) == set(old_entries) == {"FL", "ncbtmb"}
    for board, replacement in new_entries.items():
        assert replacement.supersedes == old_entries[board]
        assert replacement.correction_reason == "Legal name changed."
        # Still dated by the completion, not by the reissue 45 days later.
        assert (replacement.completed_on, replacement.hours) == (old.completed_on, old_entries[board].hours)
    assert CreditEntry.objects.filter(user=enrollment.user).count() == 4
    progress = progress_by_board(enrollment.user)
    assert (progress["FL"].counted_hours, progress["ncbtmb"].counted_hours) == (Decimal("2.00"), Decimal("1.50"))
    for board_progress in progress.values():
        reasons = {p.entry.key: p.reason for p in board_progress.placements}
        assert {reasons[str(e.pk)] for e in old_entries.values()} == {requirements.SUPERSEDED}
        assert board_progress.counted_completions == {f"certificate:{new.code}"}


def test_entry_facts_are_never_updated_by_revocation_or_reissue(enrollment):
    old = complete(enrollment)
    issued = entry_facts(CreditEntry.objects.filter(user=enrollment.user))

    new = certificate_reissue(certificate=old, by=None, reason="Legal name changed.", skip_permission_checks=True)
    reissued = entry_facts(CreditEntry.objects.filter(user=enrollment.user))
    certificate_revoke(certificate=new, by=None, reason="Course withdrawn by the board.", skip_permission_checks=True)

    after = CreditEntry.objects.filter(user=enrollment.user)
    assert entry_facts(after) == reissued and {pk: reissued[pk] for pk in issued} == issued
    statuses = {e.pk: (e.certificate_code, e.withdrawn_reason) for e in after}
    assert {statuses[pk] for pk in issued} == {(old.code, "")}  # superseded, not withdrawn
    assert {statuses[pk] for pk in reissued if pk not in issued} == {
        (new.code, "Certificate revoked: Course withdrawn by the board.")
    }
    assert all(progress.counted_hours == 0 for progress in progress_by_board(enrollment.user).values())
