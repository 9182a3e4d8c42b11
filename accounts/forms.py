from allauth.account import app_settings as allauth_settings
from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.utils import complete_signup, filter_users_by_email, get_next_redirect_url, perform_login
from django import forms
from django.conf import settings
from wagtail.users import forms as wagtail_forms

from .models import Licence, User, normalise_licence_number
from .timezones import time_zone_choices


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

    The browser fills in its time zone (static/js/time-zone.js), so that times read right from the first
    page; without script the site's zone is used until the profile names one.
    """

    time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""})
    )

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


class TimeZoneForm(forms.Form):
    """The zone a practitioner reads dates and times in; until they choose one, the site's."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Dates and times on the site are shown in this zone, with its name beside each time.",
        error_messages={"required": "Choose the time zone you want dates and times shown in."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, initial={"time_zone": user.time_zone or settings.TIME_ZONE}, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()


class OnboardingForm(TimeZoneForm):
    legal_name = forms.CharField(
        label="Legal name",
        required=False,
        max_length=User._meta.get_field("legal_name").max_length,
        validators=User._meta.get_field("legal_name").validators,
        help_text="Your full name exactly as it appears on your massage license. Certificates print it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["legal_name", "time_zone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.initial["legal_name"] = user.legal_name


class BoardSelect(forms.Select):
    """Each board's option carries the form its license numbers take, which static/js/licence-form.js shows
    as the number's help as soon as the board is chosen."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        board = getattr(value, "instance", None)
        if board is not None:
            option["attrs"]["data-number-help"] = licence_number_help(board)
        return option


def licence_number_help(board) -> str:
    if board.licence_number_example:
        return f"As printed on your license: {board} numbers look like {board.licence_number_example}."
    return f"As printed on your {board} license."


NO_BOARD_HELP = "As printed on your license. Choose the board first to see the form its numbers take."


class LicenceForm(forms.ModelForm):
    """One licence; the model checks the number against the board's pattern and against duplicates."""

    class Meta:
        model = Licence
        fields = ["board", "number", "jurisdiction", "expires_on", "first_licensed_on"]
        widgets = {
            "board": BoardSelect,
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
        self.fields["board"].widget.attrs["data-no-board-help"] = NO_BOARD_HELP
        self.fields["number"].help_text = self._number_help()
        self.fields["jurisdiction"].required = False
        self.fields[
            "jurisdiction"
        ].help_text = "Leave blank to use the board's state; for a national certification, the country."

    def _number_help(self) -> str:
        """The chosen board's number format (the board posted, or the license's own), for pages read
        without script too."""
        board_field = self.fields["board"]
        chosen = self.data.get(self.add_prefix("board")) if self.is_bound else self.initial.get("board")
        try:
            board = board_field.queryset.get(pk=chosen) if chosen else None
        except (ValueError, board_field.queryset.model.DoesNotExist):
            board = None
        return licence_number_help(board) if board else NO_BOARD_HELP

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
