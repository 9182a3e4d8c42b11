"""Reviewers find a practitioner by license number or email and reprint their transcripts as PDFs."""

from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.models import Licence, normalise_licence_number

from . import transcript_views
from .transcript_views import REPRINT_PERMISSION

SHOWN = 50


@require_GET
@permission_required(REPRINT_PERMISSION, raise_exception=True)
def find(request):
    query = request.GET.get("q", "").strip()[:200]
    licences = []
    if query:
        licences = list(
            Licence.objects.filter(Q(number=normalise_licence_number(query)) | Q(user__email__iexact=query))
            .select_related("user", "board")
            .order_by("user__email", "board__name")[:SHOWN]
        )
    return TemplateResponse(
        request, "credits/admin/transcripts/find.html", {"query": query, "licences": licences, "searched": bool(query)}
    )


@hooks.register("register_admin_urls")
def register_transcript_admin_urls():
    urls = [
        path("", find, name="find"),
        path("licenses/<id:licence_id>.pdf", transcript_views.reprint_licence_pdf, name="licence_pdf"),
        path("people/<id:user_id>.pdf", transcript_views.reprint_full_pdf, name="full_pdf"),
    ]
    return [path("transcripts/", include((urls, "credits_transcripts")))]


class TranscriptsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPRINT_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_transcripts_menu_item():
    return TranscriptsMenuItem("Transcripts", reverse("credits_transcripts:find"), icon_name="doc-full", order=320)


@hooks.register("register_log_actions")
def register_transcript_log_actions(actions):
    actions.register_action("credits.transcript_reprint", "Reprint transcript", "Transcript reprinted")
