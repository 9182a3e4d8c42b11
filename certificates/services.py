"""Recording a completion and issuing its certificate, in one transaction, at most once per enrolment."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from accounts.selectors import user_has_mfa
from courses.completion import completion_blockers
from courses.models import Enrollment
from courses.selectors import enrollment_completion_state
from courses.services import REVIEWERS, enrollment_completion_record
from credits.services import (
    ledger_certificate_reissue,
    ledger_certificate_withdraw,
    ledger_record_certificate,
)
from lms.errors import DomainError, NotPermitted
from lms.models import ProviderSettings, default_provider

from .codes import new_code
from .models import Certificate, CertificateKind
from .tasks import certificate_credential_sign, certificate_email_send, status_list_publish


@dataclass(frozen=True)
class CompletionOutcome:
    """The certificate, if the course is complete; otherwise what stands in the way, in words."""

    certificate: Certificate | None = None
    blockers: tuple[str, ...] = ()  # what the practitioner has still to do
    held_back: str = ""  # why a completed course has no certificate yet (a lapsed approval)
    newly_issued: bool = False


def completion_record(*, enrollment: Enrollment) -> CompletionOutcome:
    """Evaluates DESIGN's completion rule; if it is met, records the completion and issues the
    certificate in one transaction. Call it after anything that can complete a course (a lesson,
    a quiz, the evaluation); once a certificate exists, calling it again changes nothing."""
    existing = _original_certificate(enrollment)
    if existing is not None:
        return CompletionOutcome(certificate=existing)
    try:
        with transaction.atomic():
            # The rule is read under the enrolment's lock, so two completions cannot both pass it.
            locked = Enrollment.objects.select_for_update().select_related("course", "user").get(pk=enrollment.pk)
            blockers = completion_blockers(enrollment_completion_state(enrollment=locked))
            if blockers:
                return CompletionOutcome(blockers=tuple(blockers))
            course = locked.course
            approvals = list(
                course.approvals.select_related("board").prefetch_related("categories").order_by("sort_order")
            )
            current = [approval for approval in approvals if approval.is_current]
            lapsed = [approval for approval in approvals if not approval.is_current]
            now = timezone.now()
            # Recorded even when the certificate is held back: it prints the day the course was completed.
            enrollment_completion_record(enrollment=locked, completed_at=now)
            if not current:
                _alert_reviewers(course, lapsed, enrollment=locked, held_back=True)
                return CompletionOutcome(held_back=_held_back_reason(lapsed))
            provider = default_provider()
            gaps = _provider_gaps(provider)
            if gaps:
                _alert_reviewers_of_gaps(gaps)
                return CompletionOutcome(held_back=PROVIDER_GAPS_HELD_BACK)
            if lapsed:
                _alert_reviewers(course, lapsed, enrollment=locked, held_back=False)
            certificate = Certificate.objects.create(
                enrollment=locked,
                code=_unused_code(),
                kind=_kind_for(locked),
                completed_on=timezone.localdate(locked.completed_at),
                issued_at=now,
                # Only current approvals: none is printed under a lapsed one.
                snapshot=certificate_snapshot(
                    enrollment=locked, approvals=current, provider=provider, completed_at=locked.completed_at
                ),
            )
            log(instance=certificate, action="certificates.issue", user=locked.user, data={"code": certificate.code})
            ledger_record_certificate(
                user=locked.user,
                certificate_code=certificate.code,
                course=course,
                completed_on=certificate.completed_on,
                approvals=current,
                provider_name=provider.name,
            )
            _after_issue(certificate)
    except IntegrityError:
        # Another request completed the course first (the constraint allows one original certificate).
        winner = _original_certificate(enrollment)
        if winner is None:
            raise
        return CompletionOutcome(certificate=winner)
    return CompletionOutcome(certificate=certificate, newly_issued=True)


PROVIDER_GAPS_HELD_BACK = (
    "Your course is complete, but the provider details a certificate must print are not all recorded yet. "
    "Our reviewers have been told; your certificate will be issued once they are."
)


def _held_back_reason(lapsed) -> str:
    if not lapsed:
        return "Your course is complete, but it has no board approval yet; our reviewers have been told."
    names = ", ".join(f"{a.board.name} (lapsed {a.expires_on:%B %-d, %Y})" for a in lapsed)
    return (
        f"Your course is complete, but its approval by {names} has lapsed, so no certificate can be issued "
        "under it yet. Our reviewers have been told; your certificate will be issued once it is renewed."
    )


def _unused_code() -> str:
    while Certificate.objects.filter(code=(code := new_code())).exists():
        pass  # one chance in 2^60 per certificate: never expected, but never a duplicate either
    return code


class RevocationError(DomainError):
    """Why a certificate cannot be revoked, in words for the reviewer."""


REVOKE_PERMISSION = "certificates.revoke_certificate"


def _check_may_revoke(by) -> None:
    if by is None or not by.has_perm(REVOKE_PERMISSION):
        raise NotPermitted("Only reviewers can revoke or reissue certificates.")
    if not user_has_mfa(user=by):
        raise NotPermitted("Set up two-factor authentication before revoking or reissuing certificates.")


def certificate_revoke(
    *, certificate: Certificate, by, reason: str, skip_permission_checks: bool = False
) -> Certificate:
    """Marks the certificate revoked, with the reason and the time, in the audit log too; the record stays."""
    if not skip_permission_checks:
        _check_may_revoke(by)
    reason = reason.strip()
    if not reason:
        raise RevocationError("Give the reason for revoking: the verification page shows it.")
    with transaction.atomic():
        revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revocation_reason=reason, revoked_by=by
        )
        if not revoked:
            raise RevocationError("This certificate has already been revoked.")
        certificate.refresh_from_db()
        log(instance=certificate, action="certificates.revoke", user=by, data={"reason": reason})
        ledger_certificate_withdraw(certificate_code=certificate.code, reason=reason, by=by)
        _after_revocation(certificate)
    return certificate


def _after_issue(certificate: Certificate) -> None:
    """Once the certificate is committed: its signed credential and then its PDF, and the email."""
    transaction.on_commit(lambda: certificate_credential_sign.enqueue(certificate.pk))
    transaction.on_commit(lambda: certificate_email_send.enqueue(certificate.pk))


def _after_revocation(certificate: Certificate) -> None:
    """The status list that holds the certificate's bit is signed again, now with the bit set."""
    if certificate.status_list_id is not None:
        transaction.on_commit(lambda: status_list_publish.enqueue(certificate.status_list_id))


def certificate_reissue(
    *, certificate: Certificate, by, reason: str, skip_permission_checks: bool = False
) -> Certificate:
    """A corrected certificate for the same completion (a changed legal name, a corrected license):
    the holder's and the provider's details are read again, what was certified stays as issued; the
    old certificate is revoked as superseded and both point at each other.

    A revoked certificate may be reissued too: the provider must be able to reissue any certificate
    for six years, and a revocation for a clerical error (a misspelt name) is put right by a corrected
    certificate. The revoked one keeps its own revocation, time and reason; the new one links to it,
    and the completion's CE hours count again under the new code."""
    if not skip_permission_checks:
        _check_may_revoke(by)
    reason = reason.strip()
    if not reason:
        raise RevocationError("Give the reason for reissuing: the old certificate's verification page shows it.")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().select_related("enrollment__user").get(pk=certificate.pk)
        replacement = Certificate.objects.filter(reissue_of=old).first()
        if replacement is not None:
            raise RevocationError(
                f"This certificate was already replaced by {replacement.printed_code}: reissue that one instead."
            )
        user = old.enrollment.user
        if not user.legal_name.strip():
            raise RevocationError("The practitioner has no legal name on record to print.")
        provider = default_provider()
        gaps = _provider_gaps(provider)
        if gaps:
            raise RevocationError(f"The provider details lack {' and '.join(gaps)}: fill them in first.")
        was_revoked = old.revoked_at is not None
        now = timezone.now()
        new = Certificate.objects.create(
            enrollment=old.enrollment,
            code=_unused_code(),
            kind=old.kind,
            completed_on=old.completed_on,
            issued_at=now,
            reissue_of=old,
            snapshot={
                **old.snapshot,
                "holder": _holder(user),
                **_provider_snapshot(provider, number=old.snapshot["provider"]["number"]),
            },
        )
        log(
            instance=old,
            action="certificates.reissue",
            user=by,
            data={"reason": reason, "new": new.code, "was_revoked": was_revoked},
        )
        ledger_certificate_reissue(old_code=old.code, new_code=new.code, reason=reason, by=by)
        _after_issue(new)
        if not was_revoked:
            old.revoked_at, old.revoked_by = now, by
            old.revocation_reason = f"Superseded by certificate {new.printed_code}: {reason}"
            old.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
            _after_revocation(old)
    return new


def _original_certificate(enrollment) -> Certificate | None:
    return Certificate.objects.filter(enrollment=enrollment, reissue_of__isnull=True).first()


def _kind_for(enrollment) -> str:
    """NCBTMB: achievement when a test was passed, completion for attendance alone."""
    return CertificateKind.ACHIEVEMENT if enrollment.final_test_passed_at else CertificateKind.COMPLETION


def _provider_gaps(provider: ProviderSettings) -> list[str]:
    """What every board asks a certificate to print that the provider's details lack: a signature,
    and an address or email (NCBTMB's list; state boards ask the same)."""
    gaps = []
    if not provider.signatory_name.strip():
        gaps.append("the signatory's name")
    if not (provider.email.strip() or provider.postal_address.strip()):
        gaps.append("a postal address or email")
    return gaps


def certificate_snapshot(*, enrollment, approvals, provider, completed_at) -> dict:
    """Everything the certificate prints, as it stands now."""
    user, course = enrollment.user, enrollment.course
    categories = sorted({category.name for approval in approvals for category in approval.categories.all()})
    return {
        "holder": _holder(user),
        "course": {
            "title": course.title,
            "ce_hours": f"{course.ce_hours:.2f}",
            "delivery": course.delivery,
            "delivery_label": course.get_delivery_display(),
            "categories": categories,
            "instructors": [instructor.name for instructor in course.instructors.all()],
            "cover_image_id": course.cover_image_id,  # the credential's image, rendered when it is signed
            "approvals": [
                {
                    "board": approval.board.code,
                    "board_name": approval.board.name,
                    "number": approval.number,
                    "title": approval.approved_title,
                    "hours": f"{approval.approved_hours:.2f}",
                    "delivery": approval.delivery,
                    "categories": sorted(category.name for category in approval.categories.all()),
                    "provider_number": approval.board.provider_number,
                }
                for approval in approvals
            ],
        },
        "certificate_kind": _kind_for(enrollment),
        **_provider_snapshot(
            provider, number=next((a.board.provider_number for a in approvals if a.board.provider_number), "")
        ),
        "completed_on": timezone.localdate(completed_at).isoformat(),
    }


def _provider_snapshot(provider: ProviderSettings, *, number: str) -> dict:
    """Who issues and signs the certificate, as the provider details stand now."""
    return {
        "provider": {
            "name": provider.name,
            "email": provider.email,
            "postal_address": provider.postal_address,
            "number": number,
            "logo_id": provider.logo_id,  # the credential's issuer image, rendered when it is signed
        },
        "signatory": {
            "name": provider.signatory_name,
            "title": provider.signatory_title,
            # The signature on file as the certificate is issued, so a later signatory's never prints on it.
            "signature_id": provider.signature_id,
        },
    }


def _holder(user) -> dict:
    licences = user.licences.select_related("board").order_by("board__code", "number")
    return {
        "name": user.legal_name.strip(),
        "licences": [
            {
                "board": licence.board.code,
                "board_name": licence.board.name,
                "number": licence.number,
                "jurisdiction": licence.jurisdiction,
            }
            for licence in licences
        ],
    }


def _alert_reviewers(course, lapsed, *, enrollment, held_back: bool) -> None:
    """Tells the reviewers about a lapsed approval that a completion met."""
    boards = ", ".join(f"{a.board.name} (number {a.number}, lapsed {a.expires_on:%Y-%m-%d})" for a in lapsed)
    consequence = (
        "no certificate could be issued; the practitioner collects it from the course page once it is renewed."
        if held_back
        else "the certificate was issued under the course's other, current approvals only."
    )
    _email_reviewers(
        f"Lapsed approval: {course.title}",
        f"A practitioner has completed “{course.title}”, but its approval by {boards} has lapsed, so {consequence} "
        "Renew or remove the approval in the course's Board approvals.",
        about=f"lapsed:{enrollment.pk}",
    )


def _alert_reviewers_of_gaps(gaps) -> None:
    """Tells the reviewers that certificates are held back for provider details they must print:
    one email a day for the whole site, however many completions wait."""
    _email_reviewers(
        "Certificates held back: provider details incomplete",
        f"Practitioners have completed courses, but no certificate can be issued: the provider details lack "
        f"{' and '.join(gaps)}, which boards require every certificate to print. Fill them in under Settings → "
        "Provider details; the certificates are then issued by `manage.py close_expired_attempts`, or when the "
        "practitioners collect them from the course page.",
        about="provider-details",
    )


def _email_reviewers(subject: str, body: str, *, about: str) -> None:
    """Emails the Reviewers group after the transaction commits; once a day per `about`, however
    often the practitioner asks."""
    if not cache.add(f"certificates:reviewer-alert:{about}", True, timeout=24 * 3600):
        return
    reviewers = list(
        get_user_model().objects.filter(groups__name=REVIEWERS, is_active=True).values_list("email", flat=True)
    )
    if reviewers:
        transaction.on_commit(lambda: send_mail(subject, body, None, reviewers, fail_silently=True))
