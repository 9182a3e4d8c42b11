"""Rosters in the Wagtail admin: reviewers download completions in a tracking system's layout, mark them
reported in a batch, re-download past batches, and watch the 30-day clock of those not yet reported."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.models import Page

from lms.errors import DomainError

from . import rosters
from .models import Board, CreditEntry, EntrySource, RosterBatch, RosterFormat

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rosters.roster_xlsx),
    "csv": ("text/csv; charset=utf-8", rosters.roster_csv),
}


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class RosterForm(forms.Form):
    board = forms.ModelChoiceField(Board.objects.all(), empty_label="Choose a board")
    course = CourseChoiceField(Page.objects.none(), required=False, empty_label="Every course")
    date_from = forms.DateField(label="Completed from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Completed to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    layout = forms.ChoiceField(choices=RosterFormat.choices, initial=RosterFormat.CE_BROKER)
    format = forms.ChoiceField(choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")], initial="xlsx")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The courses completions were earned in; the credits layer reads them as plain pages.
        earned = CreditEntry.objects.filter(source=EntrySource.EARNED, course__isnull=False)
        self.fields["course"].queryset = Page.objects.filter(pk__in=earned.values("course_id")).order_by("title")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The period ends before it starts.")
        return data


class MarkForm(forms.Form):
    reference = forms.CharField(
        label="Batch reference",
        max_length=100,
        required=False,
        help_text="The tracking system's batch or receipt number, if it gave one.",
    )


def _roster(form: RosterForm):
    data = form.cleaned_data
    layout = rosters.LAYOUTS[data["layout"]]
    entries = rosters.roster_entries(
        board=data["board"], course=data["course"], date_from=data["date_from"], date_to=data["date_to"]
    )
    return layout, rosters.roster_rows(layout, entries)


def _roster_page(request, form, mark_form=None):
    context = {"form": form, "may_mark": request.user.has_perm(rosters.ADD_PERMISSION)}
    if form.is_bound and form.is_valid():
        layout, rows = _roster(form)
        ready = [row for row in rows if row.reportable]
        context.update(
            layout=layout,
            preview=[[rosters.us_date(row.cells[key]) for key, _ in layout.columns] for row in ready],
            flagged=[row for row in rows if not row.reportable],
            entry_ids=list(dict.fromkeys(row.entry.pk for row in ready)),
            mark_form=mark_form or MarkForm(),
            filters={name: form.data[name] for name in RosterForm.base_fields if form.data.get(name)},
        )
        context["query"] = urlencode(context["filters"])
    return TemplateResponse(request, "credits/admin/rosters/roster.html", context)


def _file(layout, rows, file_format: str, name: str) -> HttpResponse:
    content_type, write = FORMATS[file_format]
    response = HttpResponse(write(layout, rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@permission_required(rosters.VIEW_PERMISSION, raise_exception=True)
@require_GET
def roster(request):
    return _roster_page(request, RosterForm(request.GET or None))


@permission_required(rosters.VIEW_PERMISSION, raise_exception=True)
@require_GET
def roster_download(request):
    form = RosterForm(request.GET)
    if not form.is_valid():
        messages.error(request, "The roster could not be made: correct the choices below.")
        return _roster_page(request, form)
    layout, rows = _roster(form)
    name = f"{layout.filename}-{form.cleaned_data['board'].code}-{timezone.localdate():%Y-%m-%d}"
    return _file(layout, [row for row in rows if row.reportable], form.cleaned_data["format"], name)


@permission_required(rosters.ADD_PERMISSION, raise_exception=True)
@require_POST
def roster_mark(request):
    form = RosterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was marked: correct the choices below.")
        return _roster_page(request, form)
    mark = MarkForm(request.POST)
    try:
        entry_ids = {int(value) for value in request.POST.getlist("entry")}
    except ValueError:
        entry_ids = set()
    if mark.is_valid():
        try:
            batch = rosters.roster_batch_record(
                board=form.cleaned_data["board"],
                layout=form.cleaned_data["layout"],
                entries=CreditEntry.objects.filter(pk__in=entry_ids) if entry_ids else [],
                reference=mark.cleaned_data["reference"],
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            count = batch.lines.count()
            done = "1 completion is" if count == 1 else f"{count} completions are"
            messages.success(request, f"{done} marked as reported to {batch.board}.")
            return redirect("credits_rosters:batches")
    else:
        messages.error(request, "Nothing was marked: correct the batch reference.")
    return _roster_page(request, form, mark_form=mark)


@permission_required(rosters.VIEW_PERMISSION, raise_exception=True)
@require_GET
def batches(request):
    context = {"batches": rosters.roster_batches()[:200], "formats": FORMATS}
    return TemplateResponse(request, "credits/admin/rosters/batches.html", context)


@permission_required(rosters.VIEW_PERMISSION, raise_exception=True)
@require_GET
def batch_download(request, batch_id):
    batch = get_object_or_404(RosterBatch.objects.select_related("board"), pk=batch_id)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        file_format = "xlsx"
    layout = rosters.LAYOUTS[batch.layout]
    name = f"{layout.filename}-{batch.board.code}-{timezone.localtime(batch.reported_at):%Y-%m-%d}-{batch.pk}"
    return _file(layout, rosters.batch_rows(batch), file_format, name)


@permission_required(rosters.VIEW_PERMISSION, raise_exception=True)
@require_GET
def unreported(request):
    today = timezone.localdate()
    sections = [
        (board, rosters.unreported_completions(board=board, today=today)) for board in rosters.boards_with_unreported()
    ]
    context = {
        "sections": [(board, items) for board, items in sections if items],
        "today": today,
        "limit": rosters.REPORTING_DAYS,
    }
    return TemplateResponse(request, "credits/admin/rosters/unreported.html", context)


@hooks.register("register_admin_urls")
def register_roster_admin_urls():
    urls = [
        path("", roster, name="roster"),
        path("download/", roster_download, name="download"),
        path("mark/", roster_mark, name="mark"),
        path("batches/", batches, name="batches"),
        path("batches/<int:batch_id>/download/", batch_download, name="batch_download"),
        path("unreported/", unreported, name="unreported"),
    ]
    return [path("rosters/", include((urls, "credits_rosters")))]


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(rosters.VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_rosters_menu_item():
    items = [
        RosterMenuItem("Not yet reported", reverse("credits_rosters:unreported"), icon_name="time", order=100),
        RosterMenuItem("Roster export", reverse("credits_rosters:roster"), icon_name="download", order=200),
        RosterMenuItem("Reported batches", reverse("credits_rosters:batches"), icon_name="list-ul", order=300),
    ]
    return SubmenuMenuItem("Rosters", Menu(items=items), icon_name="table", order=310)


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    actions.register_action("credits.roster_report", "Report roster", "Completions reported in a roster")
