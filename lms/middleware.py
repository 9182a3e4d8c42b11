"""Site-wide answers that no single view should have to remember."""

import re

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from .converters import MAX_DATABASE_ID

NUMBER = re.compile(r"[0-9]{19,}")


class PrivateCacheControlMiddleware:
    """A page shown to a signed-in person (their licences, certificates, lessons, two-factor settings) is
    kept by no shared cache and by no browser history cache: `Cache-Control: private, no-store`, unless the
    view chose its own. Anonymous requests are left alone, so public pages stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Without a session cookie nobody is signed in; looking at request.user would load the session
        # and add `Vary: Cookie` to every anonymous page.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and not response.has_header("Cache-Control")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class MalformedRequestMiddleware:
    """Requests no browser of ours sends, answered as the client's mistake rather than a server error, in
    views we do not own (Wagtail's admin). Our own URLs refuse such input earlier (`<id:...>`, forms)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) and _has_number_beyond_any_id(request):
            # e.g. /admin/bulk/wagtailcore/page/publish/?id=99999999999999999999: SQLite's driver
            # refuses an integer that wide, so there can be no such row.
            raise Http404("There is no record with that number.")
        if isinstance(exception, (ValueError, TypeError, KeyError)) and _raised_reading_a_form_field(exception):
            # e.g. a rich-text field whose value is not the editor's JSON: the form cannot read it, so
            # nothing was saved.
            return HttpResponseBadRequest(
                "This form holds a value the editor could not have sent, so nothing was saved. "
                "Reload the page and make your changes again.",
                content_type="text/plain; charset=utf-8",
            )
        return None


def _has_number_beyond_any_id(request) -> bool:
    address = f"{request.path_info}?{request.META.get('QUERY_STRING', '')}"
    return any(int(number) > MAX_DATABASE_ID for number in NUMBER.findall(address))


def _raised_reading_a_form_field(exception: Exception) -> bool:
    """Whether a form widget raised it while reading the posted data, before any validation or saving."""
    traceback = exception.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_name == "value_from_datadict":
            return True
        traceback = traceback.tb_next
    return False


class PageRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects, for the addresses of pages and for addresses nothing answers. A 404 from one
    of the apps' own views (an unknown certificate code, say) is an answer, not a page that moved:
    looking it up among the redirects cost every unknown code at the verification API two queries."""

    def process_response(self, request, response):
        from wagtail.views import serve as wagtail_serve  # it reads the page model, loaded after this module

        match = getattr(request, "resolver_match", None)
        if match is not None and match.func is not wagtail_serve:
            return response
        return super().process_response(request, response)
