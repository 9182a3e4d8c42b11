"""Certificates issued on completion, and the log of every verification lookup."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lms.storage import private_storage

from .codes import printed


class CertificateKind(models.TextChoices):
    # NCBTMB's names: achievement for a course completed by passing a test, completion for live attendance.
    ACHIEVEMENT = "achievement", "Certificate of Achievement"
    COMPLETION = "completion", "Certificate of Completion"


class Certificate(models.Model):
    """What was certified, frozen at issue: `snapshot` holds every field the certificate prints, so
    that later edits to the course, the approvals, the provider or the practitioner change nothing."""

    enrollment = models.ForeignKey("courses.Enrollment", on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(max_length=13, unique=True, help_text="Stored without dashes; shown as printed_code.")
    kind = models.CharField(max_length=20, choices=CertificateKind.choices)
    completed_on = models.DateField()
    issued_at = models.DateTimeField()
    snapshot = models.JSONField()
    reissue_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reissued_as"
    )
    pdf = models.FileField(storage=private_storage, upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, help_text="Of the stored PDF, to tell it was not altered.")
    pdf_carries_credential = models.BooleanField(
        default=False, help_text="The stored PDF was rendered after the credential was signed, and carries it."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credential = models.TextField(
        blank=True, help_text="The signed Open Badges 3.0 credential, the exact text that was signed and is served."
    )
    status_list = models.ForeignKey(
        "StatusList", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    status_list_index = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            # Issued once per enrolment; a reissue (a corrected name, say) links back to what it replaces.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(reissue_of__isnull=True),
                name="one_certificate_per_enrollment",
            ),
            models.UniqueConstraint(fields=["status_list", "status_list_index"], name="one_certificate_per_status_bit"),
        ]
        ordering = ["-issued_at"]
        permissions = [("revoke_certificate", "Can revoke a certificate")]

    def __str__(self):
        return f"{self.printed_code} {self.snapshot['course']['title']} for {self.snapshot['holder']['name']}"

    @property
    def printed_code(self) -> str:
        return printed(self.code)

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at else "valid"


class StatusList(models.Model):
    """A W3C Bitstring Status List of revocations, published as a signed credential at
    /credentials/status/<id>. Each certificate holds a random bit of one list, so that its position
    says nothing about when it was issued; revoking a certificate sets its bit and signs the list again."""

    LENGTH = 131_072  # bits: the specification's minimum, which keeps a list from narrowing down its holders

    credential = models.TextField(blank=True, help_text="The signed BitstringStatusListCredential, exactly as served.")
    signed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Status list {self.pk}"


class LookupChannel(models.TextChoices):
    PAGE = "page", "Verification page"
    API = "api", "API, one code"
    BULK = "bulk", "API, several codes"
    CREDENTIAL = "credential", "Signed credential"


class CertificateLookup(models.Model):
    """One verification of one code: who asked is kept only as a keyed hash of their address."""

    certificate = models.ForeignKey(Certificate, null=True, on_delete=models.CASCADE, related_name="lookups")
    code = models.CharField(max_length=64, help_text="As given, shortened; canonical when it could be read.")
    status = models.CharField(max_length=20)
    channel = models.CharField(max_length=10, choices=LookupChannel.choices)
    address_hash = models.CharField(max_length=64)
    looked_up_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["certificate", "looked_up_at"])]

    def __str__(self):
        return f"{self.code} ({self.status}) at {self.looked_up_at:%Y-%m-%d %H:%M}"


class SigningKey(models.Model):
    """The public half of a key the provider signs credentials with. The private half lives outside
    the database (CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE); every public key ever
    used stays listed in the DID document, so credentials signed before a rotation still verify."""

    key_id = models.SlugField(max_length=40, unique=True, help_text="Named by date, e.g. key-2026-11-24.")
    public_key_multibase = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="No longer signs; still verifies.")

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.key_id
