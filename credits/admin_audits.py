"""Wagtail admin hooks and views of this area; imported by wagtail_hooks.

Superusers bind regulators to their boards and issue and revoke their API tokens; superusers and
reviewers (with `credits.view_recordlookup`) read the log of record lookups, which nobody edits.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.errors import DomainError

from . import audits
from .models import RecordLookup, Regulator, RegulatorToken


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Lookups are evidence: they are viewed, never added, changed or deleted, even by a superuser."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


class KeptPolicy(ModelPermissionPolicy):
    """A regulator stays on record with their lookups (which protect it from deletion): one who no longer
    audits is taken out of the Regulators group, which stops both their pages and their tokens."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


register_permission_policy(RecordLookup, ReadOnlyPolicy(RecordLookup))
register_permission_policy(Regulator, KeptPolicy(Regulator))


class RegulatorIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.is_superuser:
            url = reverse("credits_audits_admin:tokens", args=[instance.pk])
            buttons.append(MenuItem("API tokens", url=url, icon_name="key", priority=15))
        return buttons


class RegulatorViewSet(ModelViewSet):
    """Who audits for which board. A regulator also needs to be in the Regulators group (Settings > Users)."""

    model = Regulator
    name = "credits_regulators"
    index_view_class = RegulatorIndexView
    icon = "user"
    menu_label = "Regulators"
    list_display = ["user", "board", DateColumn("created_at", label="Added")]
    list_filter = ["board"]
    search_fields = ["user__email", "user__legal_name"]
    copy_view_enabled = False


class RecordLookupViewSet(ModelViewSet):
    model = RecordLookup
    name = "credits_record_lookups"
    icon = "view"
    menu_label = "Record lookups"
    list_display = [
        DateColumn("looked_up_at", label="When"),
        Column("regulator", label="Who"),
        Column("licence_number", label="License number"),
        Column("licence", label="License found"),
        Column("channel", accessor="get_channel_display", label="Through"),
        Column("address", label="From"),
    ]
    list_filter = ["channel", "regulator__board", "looked_up_at"]
    search_fields = ["licence_number", "regulator__user__email"]
    inspect_view_enabled = True

    def get_urlpatterns(self):
        # No add, edit or delete views at all: the policy refuses them anyway, and they need a form.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


class AuditViewSetGroup(ModelViewSetGroup):
    items = [RegulatorViewSet, RecordLookupViewSet]
    menu_label = "Audits"
    menu_icon = "view"
    menu_order = 310


@hooks.register("register_admin_viewset")
def register_audit_viewsets():
    return AuditViewSetGroup()


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=audits.TOKEN_NAME_LENGTH, help_text="What the token is for, e.g. the board's audit script."
    )


def _superuser_only(request):
    if not request.user.is_superuser:
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def tokens(request, regulator_id):
    """A regulator's tokens; issuing one shows its plaintext on this answer only, never again."""
    _superuser_only(request)
    regulator = get_object_or_404(Regulator.objects.select_related("user", "board"), pk=regulator_id)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued, _ = audits.token_issue(regulator=regulator, name=form.cleaned_data["name"], by=request.user)
        except DomainError as error:
            form.add_error("name", str(error))
        else:
            form = TokenForm()
    context = {
        "regulator": regulator,
        "tokens": regulator.tokens.select_related("created_by").order_by("-created_at"),
        "form": form,
        "issued": issued,
    }
    response = TemplateResponse(request, "credits/audit/admin/tokens.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def revoke(request, token_id):
    _superuser_only(request)
    token = get_object_or_404(RegulatorToken, pk=token_id)
    try:
        audits.token_revoke(token=token, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The token “{token.name}” is revoked: it no longer opens the audit API.")
    return redirect("credits_audits_admin:tokens", token.regulator_id)


@hooks.register("register_admin_urls")
def register_audit_admin_urls():
    urls = [
        path("regulators/<id:regulator_id>/tokens/", tokens, name="tokens"),
        path("tokens/<id:token_id>/revoke/", revoke, name="revoke"),
    ]
    return [path("credits/audits/", include((urls, "credits_audits_admin")))]


@hooks.register("register_log_actions")
def register_audit_log_actions(actions):
    actions.register_action("credits.token_issue", "Issue audit API token", "Audit API token issued")
    actions.register_action("credits.token_revoke", "Revoke audit API token", "Audit API token revoked")
