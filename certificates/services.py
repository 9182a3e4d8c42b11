"""Recording a completion and issuing its certificate, in one transaction, at most once per enrolment."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from courses.models import Enrollment
from courses.selectors import enrollment_completion_blockers
from courses.services import REVIEWERS
from credits.models import DeliveryType
from lms.models import ProviderSettings

from .codes import new_code
from .models import Certificate, CertificateKind
from .tasks import certificate_email_send


@dataclass(frozen=True)
class CompletionOutcome:
    """The certificate, if the course is complete; otherwise what stands in the way, in words."""

    certificate: Certificate | None = None
    blockers: tuple[str, ...] = ()  # what the practitioner has still to do
    held_back: str = ""  # why a completed course has no certificate yet (a lapsed approval)
    newly_issued: bool = False


def completion_record(*, enrollment: Enrollment) -> CompletionOutcome:
    """Evaluates DESIGN's completion rule; if it is met, records the completion and issues the
    certificate together. Call it after anything that can complete a course (a lesson, a quiz,
    the evaluation); calling it again changes nothing."""
    existing = _original_certificate(enrollment)
    if existing is not None:
        return CompletionOutcome(certificate=existing)
    blockers = enrollment_completion_blockers(enrollment=enrollment)
    if blockers:
        return CompletionOutcome(blockers=tuple(blockers))
    course = enrollment.course
    approvals = list(course.approvals.select_related("board").prefetch_related("categories").order_by("sort_order"))
    lapsed = [approval for approval in approvals if not approval.is_current]
    if lapsed or not approvals:
        _alert_reviewers(course, lapsed)
        names = ", ".join(f"{a.board.name} (lapsed {a.expires_on:%B %-d, %Y})" for a in lapsed)
        reason = (
            f"Your course is complete, but its approval by {names} has lapsed, so no certificate can be issued "
            "under it yet. Our reviewers have been told; your certificate will be issued once it is renewed."
            if lapsed
            else "Your course is complete, but it has no board approval yet; our reviewers have been told."
        )
        return CompletionOutcome(held_back=reason)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            if locked.completed_at is None:
                locked.completed_at = now
                locked.save(update_fields=["completed_at"])
            certificate = Certificate.objects.create(
                enrollment=locked,
                code=new_code(),
                kind=_kind_for(course),
                completed_on=timezone.localdate(locked.completed_at),
                issued_at=now,
                snapshot=certificate_snapshot(enrollment=locked, approvals=approvals, completed_at=locked.completed_at),
            )
            transaction.on_commit(lambda: certificate_email_send.enqueue(certificate.pk))
    except IntegrityError:
        # Another request completed the course first: its certificate is the one.
        return CompletionOutcome(certificate=_original_certificate(enrollment))
    return CompletionOutcome(certificate=certificate, newly_issued=True)


class RevocationError(Exception):
    """Why a certificate cannot be revoked, in words for the reviewer."""


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Marks the certificate revoked, with the reason and the time, in the audit log too; the record stays."""
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
    return certificate


def _original_certificate(enrollment) -> Certificate | None:
    return Certificate.objects.filter(enrollment=enrollment, reissue_of__isnull=True).first()


def _kind_for(course) -> str:
    return CertificateKind.COMPLETION if course.delivery == DeliveryType.LIVE else CertificateKind.ACHIEVEMENT


def certificate_snapshot(*, enrollment, approvals, completed_at) -> dict:
    """Everything the certificate prints, as it stands now."""
    user, course = enrollment.user, enrollment.course
    provider = ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    licences = user.licences.select_related("board").order_by("board__code", "number")
    categories = sorted({category.name for approval in approvals for category in approval.categories.all()})
    return {
        "holder": {
            "name": user.name_for_certificates,
            "licences": [
                {
                    "board": licence.board.code,
                    "board_name": licence.board.name,
                    "number": licence.number,
                    "jurisdiction": licence.jurisdiction,
                }
                for licence in licences
            ],
        },
        "course": {
            "title": course.title,
            "ce_hours": f"{course.ce_hours:.2f}",
            "delivery": course.delivery,
            "delivery_label": course.get_delivery_display(),
            "categories": categories,
            "instructors": [instructor.name for instructor in course.instructors.all()],
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
        "certificate_kind": _kind_for(course),
        "provider": {
            "name": provider.name,
            "email": provider.email,
            "postal_address": provider.postal_address,
            "number": next((a.board.provider_number for a in approvals if a.board.provider_number), ""),
        },
        "signatory": {"name": provider.signatory_name, "title": provider.signatory_title},
        "completed_on": timezone.localdate(completed_at).isoformat(),
    }


def _alert_reviewers(course, lapsed) -> None:
    """Tells the reviewers, once the surrounding transaction commits, that a completion waits on an approval."""
    reviewers = list(
        get_user_model().objects.filter(groups__name=REVIEWERS, is_active=True).values_list("email", flat=True)
    )
    if not reviewers:
        return
    boards = ", ".join(f"{a.board.name} (number {a.number}, lapsed {a.expires_on:%Y-%m-%d})" for a in lapsed)
    body = (
        f"A practitioner has completed “{course.title}”, but no certificate could be issued: "
        + (f"its approval by {boards} has lapsed." if lapsed else "it has no board approval.")
        + " Renew or remove the approval in the course's Board approvals; the practitioner can then "
        "collect the certificate from the course page."
    )
    transaction.on_commit(
        lambda: send_mail(f"Certificate held: {course.title}", body, None, reviewers, fail_silently=True)
    )
