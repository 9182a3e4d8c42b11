"""Signing in to the Wagtail admin: only through allauth, and with two-factor authentication for staff;
signing out only by the sign-out button.

Why a middleware: it is the one place that sees every admin request. An allauth adapter hook or a
login stage runs only while someone signs in, so it would miss a session that began before the
rule applied to them: someone added to the Reviewers group while signed in, or who switched off
their authenticator afterwards. Wagtail has no hook around every admin view. And Wagtail's own
login views are mounted inside its URL include, so they are redirected here rather than shadowed
in lms/urls.py.
"""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import user_has_mfa, user_must_use_mfa

# Wagtail's admin login and its front-end login for private pages: plain Django login views with
# no rate limit and no second factor. Both are sent to allauth's, which has both.
OTHER_LOGIN_VIEWS = {"wagtailadmin_login", "wagtailcore_login"}


class StaffSignInMiddleware:
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
