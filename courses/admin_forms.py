"""The course editor's form: what an instructor types, turned into what the course keeps."""

from django import forms
from wagtail.admin.compare import FieldComparison
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel

from lms.money import major_units, minor_units, money

# Stripe charges at most eight digits of minor units ($999,999.99); a dearer course could never be bought.
MOST_MINOR_UNITS = 99_999_999


class CoursePageForm(WagtailAdminPageForm):
    """Takes the price in dollars and cents (the currency's major unit) and keeps it in minor units, the
    way orders and Stripe count it; drafts, previews and autosaves all go through this form."""

    price_amount = forms.CharField(
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "price_amount" not in self.fields:
            return
        model_field = self._meta.model._meta.get_field("price_amount")
        self.fields["price_amount"].label = model_field.verbose_name.capitalize()
        self.fields["price_amount"].help_text = model_field.help_text
        # The editor shows the kept minor units as the amount they are: 4950 USD reads "49.50".
        stored = self.initial.get("price_amount")
        if stored is not None and not isinstance(stored, str):
            self.initial["price_amount"] = str(major_units(stored, self.instance.price_currency or "USD"))

    def clean(self):
        cleaned_data = super().clean()
        typed = cleaned_data.get("price_amount")
        if isinstance(typed, str):
            # A currency the form refused leaves the one the course has, so the price is still checked.
            currency = (cleaned_data.get("price_currency") or self.instance.price_currency or "USD").upper()
            try:
                cleaned_data["price_amount"] = self._price_minor_units(typed, currency)
            except forms.ValidationError as error:
                self.add_error("price_amount", error)
        return cleaned_data

    @staticmethod
    def _price_minor_units(typed: str, currency: str) -> int:
        typed = typed.strip()
        if not typed:
            return 0
        if typed.startswith("-"):
            raise forms.ValidationError("A price cannot be negative. Type 0 to make the course free.")
        try:
            minor = minor_units(typed, currency, allow_zero=True)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if minor > MOST_MINOR_UNITS:
            raise forms.ValidationError(f"A course can cost at most {money(MOST_MINOR_UNITS, currency)}.")
        return minor


class PriceComparison(FieldComparison):
    """The revision compare view shows the price as the editor takes it, $49.00, not the 4900 kept."""

    def __init__(self, field, obj_a, obj_b):
        super().__init__(field, obj_a, obj_b)
        self.val_a = money(self.val_a, obj_a.price_currency or "USD")
        self.val_b = money(self.val_b, obj_b.price_currency or "USD")


class PricePanel(FieldPanel):
    """The course's price field, compared between revisions in dollars and cents."""

    def get_comparison_class(self):
        return PriceComparison
