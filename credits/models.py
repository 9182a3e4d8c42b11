import re

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from accounts.models import normalise_licence_number


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
