"""What a practitioner types to report a credit from elsewhere, or to correct one."""

import datetime
from decimal import Decimal

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from lms.validators import validate_printable_line

from .models import Board, CreditCategory, CreditEntry, DeliveryType
from .proofs import ProofError, max_bytes, proof_validate

MAX_HOURS = Decimal(100)
# Only a hint for the file picker: the type is checked from the file's content.
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _max_length(name: str) -> int:
    return CreditEntry._meta.get_field(name).max_length


class ReportedCreditForm(forms.Form):
    """A credit completed elsewhere, as its certificate states it, with the certificate as proof.
    `cleaned_data["proof"]` is the checked proof (a `proofs.Proof`), ready for the service."""

    title = forms.CharField(
        label="Course title",
        max_length=_max_length("title"),
        validators=[validate_printable_line],
        help_text="As the certificate prints it.",
        error_messages={"required": "Enter the course title."},
    )
    provider_name = forms.CharField(
        label="Provider",
        max_length=_max_length("provider_name"),
        validators=[validate_printable_line],
        help_text="Who gave the course.",
        error_messages={"required": "Enter the provider who gave the course."},
    )
    provider_number = forms.CharField(
        label="Provider or approval number",
        max_length=_max_length("provider_number"),
        validators=[validate_printable_line],
        help_text="The provider's or the course's approval number, as the certificate prints it "
        "(an NCBTMB AP number, a CE Broker number).",
        error_messages={"required": "Enter the provider or approval number printed on the certificate."},
    )
    board = forms.ModelChoiceField(
        label="Approving board",
        queryset=Board.objects.all(),
        required=False,
        empty_label="Not known, or not listed",
        help_text="The board that approved the course, if the certificate names one.",
    )
    completed_on = forms.DateField(
        label="Completion date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date you completed the course.",
            "invalid": "Enter the completion date as a date, e.g. 2026-03-14.",
        },
    )
    hours = forms.DecimalField(
        label="CE hours",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": str(MAX_HOURS)}),
        help_text="As approved and printed on the certificate, e.g. 3 or 1.5.",
        error_messages={
            "required": "Enter the CE hours the certificate awards.",
            "invalid": "Enter the hours as a number, e.g. 3 or 1.5.",
            "max_decimal_places": "Give the hours to at most two decimal places, e.g. 1.25.",
            "max_digits": f"A single course awards at most {MAX_HOURS} hours.",
            "max_whole_digits": f"A single course awards at most {MAX_HOURS} hours.",
        },
    )
    categories = forms.ModelMultipleChoiceField(
        label="Subject categories",
        queryset=CreditCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each subject the certificate lists hours in; leave them all unticked if it lists none.",
        error_messages={"invalid_choice": "Choose categories from the list."},
    )
    delivery = forms.ChoiceField(
        label="Delivery type",
        choices=DeliveryType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the course was delivered."},
    )
    proof = forms.FileField(
        label="Proof of completion",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": "Attach the certificate, or a photo or scan of it, as proof.",
            "invalid": "The file did not arrive whole. Choose it again.",
            "empty": "The file is empty. Choose the certificate's PDF, JPEG or PNG file.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(max_bytes())
        self.fields[
            "proof"
        ].help_text = f"The certificate as a PDF, or a photo or scan of it as JPEG or PNG; at most {limit}."

    def clean_completed_on(self) -> datetime.date:
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError("The completion date cannot be in the future.")
        return completed_on

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if hours <= 0:
            raise forms.ValidationError("Enter the hours the course awards: more than 0.")
        if hours > MAX_HOURS:
            raise forms.ValidationError(f"A single course awards at most {MAX_HOURS} hours.")
        return hours

    def clean_proof(self):
        upload = self.cleaned_data.get("proof")
        if upload is None:
            return None
        try:
            return proof_validate(upload)
        except ProofError as error:
            raise forms.ValidationError(str(error)) from None


class CorrectionForm(ReportedCreditForm):
    """The same facts, first as they were reported; a new proof only if the old one was wrong."""

    correction_reason = forms.CharField(
        label="What did you correct?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Reviewers read this beside both versions, e.g. “The certificate says 3 hours, not 2”.",
        error_messages={"required": "Say what you corrected, so that reviewers can follow the change."},
    )

    def __init__(self, *args, entry: CreditEntry, **kwargs):
        initial = {
            "title": entry.title,
            "provider_name": entry.provider_name,
            "provider_number": entry.provider_number,
            "board": entry.board_id,
            "completed_on": entry.completed_on,
            "hours": entry.hours,
            "categories": [category.pk for category in entry.categories.all()],
            "delivery": entry.delivery,
        }
        super().__init__(*args, initial=initial, **kwargs)
        proof = self.fields["proof"]
        proof.required = False
        proof.label = "New proof"
        proof.help_text = f"Only if the proof you attached was the wrong file. {proof.help_text}"
