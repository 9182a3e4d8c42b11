"""What every request needs to know about the person making it: whether they may use the admin as they
are signed in (StaffSignInMiddleware), and which time zone they read times in (TimeZoneMiddleware)."""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .selectors import user_has_mfa, user_must_use_mfa
from .timezones import time_zone_or_default

# Wagtail's admin login and its front-end login for private pages: plain Django login views with
# no rate limit and no second factor. Both are sent to allauth's, which has both.
OTHER_LOGIN_VIEWS = {"wagtailadmin_login", "wagtailcore_login"}


class StaffSignInMiddleware:
    """Signing in to the Wagtail admin: only through allauth, and with two-factor authentication for staff;
    signing out only by the sign-out button.

    Why a middleware: it is the one place that sees every admin request. An allauth adapter hook or a
    login stage runs only while someone signs in, so it would miss a session that began before the
    rule applied to them: someone added to the Reviewers group while signed in, or who switched off
    their authenticator afterwards. Wagtail has no hook around every admin view. And Wagtail's own
    login views are mounted inside its URL include, so they are redirected here rather than shadowed
    in lms/urls.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        url_name = request.resolver_match.url_name
        if url_name in OTHER_LOGIN_VIEWS:
            query = request.META.get("QUERY_STRING")
            return redirect(reverse("account_login") + (f"?{query}" if query else ""))
        if url_name == "wagtailadmin_logout":
            # Wagtail's logout view answers a GET 405 but first deletes the session cookie and says "logged
            # out", while the session stays valid on the server. Only the admin's sign-out button (a POST)
            # signs out; anything else is refused before the view touches anything.
            return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        user = request.user
        if user.is_authenticated and not user_has_mfa(user=user) and user_must_use_mfa(user=user):
            if request.headers.get("x-requested-with") != "XMLHttpRequest":
                messages.warning(
                    request,
                    "Your role can publish courses or change other people's rights, so the editor needs "
                    "two-factor authentication. Set up an authenticator app to continue.",
                )
            return redirect("mfa_activate_totp")
        return None


class TimeZoneMiddleware:
    """Dates and times are shown in the signed-in person's own time zone (their profile's), and in the site's
    (settings.TIME_ZONE) for everyone else; templates name the zone beside each time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is signed in: looking at request.user would load a session for nothing.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        if signed_in and request.user.time_zone:
            timezone.activate(zoneinfo.ZoneInfo(time_zone_or_default(request.user.time_zone)))
        else:
            timezone.deactivate()
        return self.get_response(request)
