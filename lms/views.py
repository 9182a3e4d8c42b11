from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import default_provider


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    """The site's 404 page; under /api/, a JSON answer, as scripts expect of every API reply."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "There is nothing at this API address."}, status=404)
    return defaults.page_not_found(request, exception)


def _provider_page(template_name):
    """A public page of the provider's written policies, kept as a template the provider edits."""

    @require_safe
    def view(request):
        provider = default_provider(site=getattr(request, "site", None))
        return render(request, template_name, {"provider": provider})

    return view


privacy = _provider_page("lms/privacy.html")
terms = _provider_page("lms/terms.html")
