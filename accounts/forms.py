from allauth.account import app_settings as allauth_settings
from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.utils import complete_signup, filter_users_by_email, get_next_redirect_url, perform_login
from django import forms
from wagtail.users import forms as wagtail_forms

from .models import Licence, User, normalise_licence_number


class UserCreationForm(wagtail_forms.UserCreationForm):
    class Meta(wagtail_forms.UserCreationForm.Meta):
        fields = wagtail_forms.UserCreationForm.Meta.fields | {"legal_name"}


class UserEditForm(wagtail_forms.UserEditForm):
    class Meta(wagtail_forms.UserEditForm.Meta):
        fields = wagtail_forms.UserEditForm.Meta.fields | {"legal_name"}


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, answering alike whether or not the address already has an account.

    allauth hides a taken address only when every sign-in waits for a confirmed address (mandatory
    verification); with optional verification it says "A user is already registered with this email
    address", since a new account would otherwise be signed in at once and a taken one not. Here signing
    in waits for the confirmation at sign-up only: a new address and a taken one both get "check your
    inbox", the new one a confirmation link, the taken one allauth's "you already have an account"
    email. Signing in later still works with an unconfirmed address.
    """

    def validate_unique_email(self, value: str) -> str:
        self.account_already_exists = bool(filter_users_by_email(value))
        return get_adapter().validate_unique_email(value)

    def try_save(self, request):
        confirm_first = allauth_settings.EmailVerificationMethod.MANDATORY
        if self.account_already_exists:
            # allauth's own enumeration-prevention step: a sign-in with no user, which emails the owner.
            response = perform_login(
                request, None, email_verification=confirm_first, signup=True, email=self.cleaned_data["email"]
            )
            return None, response
        user = self.save(request)
        return user, complete_signup(
            request, user, email_verification=confirm_first, success_url=get_next_redirect_url(request)
        )


class LegalNameForm(forms.Form):
    legal_name = forms.CharField(
        label="Legal name",
        max_length=User._meta.get_field("legal_name").max_length,
        validators=User._meta.get_field("legal_name").validators,
        help_text="Your full name exactly as it appears on your massage license. Certificates print it.",
        error_messages={"required": "Enter your legal name: certificates cannot be issued without it."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class LicenceForm(forms.ModelForm):
    """One licence; the model checks the number against the board's pattern and against duplicates."""

    class Meta:
        model = Licence
        fields = ["board", "number", "jurisdiction", "expires_on", "first_licensed_on"]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "first_licensed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "board": {"required": "Choose the board that issued the license."},
            "number": {"required": "Enter the license number."},
            "expires_on": {
                "required": "Enter the expiration date printed on the license.",
                "invalid": "Enter the expiration date as a date, e.g. 2027-08-31.",
            },
            "first_licensed_on": {"invalid": "Enter the date the license was first issued, e.g. 2026-03-15."},
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
