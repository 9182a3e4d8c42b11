from django import forms
from wagtail.users import forms as wagtail_forms

from .models import Licence, User, normalise_licence_number


class UserCreationForm(wagtail_forms.UserCreationForm):
    class Meta(wagtail_forms.UserCreationForm.Meta):
        fields = wagtail_forms.UserCreationForm.Meta.fields | {"legal_name"}


class UserEditForm(wagtail_forms.UserEditForm):
    class Meta(wagtail_forms.UserEditForm.Meta):
        fields = wagtail_forms.UserEditForm.Meta.fields | {"legal_name"}


class LegalNameForm(forms.Form):
    legal_name = forms.CharField(
        label="Legal name",
        max_length=User._meta.get_field("legal_name").max_length,
        help_text="Your full name exactly as it appears on your massage license. Certificates print it.",
        error_messages={"required": "Enter your legal name: certificates cannot be issued without it."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class LicenceForm(forms.ModelForm):
    """One licence; the model checks the number against the board's pattern and against duplicates."""

    class Meta:
        model = Licence
        fields = ["board", "number", "jurisdiction", "expires_on"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "board": {"required": "Choose the board that issued the license."},
            "number": {"required": "Enter the license number."},
            "expires_on": {
                "required": "Enter the expiration date printed on the license.",
                "invalid": "Enter the expiration date as a date, e.g. 2027-08-31.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].empty_label = "Choose a board"
        self.fields["jurisdiction"].required = False
        self.fields[
            "jurisdiction"
        ].help_text = "Leave blank to use the board's state; for a national certification, the country."

    def clean_number(self):
        return normalise_licence_number(self.cleaned_data["number"])

    def clean(self):
        cleaned_data = super().clean()
        board = cleaned_data.get("board")
        if not cleaned_data.get("jurisdiction", "").strip():
            if board and board.jurisdiction:
                cleaned_data["jurisdiction"] = board.jurisdiction
            else:
                self.add_error("jurisdiction", "Enter the state or country that issued this license.")
        return cleaned_data
