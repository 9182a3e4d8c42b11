from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal.ratelimit import get_ip
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode

from . import selectors
from .timezones import time_zone_or_default


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """What the "key" part of the `login_failed` rate limit counts: the account and the address it is
        tried from. Counted per account alone (allauth's default), five wrong passwords from anywhere would
        lock out its owner, a reviewer or an admin, wherever they are; per account and address, they can
        still sign in from their own. Guessing from many addresses stays bounded by the per-address limit and
        the password rules. A password reset clears the count of the address it is done from."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        """Every account email names the site as its header does (the provider's name), not the host it
        was reached on: allauth's own `current_site` is the request's host name where django.contrib.sites
        is not installed."""
        super().send_mail(template_prefix, email, {"site_name": selectors.site_name(context.request), **context_data})

    def format_email_subject(self, subject: str) -> str:
        return f"[{selectors.site_name(context.request)}] {subject}"

    def save_user(self, request, user, form, commit=True):
        """A new account reads times in the zone its browser reported on the sign-up form, if it is one we know."""
        reported = form.cleaned_data.get("time_zone", "")
        user.time_zone = time_zone_or_default(reported) if reported else ""
        return super().save_user(request, user, form, commit=commit)

    def get_signup_redirect_url(self, request) -> str:
        return reverse("accounts:onboarding")

    def post_login(self, request, user, *, signup, redirect_url, **kwargs):
        """A new practitioner signing up from a course page is signed in on confirming their address and
        sent back to it, by way of the onboarding (legal name, first license), which they may skip."""
        if signup and redirect_url and selectors.onboarding_due(user=user):
            redirect_url = onboarding_url(next_url=redirect_url)
        return super().post_login(request, user, signup=signup, redirect_url=redirect_url, **kwargs)

    def get_email_verification_redirect_url(self, email_address) -> str:
        """Confirming an address leads to the onboarding while it is due; confirmed in another browser, where
        nobody is signed in, to signing in first."""
        user = self.request.user
        if not user.is_authenticated:
            return f"{resolve_url('account_login')}?{urlencode({REDIRECT_FIELD_NAME: onboarding_url()})}"
        if selectors.onboarding_due(user=user):
            return onboarding_url()
        return super().get_email_verification_redirect_url(email_address)


def onboarding_url(*, next_url: str = "") -> str:
    url = reverse("accounts:onboarding")
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url
