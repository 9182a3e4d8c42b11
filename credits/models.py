from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class DeliveryType(models.TextChoices):
    """How a course is delivered, in the terms boards approve courses under."""

    HOME_STUDY = "home_study", "Home study"
    LIVE = "live", "Live, in person"
    WEBINAR = "webinar", "Live webinar"


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
        help_text="The state or country whose licences this board issues; blank for national boards.",
    )
    website = models.URLField(blank=True)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("jurisdiction"), FieldPanel("website")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("code")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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
