"""Reissuing a revoked certificate: one rule in the ledger, whatever the old certificate's status."""

from decimal import Decimal

import pytest

from certificates.services import certificate_reissue, certificate_revoke
from credits.models import CreditEntry

from .test_ledger import complete, enrollment, progress_by_board  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_reissued_revoked_certificate_counts_its_ce_hours_exactly_once(enrollment):  # noqa: F811
    old = complete(enrollment)
    certificate_revoke(certificate=old, by=None, reason="Name misspelt.", skip_permission_checks=True)
    assert all(progress.counted_hours == 0 for progress in progress_by_board(enrollment.user).values())

    new = certificate_reissue(certificate=old, by=None, reason="Name corrected.", skip_permission_checks=True)

    progress = progress_by_board(enrollment.user)
    assert (progress["FL"].counted_hours, progress["ncbtmb"].counted_hours) == (Decimal("2.00"), Decimal("1.50"))
    assert all(p.counted_completions == {f"certificate:{new.code}"} for p in progress.values())
    # The revoked certificate's entries keep their withdrawal on record; the new ones count, superseding them.
    old_entries = CreditEntry.objects.filter(certificate_code=old.code)
    assert {e.withdrawn_reason for e in old_entries} == {"Certificate revoked: Name misspelt."}
    new_entries = CreditEntry.objects.filter(certificate_code=new.code)
    assert {(e.withdrawn_at, e.withdrawn_reason) for e in new_entries} == {(None, "")}
    assert {e.supersedes_id for e in new_entries} == {e.pk for e in old_entries}


def test_reissuing_the_reissue_of_a_revoked_certificate_still_counts_once(enrollment):  # noqa: F811
    old = complete(enrollment)
    certificate_revoke(certificate=old, by=None, reason="Name misspelt.", skip_permission_checks=True)
    second = certificate_reissue(certificate=old, by=None, reason="Name corrected.", skip_permission_checks=True)

    third = certificate_reissue(certificate=second, by=None, reason="License added.", skip_permission_checks=True)

    progress = progress_by_board(enrollment.user)
    assert (progress["FL"].counted_hours, progress["ncbtmb"].counted_hours) == (Decimal("2.00"), Decimal("1.50"))
    assert all(p.counted_completions == {f"certificate:{third.code}"} for p in progress.values())
    assert CreditEntry.objects.filter(user=enrollment.user).count() == 6
