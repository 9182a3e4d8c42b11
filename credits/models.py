import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from accounts.models import normalise_licence_number
from lms.storage import private_storage
from lms.validators import validate_printable_line


class DeliveryType(models.TextChoices):
    """How a course is delivered, in the terms boards approve courses under."""

    HOME_STUDY = "home_study", "Home study"
    LIVE = "live", "Live, in person"
    WEBINAR = "webinar", "Live webinar"


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError("This is not a valid regular expression: %(error)s.", params={"error": error}) from None


class Board(index.Indexed, models.Model):
    """A body that approves CE courses or licenses practitioners (NCBTMB, FSMTB, a state board)."""

    code = models.SlugField(
        max_length=20,
        unique=True,
        help_text="Short code used in URLs and exports, e.g. NCBTMB or FL.",
    )
    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(
        max_length=100,
        blank=True,
        help_text="The state or country whose licenses this board issues; blank for national boards.",
    )
    website = models.URLField(blank=True)
    licence_number_pattern = models.CharField(
        "license number pattern",
        max_length=200,
        blank=True,
        validators=[validate_regex],
        help_text=(
            "A regular expression the whole license number must match, after surrounding spaces are removed "
            r"and letters capitalized, e.g. MA\d{4,6}. Leave blank to accept any number."
        ),
    )
    provider_number = models.CharField(
        "our provider number",
        max_length=50,
        blank=True,
        help_text="The provider's own approval or registration number with this board (NCBTMB's AP number, "
        "a state's provider number); certificates print it.",
    )
    licence_number_example = models.CharField(
        "license number example",
        max_length=50,
        blank=True,
        help_text="A made-up number in the board's form, shown to practitioners whose number does not fit: MA12345.",
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("jurisdiction"),
        FieldPanel("website"),
        FieldPanel("provider_number"),
        MultiFieldPanel(
            [FieldPanel("licence_number_pattern"), FieldPanel("licence_number_example")],
            heading="License numbers",
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("code")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not self.licence_number_pattern:
            return
        try:
            re.compile(self.licence_number_pattern)
        except re.error:
            return  # the pattern field's own validator reports it
        if not self.licence_number_example:
            raise ValidationError(
                {"licence_number_example": "Give an example number, so practitioners see the form you expect."}
            )
        if not self.licence_number_fits(self.licence_number_example):
            raise ValidationError({"licence_number_example": "The example does not match the pattern."})

    def licence_number_fits(self, number: str) -> bool:
        """Whether `number` has the form of this board's licence numbers (any number does if none is set)."""
        if not self.licence_number_pattern:
            return True
        return re.fullmatch(self.licence_number_pattern, normalise_licence_number(number)) is not None


class CreditCategory(models.Model):
    """A subject category boards count hours in: ethics, laws and rules, pathology, ..."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "credit categories"

    def __str__(self):
        return self.name


HOURS = {"max_digits": 5, "decimal_places": 2}


class RenewalRule(ClusterableModel):
    """What a board asks of a license at each renewal, from `effective_from` on.

    A board keeps every rule it has had: progress is measured against the rule in force on the day it is
    computed (a past cycle, against the rule in force when it ended), so a change applies from then on and
    the rule that was applied can always be shown with its source. `credits.requirements` reads it.
    """

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="renewal_rules")
    effective_from = models.DateField(help_text="Progress is measured against this rule from this day on.")
    cycle_months = models.PositiveSmallIntegerField(
        "cycle length in months",
        default=24,
        validators=[MinValueValidator(1)],
        help_text="A cycle ends on the license's expiration date and starts this many months before.",
    )
    total_hours = models.DecimalField("total CE hours", **HOURS, validators=[MinValueValidator(Decimal(0))])
    first_cycle_hours_per_month = models.DecimalField(
        "first cycle: hours per month licensed",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Prorates a license's first cycle (Florida: 1 hour per month licensed; 0 exempts it, as New "
        "York does). In a prorated cycle only this total and the requirements marked for the first cycle apply. "
        "Leave blank to ask the full rule of a first cycle.",
    )
    min_live_hours = models.DecimalField(
        "minimum live hours",
        **HOURS,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Hours that must be live and in person (Florida: 12 hands-on classroom hours).",
    )
    webinar_counts_as_live = models.BooleanField(
        "live webinars count as live", default=False, help_text="Whether live webinar hours count toward the minimum."
    )
    max_home_study_hours = models.DecimalField(
        "maximum home-study hours",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="At most this many home-study hours count (New York: 12 self-instructional). Blank: no limit.",
    )
    accepted_boards = ParentalManyToManyField(
        Board,
        blank=True,
        related_name="accepted_by_rules",
        help_text="Besides the board's own approvals, courses approved by these boards count.",
    )
    accepts_self_reported = models.BooleanField(
        "accepts self-reported credits",
        default=True,
        help_text="Whether credits a practitioner reports from elsewhere count here once a reviewer verifies them.",
    )
    completion_counts_once = models.BooleanField(
        "a completion counts in one cycle only",
        default=True,
        help_text="No carry-over and no reuse: a course counted in one cycle does not count in another.",
    )
    source_title = models.CharField(
        max_length=200, help_text="The rule text this is taken from, e.g. Fla. Admin. Code R. 64B7-28.009."
    )
    source_url = models.URLField("source address", max_length=500)
    source_checked_on = models.DateField(help_text="When the rule was last checked against its source.")
    is_example = models.BooleanField(
        "example data",
        default=True,
        help_text="Shown as example data, to be checked against the board's current rule text, until unticked.",
    )
    notes = models.TextField(blank=True, help_text="What the rule says that is not modelled here, for practitioners.")

    panels = [
        FieldRowPanel([FieldPanel("board"), FieldPanel("effective_from")]),
        FieldRowPanel(
            [FieldPanel("cycle_months"), FieldPanel("total_hours"), FieldPanel("first_cycle_hours_per_month")]
        ),
        FieldRowPanel(
            [FieldPanel("min_live_hours"), FieldPanel("webinar_counts_as_live"), FieldPanel("max_home_study_hours")]
        ),
        InlinePanel("lines", heading="Subject requirements and limits", label="Requirement"),
        FieldPanel("accepted_boards", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("accepts_self_reported"), FieldPanel("completion_counts_once")]),
        MultiFieldPanel(
            [
                FieldPanel("source_title"),
                FieldPanel("source_url"),
                FieldPanel("source_checked_on"),
                FieldPanel("is_example"),
            ],
            heading="Source",
        ),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["board__name", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["board", "effective_from"], name="one_renewal_rule_per_board_per_day"),
        ]

    def __str__(self):
        return f"{self.board} renewal rule from {self.effective_from:%B %-d, %Y}"


class CycleScope(models.TextChoices):
    EVERY = "every", "Every cycle"
    FIRST = "first", "First cycle only"
    LATER = "later", "Later cycles only"


class RequirementLine(Orderable, ClusterableModel):
    """A subject requirement of a rule: a minimum, a maximum, or a course required before every renewal,
    met by hours in any of its categories."""

    rule = ParentalKey(RenewalRule, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(max_length=100, help_text="As practitioners read it: “human trafficking”.")
    categories = ParentalManyToManyField(CreditCategory, related_name="requirement_lines")
    min_hours = models.DecimalField(
        "minimum hours", **HOURS, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    max_hours = models.DecimalField(
        "maximum hours",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="At most this many hours in these categories count. Blank: no limit.",
    )
    each_renewal = models.BooleanField(
        "required before every renewal",
        default=False,
        help_text="A course in these categories must be completed in every cycle (Texas: human trafficking).",
    )
    cycles = models.CharField(max_length=10, choices=CycleScope.choices, default=CycleScope.EVERY)

    panels = [
        FieldPanel("label"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("min_hours"), FieldPanel("max_hours")]),
        FieldRowPanel([FieldPanel("each_renewal"), FieldPanel("cycles")]),
    ]

    def clean(self):
        super().clean()
        if self.max_hours is not None and self.min_hours > self.max_hours:
            raise ValidationError({"max_hours": "The maximum cannot be below the minimum."})

    def __str__(self):
        return self.label


class EntrySource(models.TextChoices):
    EARNED = "earned", "Earned here"
    REPORTED = "reported", "Reported by the practitioner"


class ReviewStatus(models.TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class CreditEntry(models.Model):
    """One line of a practitioner's CE record: a course completed here under one board's approval, or a
    credit the practitioner reported from elsewhere.

    The facts (course, hours, categories, date) are never edited: a correction is a new entry that
    `supersedes` this one, and both are kept. What may change is status: a reviewer's verdict on a
    reported credit, and the withdrawal of an earned one whose certificate was revoked.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries")
    source = models.CharField(max_length=10, choices=EntrySource.choices)
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_entries",
        help_text="The board whose approval the hours are under; for a reported credit, if known.",
    )
    title = models.CharField("course title", max_length=255, validators=[validate_printable_line])
    provider_name = models.CharField("provider", max_length=200, validators=[validate_printable_line])
    provider_number = models.CharField(
        "provider or approval number", max_length=60, blank=True, validators=[validate_printable_line]
    )
    approval_number = models.CharField("course approval number", max_length=60, blank=True)
    hours = models.DecimalField("CE hours", **HOURS, validators=[MinValueValidator(Decimal("0.01"))])
    categories = models.ManyToManyField(CreditCategory, blank=True, related_name="credit_entries")
    delivery = models.CharField(max_length=20, choices=DeliveryType.choices)
    completed_on = models.DateField("completion date")
    certificate_code = models.CharField(max_length=13, blank=True, db_index=True)
    course = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    review_status = models.CharField(max_length=20, choices=ReviewStatus.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(
        blank=True, help_text="Why a reported credit was rejected; the practitioner reads it."
    )
    proof = models.FileField(storage=private_storage, upload_to="credits/proofs/", blank=True)
    proof_content_type = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "CE record entry"
        verbose_name_plural = "CE record entries"
        ordering = ["-completed_on", "-pk"]
        permissions = [("review_creditentry", "Can verify or reject reported credits")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="credit_entry_hours_positive"),
            # One entry per certificate and board: a certificate's approvals are recorded once.
            models.UniqueConstraint(
                fields=["certificate_code", "board"],
                condition=~models.Q(certificate_code=""),
                name="one_credit_entry_per_certificate_and_board",
            ),
            models.CheckConstraint(
                condition=~models.Q(review_status="rejected") | ~models.Q(review_note=""),
                name="credit_entry_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["user", "completed_on"])]

    def __str__(self):
        return f"{self.title} ({self.hours} h, {self.completed_on:%m/%d/%Y})"


class RosterFormat(models.TextChoices):
    CE_BROKER = "ce_broker", "CE Broker roster"
    FSMTB = "fsmtb", "FSMTB CE Registry roster"


class RosterBatch(models.Model):
    """Completions reported to a tracking system together, with who reported them and when."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="roster_batches")
    layout = models.CharField(max_length=20, choices=RosterFormat.choices)
    reference = models.CharField(
        max_length=100, blank=True, help_text="The tracking system's batch or receipt number, if it gave one."
    )
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entries = models.ManyToManyField(CreditEntry, through="RosterLine", related_name="roster_batches")

    class Meta:
        ordering = ["-reported_at"]
        verbose_name_plural = "roster batches"

    def __str__(self):
        return f"{self.get_layout_display()} {self.board.code} {self.reported_at:%m/%d/%Y}"


class RosterLine(models.Model):
    batch = models.ForeignKey(RosterBatch, on_delete=models.PROTECT, related_name="lines")
    entry = models.OneToOneField(CreditEntry, on_delete=models.PROTECT, related_name="roster_line")
    rows = models.JSONField(
        default=list, help_text="The entry's rows exactly as reported (license number and state included)."
    )

    def __str__(self):
        return f"{self.entry} in {self.batch}"


REGULATORS = "Regulators"


class Regulator(models.Model):
    """A member of the Regulators group, bound to the one board whose licensees they may audit."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regulator")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="regulators")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("user"), FieldPanel("board")]

    class Meta:
        permissions = [("audit_records", "Can look up licensees' CE records (the Regulators group)")]

    def __str__(self):
        return f"{self.user} ({self.board.code})"


class RegulatorToken(models.Model):
    """A bearer token for the audit API, kept only as its SHA-256; the token is shown once, when issued."""

    regulator = models.ForeignKey(Regulator, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the board's audit script.")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class LookupChannel(models.TextChoices):
    PAGE = "page", "Audit page"
    API = "api", "Audit API"


class RecordLookup(models.Model):
    """A regulator's look at a license's CE record: who, when, which license, from where."""

    regulator = models.ForeignKey(Regulator, on_delete=models.PROTECT, related_name="lookups")
    licence = models.ForeignKey(
        "accounts.Licence", null=True, blank=True, on_delete=models.SET_NULL, related_name="record_lookups"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_lookups",
        help_text="Whose record was read: kept when the license is later removed, so that they still see it.",
    )
    licence_number = models.CharField("license number asked for", max_length=60)
    channel = models.CharField(max_length=10, choices=LookupChannel.choices)
    address = models.GenericIPAddressField(null=True, blank=True)
    looked_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-looked_up_at"]
        indexes = [models.Index(fields=["licence", "looked_up_at"]), models.Index(fields=["holder", "looked_up_at"])]

    def __str__(self):
        return f"{self.regulator} looked up {self.licence_number} at {self.looked_up_at:%Y-%m-%d %H:%M}"


class RenewalReminder(models.Model):
    """A reminder sent before a license expires with its rule unmet; each is sent once."""

    licence = models.ForeignKey("accounts.Licence", on_delete=models.CASCADE, related_name="renewal_reminders")
    cycle_ends_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "cycle_ends_on", "days_before"], name="one_renewal_reminder_per_step"
            ),
        ]

    def __str__(self):
        return f"{self.licence}: {self.days_before} days before {self.cycle_ends_on}"
