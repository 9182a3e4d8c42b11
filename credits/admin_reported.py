"""Reviewers check credits practitioners reported against their proofs, in the Wagtail admin, and verify
or reject them (two-factor required, as for revoking a certificate). The facts are never edited here."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.errors import DomainError

from . import services
from .models import CreditEntry, EntrySource, ReviewStatus
from .reported_selectors import QueueStatus, review_queue
from .services import REVIEW_PERMISSION

PER_PAGE = 50


class RejectForm(forms.Form):
    note = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The practitioner reads this in their CE record: say what is wrong and what would do.",
        error_messages={"required": "Give the reason for rejecting: the practitioner reads it."},
    )


@permission_required(REVIEW_PERMISSION, raise_exception=True)
def index(request):
    status = request.GET.get("status", QueueStatus.AWAITING)
    if status not in dict(QueueStatus.choices):
        status = QueueStatus.AWAITING
    page = Paginator(review_queue(status=status), PER_PAGE).get_page(request.GET.get("p"))
    context = {"page": page, "status": status, "statuses": QueueStatus.choices}
    return TemplateResponse(request, "credits/admin/reported_index.html", context)


@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_POST
def verify(request, entry_id):
    entry = _reported(entry_id)
    try:
        services.reported_credit_review(entry=entry, by=request.user, verdict=ReviewStatus.VERIFIED)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{entry.title}” reported by {entry.user.email} is verified.")
    return redirect("credits_reported_admin:index")


@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def reject(request, entry_id):
    entry = _reported(entry_id)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reported_credit_review(
                entry=entry, by=request.user, verdict=ReviewStatus.REJECTED, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{entry.title}” reported by {entry.user.email} is rejected.")
            return redirect("credits_reported_admin:index")
    return TemplateResponse(request, "credits/admin/reported_reject.html", {"entry": entry, "form": form})


def _reported(entry_id) -> CreditEntry:
    queryset = CreditEntry.objects.filter(source=EntrySource.REPORTED).select_related("user", "board")
    return get_object_or_404(queryset.prefetch_related("categories"), pk=entry_id)


@hooks.register("register_admin_urls")
def register_reported_credit_admin_urls():
    urls = [
        path("", index, name="index"),
        path("<id:entry_id>/verify/", verify, name="verify"),
        path("<id:entry_id>/reject/", reject, name="reject"),
    ]
    return [path("reported-credits/", include((urls, "credits_reported_admin")))]


class ReportedCreditsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_reported_credits_menu_item():
    return ReportedCreditsMenuItem(
        "Reported credits", reverse("credits_reported_admin:index"), icon_name="tasks", order=360
    )


@hooks.register("register_log_actions")
def register_reported_credit_log_actions(actions):
    actions.register_action("credits.report", "Report a CE credit", "CE credit reported by the practitioner")
    actions.register_action("credits.verify", "Verify reported CE credit", "Reported CE credit verified")
    actions.register_action("credits.reject", "Reject reported CE credit", "Reported CE credit rejected")
