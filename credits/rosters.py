"""Rosters: completions earned here, laid out as the tracking systems take them, and the record of what was reported.

Florida requires a provider to report each completion to CE Broker within 30 days (Fla. Admin. Code
R. 64B-5.002); FSMTB's CE Registry takes completion rosters for the national Massage Therapy Licensing
Database. A roster row is a current earned entry (not withdrawn, not superseded) of one board that
has not been reported yet, with the practitioner's license number.

CE Broker's Excel upload (help.cebroker.com, "Creating Excel Files", full and partial credit) reads
columns by position with no heading row, the cells of G and H naming themselves ("State=FL"):

    A provider tracking number without "50-"     F completion date
    B course tracking number without "20-"       G State=<two-letter code>
    C the provider's own course ID                H Profession=<CE Broker profession code>
    D publishing number (optional, blank)        I, J subject area code and hours, partial credit only
    E license number

CE Broker's help asks for an .xls file; openpyxl writes .xlsx, which is to be checked against the
uploader. I and J stay blank: an entry carries the hours as approved and a partial completion is not
recorded here, so every row is full credit (CE Broker applies the course's hours itself).

FSMTB publishes no roster layout we could find (its CE Registry pages say only that providers upload
completion rosters), so the FSMTB layout is an assumption to be checked against the registry's upload
template: a heading row, then licensee name, license number, license state, course number, course
title as approved, completion date, CE hours and FSMTB's delivery type ("Live - Webinar",
"Live - On Site", "On Demand").

Which license a row reports: the practitioner's license of the entry's board; for a national board
that issues none (FSMTB's registry), their state licenses, one row each. A practitioner with no such
license on record has a row flagged "No license number on record", which stays out of the file and
cannot be marked reported until they add one.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook
from wagtail.log_actions import log

from accounts.models import Licence
from lms.errors import DomainError, NotPermitted
from lms.exports import GuardedSpreadsheetExportMixin
from lms.validators import validate_printable_line

from .models import Board, CreditEntry, DeliveryType, EntrySource, RosterBatch, RosterFormat, RosterLine

ADD_PERMISSION = "credits.add_rosterbatch"
VIEW_PERMISSION = "credits.view_rosterbatch"

# Fla. Admin. Code R. 64B-5.002: completions reach the tracking system within 30 days. The strictest
# deadline we know of, so the clock shows it for every board.
REPORTING_DAYS = 30

# CE Broker's profession code for Florida massage therapists, to be checked against its list of
# profession codes (its help gives only "Profession=RN" as an example).
CE_BROKER_PROFESSION = "LMT"

# The states our boards license in; a board whose jurisdiction is not here falls back to its code.
STATE_CODES = {"florida": "FL", "texas": "TX", "new york": "NY", "maryland": "MD", "oregon": "OR"}

FSMTB_DELIVERY = {
    DeliveryType.WEBINAR.value: "Live - Webinar",
    DeliveryType.LIVE.value: "Live - On Site",
    DeliveryType.HOME_STUDY.value: "On Demand",
}

NO_LICENCE = "No license number on record"
NO_STATE = "CE Broker needs the board's state: this board has no jurisdiction recorded"


class RosterError(DomainError):
    """Why a roster cannot be marked reported, in words for the reviewer."""


def state_code(jurisdiction: str, fallback: str = "") -> str:
    """The two-letter code of a state we know by name, or the fallback if that is two letters."""
    known = STATE_CODES.get(jurisdiction.strip().lower())
    if known:
        return known
    if len(jurisdiction.strip()) == 2:
        return jurisdiction.strip().upper()
    return fallback.upper() if len(fallback) == 2 else ""


def _without_prefix(number: str, prefix: str) -> str:
    number = number.strip()
    return number[len(prefix) :] if number.startswith(prefix) else number


# Layouts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    entry: CreditEntry
    cells: dict
    problem: str = ""

    @property
    def reportable(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    columns: tuple[tuple[str, str], ...]  # (cell key, heading as the preview shows it)
    headed: bool  # whether the file starts with a heading row
    filename: str

    @property
    def headings(self) -> list[str]:
        return [heading for _, heading in self.columns]


CE_BROKER = Layout(
    key=RosterFormat.CE_BROKER,
    label=RosterFormat.CE_BROKER.label,
    columns=(
        ("provider", "A: provider #"),
        ("course_number", "B: course #"),
        ("course_id", "C: our course ID"),
        ("publishing", "D: publishing #"),
        ("licence", "E: license #"),
        ("completed_on", "F: completion date"),
        ("state", "G: state"),
        ("profession", "H: profession"),
        ("subject", "I: subject code (partial credit)"),
        ("hours", "J: hours (partial credit)"),
    ),
    headed=False,
    filename="ce-broker-roster",
)

FSMTB = Layout(
    key=RosterFormat.FSMTB,
    label=RosterFormat.FSMTB.label,
    columns=(
        ("name", "Licensee name"),
        ("licence", "License number"),
        ("licence_state", "License state"),
        ("course_number", "Course number"),
        ("title", "Course title"),
        ("completed_on", "Completion date"),
        ("hours", "CE hours"),
        ("delivery", "Delivery type"),
    ),
    headed=True,
    filename="fsmtb-roster",
)

LAYOUTS = {CE_BROKER.key: CE_BROKER, FSMTB.key: FSMTB}


def licences_by_entry(entries: Sequence[CreditEntry]) -> dict[int, list[Licence]]:
    """The licenses each entry is reported against (see the module's docstring), in one query: of
    several licenses of one board, the one expiring last, the number in force."""
    by_user: dict[int, dict[int, Licence]] = {}
    licences = Licence.objects.filter(user_id__in={entry.user_id for entry in entries}).select_related("board")
    for licence in licences.order_by("-expires_on", "-pk"):
        by_user.setdefault(licence.user_id, {}).setdefault(licence.board_id, licence)
    result = {}
    for entry in entries:
        held = by_user.get(entry.user_id, {})
        if entry.board_id in held or entry.board.jurisdiction:
            result[entry.pk] = [held[entry.board_id]] if entry.board_id in held else []
        else:
            result[entry.pk] = [licence for licence in held.values() if licence.board.jurisdiction]
    return result


def ce_broker_rows(entries: Sequence[CreditEntry]) -> list[RosterRow]:
    """One row per entry and license of its board, as CE Broker's Excel upload reads it."""
    licences = licences_by_entry(entries)
    rows = []
    for entry in entries:
        state = state_code(entry.board.jurisdiction, entry.board.code)
        common = {
            "provider": _without_prefix(entry.provider_number, "50-"),
            "course_number": _without_prefix(entry.approval_number, "20-"),
            "course_id": str(entry.course_id or ""),
            "publishing": "",
            "completed_on": entry.completed_on,
            "state": f"State={state}" if state else "",
            "profession": f"Profession={CE_BROKER_PROFESSION}",
            "subject": "",
            "hours": "",
        }
        problem = "" if state else NO_STATE
        # CE Broker is one state's record: one license per completion, even if a national board's entry has several.
        held = licences[entry.pk][:1]
        if not held:
            rows.append(RosterRow(entry, {**common, "licence": ""}, problem or NO_LICENCE))
        for licence in held:
            rows.append(RosterRow(entry, {**common, "licence": licence.number}, problem))
    return rows


def fsmtb_rows(entries: Sequence[CreditEntry]) -> list[RosterRow]:
    """One row per entry and license, in the layout assumed for FSMTB's CE Registry (module docstring)."""
    licences = licences_by_entry(entries)
    rows = []
    for entry in entries:
        common = {
            "name": entry.user.legal_name,
            "course_number": entry.approval_number,
            "title": entry.title,
            "completed_on": entry.completed_on,
            "hours": entry.hours,
            "delivery": FSMTB_DELIVERY.get(entry.delivery, entry.get_delivery_display()),
        }
        if not licences[entry.pk]:
            rows.append(RosterRow(entry, {**common, "licence": "", "licence_state": ""}, NO_LICENCE))
        for licence in licences[entry.pk]:
            state = state_code(licence.jurisdiction) or licence.jurisdiction
            rows.append(RosterRow(entry, {**common, "licence": licence.number, "licence_state": state}))
    return rows


ROW_BUILDERS = {CE_BROKER.key: ce_broker_rows, FSMTB.key: fsmtb_rows}


def roster_rows(layout: Layout, entries: Sequence[CreditEntry]) -> list[RosterRow]:
    return ROW_BUILDERS[layout.key](entries)


# Files --------------------------------------------------------------------------------------------


def us_date(value):
    """A date as CE Broker's help writes them, MM/DD/YYYY; anything else as it is."""
    return value.strftime("%m/%d/%Y") if isinstance(value, datetime.date) else value


class _RosterSheet(GuardedSpreadsheetExportMixin):
    """The admin's one guarded export path (lms.exports), for a layout that may have no heading row.

    XLSX dates are date cells shown as MM/DD/YYYY ("the Excel date format", CE Broker asks); CSV
    dates are written that way as text. Wagtail's XLSX cells never become formulas; CSV cells that
    would are quoted by the mixin's guard."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.list_export = [key for key, _ in layout.columns]
        self.custom_field_preprocess = {"completed_on": {self.FORMAT_CSV: us_date, self.FORMAT_XLSX: None}}

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format):
            if isinstance(cell.value, datetime.date):
                cell.number_format = "mm/dd/yyyy"
            yield cell

    def xlsx(self, rows: Iterable[RosterRow]) -> bytes:
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title="Roster")
        if self.layout.headed:
            worksheet.append(self.layout.headings)
        for row in rows:
            worksheet.append(self.generate_xlsx_row(worksheet, self._ordered(row)))
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

    def csv(self, rows: Iterable[RosterRow]) -> str:
        output = io.StringIO()
        writer = csv.DictWriter(output, fieldnames=self.list_export)
        if self.layout.headed:
            writer.writerow(dict(zip(self.list_export, self.layout.headings, strict=True)))
        for row in rows:
            self.write_csv_row(writer, self._ordered(row))
        return output.getvalue()

    def _ordered(self, row: RosterRow) -> dict:
        return {key: row.cells[key] for key in self.list_export}


def roster_xlsx(layout: Layout, rows: Iterable[RosterRow]) -> bytes:
    return _RosterSheet(layout).xlsx(rows)


def roster_csv(layout: Layout, rows: Iterable[RosterRow]) -> str:
    return _RosterSheet(layout).csv(rows)


# Selectors ----------------------------------------------------------------------------------------


def _current_earned(board: Board):
    return CreditEntry.objects.filter(
        board=board, source=EntrySource.EARNED, withdrawn_at__isnull=True, superseded_by__isnull=True
    ).select_related("board", "user")


def _reported_through_predecessors(entries: Sequence[CreditEntry]) -> set[int]:
    """Entries replacing one that was reported (a reissued certificate): the completion is reported already.

    One query per step up the correction chains, however many entries there are."""
    pending = {entry.pk: entry.supersedes_id for entry in entries if entry.supersedes_id}
    reported = set()
    while pending:
        steps = CreditEntry.objects.filter(pk__in=set(pending.values())).values_list(
            "pk", "supersedes_id", "roster_line"
        )
        step = {pk: (parent, line) for pk, parent, line in steps}
        following = {}
        for entry_pk, ancestor in pending.items():
            parent, line = step[ancestor]
            if line is not None:
                reported.add(entry_pk)
            elif parent:
                following[entry_pk] = parent
        pending = following
    return reported


def roster_entries(*, board: Board, course=None, date_from=None, date_to=None) -> list[CreditEntry]:
    """The board's completions not yet reported, for a roster: oldest first, optionally of one course and period."""
    entries = _current_earned(board).filter(roster_line__isnull=True)
    if course is not None:
        entries = entries.filter(course=course)
    if date_from:
        entries = entries.filter(completed_on__gte=date_from)
    if date_to:
        entries = entries.filter(completed_on__lte=date_to)
    entries = list(entries.order_by("completed_on", "pk"))
    already = _reported_through_predecessors(entries)
    return [entry for entry in entries if entry.pk not in already]


@dataclass(frozen=True)
class Unreported:
    entry: CreditEntry
    due_on: datetime.date
    days_left: int
    licences: list[Licence]

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def unreported_completions(*, board: Board, today: datetime.date) -> list[Unreported]:
    """The board's completions not yet reported with the days left before the 30-day limit, oldest
    first; overdue ones have negative days left."""
    entries = roster_entries(board=board)
    licences = licences_by_entry(entries)
    limit = datetime.timedelta(days=REPORTING_DAYS)
    return [
        Unreported(
            entry=entry,
            due_on=entry.completed_on + limit,
            days_left=(entry.completed_on + limit - today).days,
            licences=licences[entry.pk],
        )
        for entry in entries
    ]


def boards_with_unreported() -> list[Board]:
    return list(
        Board.objects.filter(
            credit_entries__source=EntrySource.EARNED,
            credit_entries__withdrawn_at__isnull=True,
            credit_entries__superseded_by__isnull=True,
            credit_entries__roster_line__isnull=True,
        ).distinct()
    )


def roster_batches():
    return RosterBatch.objects.select_related("board", "reported_by").annotate(completions=Count("lines"))


# Services -----------------------------------------------------------------------------------------


def roster_batch_record(
    *,
    board: Board,
    layout: str,
    entries: Iterable[CreditEntry],
    reference: str,
    by,
    skip_permission_checks: bool = False,
) -> RosterBatch:
    """Marks these completions as reported to the board's tracking system, in one batch; all or none.

    Refused when any is not a current completion under this board, has no license number to report,
    or was reported already (itself, or the certificate it replaces)."""
    if not skip_permission_checks and (by is None or not by.has_perm(ADD_PERMISSION)):
        raise NotPermitted("Only reviewers who report rosters can mark completions as reported.")
    if layout not in LAYOUTS:
        raise RosterError("Choose the roster layout the completions were reported in.")
    reference = reference.strip()
    if len(reference) > RosterBatch._meta.get_field("reference").max_length:
        raise RosterError("The batch reference is too long: at most 100 characters.")
    try:
        validate_printable_line(reference)
    except ValidationError as error:
        raise RosterError(" ".join(error.messages)) from None
    wanted = {entry.pk for entry in entries}
    if not wanted:
        raise RosterError("There are no completions to mark as reported.")
    with transaction.atomic():
        return _record(board=board, layout=LAYOUTS[layout], wanted=wanted, reference=reference, by=by)


def _record(*, board, layout, wanted, reference, by) -> RosterBatch:
    # Locked without joins (PostgreSQL locks no nullable side of an outer join): a revocation waits.
    list(CreditEntry.objects.select_for_update().filter(pk__in=wanted).values_list("pk", flat=True))
    current = list(_current_earned(board).filter(pk__in=wanted).order_by("pk"))
    if len(current) != len(wanted):
        raise RosterError(
            f"{_count(len(wanted) - len(current))} not a current completion under {board}; nothing was saved."
        )
    reported = RosterLine.objects.filter(entry__in=current).select_related("batch").order_by("batch__reported_at")
    if reported:
        when = timezone.localtime(reported[0].batch.reported_at)
        raise RosterError(f"{_count(len(reported))} already reported (on {when:%B %-d, %Y}); nothing was saved.")
    if replaced := _reported_through_predecessors(current):
        raise RosterError(
            f"{_count(len(replaced))} already reported under the certificate it replaces; nothing was saved."
        )
    rows = roster_rows(layout, current)
    ready = {row.entry.pk for row in rows if row.reportable}
    if blocked := {row.entry.pk: row.problem for row in rows if row.entry.pk not in ready}:
        problem = next(iter(blocked.values()))
        raise RosterError(f"{_count(len(blocked))} not ready to report ({problem}); nothing was saved.")
    batch = RosterBatch.objects.create(
        board=board, layout=layout.key, reference=reference, reported_at=timezone.now(), reported_by=by
    )
    try:
        with transaction.atomic():
            RosterLine.objects.bulk_create(
                RosterLine(batch=batch, entry=entry, rows=[_as_sent(row.cells) for row in rows if row.entry == entry])
                for entry in current
            )
    except IntegrityError:
        # Another reviewer marked one of them in the meantime: the one-to-one line refuses the second.
        raise RosterError("Some of these completions were marked as reported meanwhile; nothing was saved.") from None
    log(
        instance=batch,
        action="credits.roster_report",
        user=by,
        data={"board": board.code, "layout": layout.key, "completions": len(current), "reference": reference},
    )
    return batch


def _as_sent(cells: dict) -> dict:
    """A row's cells as JSON keeps them: dates as ISO text, hours as their decimal text."""
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else str(value) if value is not None else ""
        for key, value in cells.items()
    }


def batch_rows(batch: RosterBatch) -> list[RosterRow]:
    """The batch's rows as they were reported, whatever the licenses on record say now."""
    lines = batch.lines.select_related("entry").order_by("entry__completed_on", "entry__pk")
    return [
        RosterRow(
            line.entry,
            {
                **cells,
                "completed_on": datetime.date.fromisoformat(cells["completed_on"]),
                "hours": Decimal(cells["hours"]) if cells.get("hours") else "",
            },
        )
        for line in lines
        for cells in line.rows
    ]


def _count(n: int) -> str:
    return "1 of these completions is" if n == 1 else f"{n} of these completions are"
