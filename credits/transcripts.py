"""Transcripts: what the CE record shows an auditor, for one license's cycle or in full, as a page, a CSV
file and a PDF.

A license's transcript is read through the requirement engine (`selectors.standing`), so that it counts
hours exactly as the dashboard does; the full transcript is every entry of the record with its status.
Both are plain values built in a fixed number of queries, which the three renderers only lay out.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from weasyprint import HTML

from accounts.models import Licence
from accounts.selectors import licence_for_user, licences_for_user
from lms.exports import spreadsheet_text
from lms.models import base_url, default_provider

from . import requirements, selectors
from .models import CreditEntry, EntrySource, RenewalRule, ReviewStatus

# Records are kept six years (DESIGN): a cycle that ended within them can be printed again.
KEPT_MONTHS = 72


@dataclass(frozen=True)
class Provider:
    """Who keeps the record and prints the transcript, as the default site's provider details say."""

    name: str
    email: str
    postal_address: str


def provider_details() -> Provider:
    """The default site's provider details, as certificates print them."""
    details = default_provider()
    return Provider(details.name, details.email, details.postal_address)


def printed_code(code: str) -> str:
    """A certificate code as certificates print it (`7K3M-9QXR-T2HW-R`); the record stores it without dashes."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


@dataclass(frozen=True)
class Certificate:
    code: str  # as printed
    verification_url: str


def _certificates_addressed() -> Callable[[CreditEntry], Certificate | None]:
    """The certificate behind a completion, with its verification address printed whole: the paper leaves
    the site. The address is resolved once per transcript, not per line: reverse() cost a record of 634
    completions 85 to 190 ms of the page (bench/profile_page.py)."""
    slot = "CODE"
    before, _, after = (base_url() + reverse("certificates:verify", args=[slot])).rpartition(slot)

    def certificate(entry: CreditEntry) -> Certificate | None:
        if not entry.certificate_code:
            return None
        code = printed_code(entry.certificate_code)
        return Certificate(code, before + code + after)

    return certificate


@dataclass(frozen=True)
class Completion:
    """One completion in a license's cycle: the record it counted under (or would have), and how much counted."""

    entry: CreditEntry
    categories: tuple[str, ...]
    counted_hours: Decimal
    reason: str  # requirements.COUNTED or why not all of it counted
    explanation: str
    lines: tuple[str, ...]  # the subject requirements it counts toward
    certificate: Certificate | None

    @property
    def approved_hours(self) -> Decimal:
        return self.entry.hours

    @property
    def counted_in_full(self) -> bool:
        return self.reason == requirements.COUNTED


@dataclass(frozen=True)
class Cycle:
    starts_on: datetime.date
    ends_on: datetime.date
    current: bool
    first_cycle: bool = False


@dataclass(frozen=True)
class Total:
    """A row of the totals: what the rule asks, and what the cycle's completions gave."""

    label: str
    required: Decimal | None  # a minimum; None where the rule sets only a limit
    limit: Decimal | None
    hours: Decimal
    met: bool


@dataclass(frozen=True)
class LicenceTranscript:
    holder: str
    licence: Licence
    provider: Provider
    rule: RenewalRule | None  # None: the board has no rule recorded, so there is no cycle to print
    cycle: Cycle | None
    cycles: tuple[Cycle, ...]  # every cycle that can be printed, the current one first
    completions: tuple[Completion, ...]
    totals: tuple[Total, ...]
    missing: tuple[str, ...]
    printed_on: datetime.date

    @property
    def met(self) -> bool:
        return self.rule is not None and not self.missing


class UnknownCycle(LookupError):
    """The date asked for ends none of the license's cycles within the six years records are kept."""


def licence_transcript(*, user, licence_id: int, ends_on: datetime.date | None = None) -> LicenceTranscript | None:
    """The user's own license's current cycle, or the past one ending on `ends_on` (one of `cycles`);
    None for another practitioner's license, UnknownCycle for a date that ends no printable cycle."""
    licence = licence_for_user(user=user, licence_id=licence_id)
    if licence is None:
        return None
    versions = selectors.rule_versions(boards={licence.board_id}).get(licence.board_id, [])
    entries = list(selectors.credit_entries(user=user))
    provider = provider_details()
    holder = _holder(user)
    today = timezone.localdate()
    cycles = printable_cycles(licence, versions, today=today)
    if not cycles:
        if ends_on is not None:
            raise UnknownCycle(ends_on)
        return LicenceTranscript(holder, licence, provider, None, None, (), (), (), (), today)
    cycle = cycles[0] if ends_on is None else next((c for c in cycles if c.ends_on == ends_on), None)
    if cycle is None:
        raise UnknownCycle(ends_on)
    categories = selectors.record_categories(user=user)
    record = selectors.engine_entries(entries, categories)
    standing = selectors.standing(licence, versions, entries, ends_on=cycle.ends_on, record=record)
    progress = standing.progress
    certificate_of = _certificates_addressed()
    completions = tuple(
        _completion(standing.entries[placement.entry.key], placement, categories, certificate_of)
        # A corrected entry's correction stands for it here; the full transcript keeps both.
        for placement in reversed(progress.by_completion())
        if placement.entry.completed_on in progress.window and not placement.entry.superseded
    )
    return LicenceTranscript(
        holder=holder,
        licence=licence,
        provider=provider,
        rule=standing.rule,
        cycle=cycle,
        cycles=cycles,
        completions=completions,
        totals=_totals(progress),
        missing=tuple(str(shortfall) for shortfall in progress.shortfalls),
        printed_on=today,
    )


def _completion(entry: CreditEntry, placement: requirements.Placement, categories, certificate_of) -> Completion:
    return Completion(
        entry=entry,
        categories=categories.get(entry.pk, selectors.NO_CATEGORIES).names,
        counted_hours=placement.hours,
        reason=placement.reason,
        explanation=placement.explanation,
        lines=placement.lines,
        certificate=certificate_of(entry),
    )


def printable_cycles(licence: Licence, versions: list[RenewalRule], *, today: datetime.date) -> tuple[Cycle, ...]:
    """The cycle ending on the license's expiration, then each before it that ended within the six years
    records are kept, back to the license's first cycle where that is known; none without a rule. Each is
    measured by the rule in force when it ended, as `selectors.standing` measures it."""
    facts = selectors.engine_licence(licence)
    kept_from = requirements.add_months(today, -KEPT_MONTHS)
    cycles, ends_on = [], licence.expires_on
    while not cycles or ends_on >= kept_from:
        rule = selectors.rule_in_force(versions, min(today, ends_on))
        if rule is None:
            break
        window = requirements.cycle_window(selectors.engine_rule(rule), facts, ends_on=ends_on)
        cycles.append(Cycle(window.starts_on, window.ends_on, current=not cycles, first_cycle=window.first_cycle))
        if licence.first_licensed_on is not None and window.starts_on <= licence.first_licensed_on:
            break  # its first cycle: none of this license came before
        ends_on = window.starts_on - datetime.timedelta(days=1)
    return tuple(cycles)


def _totals(progress: requirements.Progress) -> tuple[Total, ...]:
    rule = progress.rule
    totals = [
        Total(
            "Total CE hours",
            progress.required_hours,
            None,
            progress.counted_hours,
            progress.counted_hours >= progress.required_hours,
        )
    ]
    if progress.required_live_hours:
        live = "Live, in person or by live webinar" if rule.webinar_counts_as_live else "Live, in person"
        totals.append(
            Total(
                live,
                progress.required_live_hours,
                None,
                progress.live_hours,
                progress.live_hours >= progress.required_live_hours,
            )
        )
    if rule.max_home_study_hours is not None:
        totals.append(Total("Home study", None, rule.max_home_study_hours, progress.home_study_hours, True))
    for line in progress.lines:
        totals.append(
            Total(
                line.line.label[:1].upper() + line.line.label[1:],
                line.line.min_hours or None,
                line.line.max_hours,
                line.hours,
                line.met,
            )
        )
    return tuple(totals)


# The full transcript ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordLine:
    entry: CreditEntry
    categories: tuple[str, ...]
    status: str
    status_note: str
    certificate: Certificate | None

    @property
    def stands(self) -> bool:
        """Whether the entry is still part of the record that counts (not replaced, withdrawn or rejected)."""
        entry = self.entry
        return not (entry.is_superseded or entry.withdrawn_at or entry.review_status == ReviewStatus.REJECTED)


@dataclass(frozen=True)
class FullTranscript:
    holder: str
    licences: tuple[Licence, ...]
    provider: Provider
    lines: tuple[RecordLine, ...]  # newest first
    printed_on: datetime.date


def full_transcript(*, user) -> FullTranscript:
    """Every entry of the user's record, all boards, newest first: current, corrected, withdrawn, rejected."""
    provider = provider_details()
    certificate_of = _certificates_addressed()
    # The categories come in one query: prefetched, they cost a queryset per entry (40 ms for 634).
    categories = selectors.record_categories(user=user)
    entries = selectors.credit_entries(user=user).order_by("-completed_on", "-pk")
    lines = tuple(
        RecordLine(
            entry, categories.get(entry.pk, selectors.NO_CATEGORIES).names, *entry_status(entry), certificate_of(entry)
        )
        for entry in entries
    )
    licences = tuple(licences_for_user(user=user).order_by("board__name", "expires_on"))
    return FullTranscript(_holder(user), licences, provider, lines, timezone.localdate())


def _holder(user) -> str:
    return user.legal_name.strip() or str(user)


def entry_status(entry: CreditEntry) -> tuple[str, str]:
    """An entry's status in words, and the reason or note that goes with it. `entry` comes from
    `selectors.credit_entries`, which says whether a correction replaced it."""
    corrects = f"Corrects an earlier entry: {entry.correction_reason}" if entry.supersedes_id else ""
    if entry.is_superseded:
        return "Superseded", "Replaced by a corrected entry."
    if entry.withdrawn_at:
        return "Withdrawn", entry.withdrawn_reason
    if entry.source == EntrySource.EARNED:
        return "Valid", corrects
    if entry.review_status == ReviewStatus.REJECTED:
        return "Rejected", entry.review_note
    if entry.review_status == ReviewStatus.VERIFIED:
        return "Verified", corrects
    return "Self-reported", corrects or "Awaiting a reviewer."


# Renderers ---------------------------------------------------------------------------------------------


def licence_filename(transcript: LicenceTranscript, extension: str) -> str:
    licence = transcript.licence
    ends = f"-{transcript.cycle.ends_on:%Y-%m-%d}" if transcript.cycle else ""
    return f"transcript-{slugify(licence.board.code)}-{slugify(licence.number)}{ends}.{extension}"


def full_filename(transcript: FullTranscript, extension: str) -> str:
    return f"transcript-{transcript.printed_on:%Y-%m-%d}.{extension}"


def _hours(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv(rows) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheets read a legal name like "Nguyễn" as written;
    every text cell goes through the export guard, so that none opens as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_text(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


LICENCE_COLUMNS = (
    "Completion date",
    "Course title (as approved)",
    "Provider",
    "Provider number",
    "Approved by",
    "Approval number",
    "Delivery",
    "Categories",
    "Approved hours",
    "Hours counted",
    "Counts toward",
    "Why not all of it counted",
    "Certificate code",
    "Verification address",
)


def licence_transcript_csv(transcript: LicenceTranscript) -> bytes:
    """A heading of who, which license, which cycle and rule; the completions; the totals and what is missing."""
    licence, rule, cycle = transcript.licence, transcript.rule, transcript.cycle
    rows = [
        ("CE transcript", licence.board.name),
        ("Practitioner", transcript.holder),
        ("License board", licence.board.name),
        ("License number", licence.number),
        ("Jurisdiction", licence.jurisdiction),
        ("License expires", licence.expires_on.isoformat()),
        *_provider_rows(transcript.provider),
        ("Printed on", transcript.printed_on.isoformat()),
    ]
    if rule is None:
        rows.append(("Renewal rule", f"No renewal rule is recorded for {licence.board.name} yet."))
        return _csv(rows)
    rows += [
        ("Cycle starts", cycle.starts_on.isoformat()),
        ("Cycle ends", cycle.ends_on.isoformat()),
        ("Cycle", _cycle_kind(cycle)),
        ("Rule applied", f"{rule.board.name} renewal rule from {rule.effective_from.isoformat()}"),
        ("Rule source", rule.source_title),
        ("Rule source address", rule.source_url),
        ("Rule checked on", rule.source_checked_on.isoformat()),
    ]
    if rule.is_example:
        rows.append(("Rule status", "Example data, to be checked against the board's current rule text"))
    rows += [(), LICENCE_COLUMNS]
    for completion in transcript.completions:
        entry = completion.entry
        rows.append(
            (
                *_course_cells(entry, completion.categories),
                _hours(completion.approved_hours),
                _hours(completion.counted_hours),
                "; ".join(completion.lines),
                "" if completion.counted_in_full else completion.explanation,
                *_certificate_cells(completion.certificate),
            )
        )
    rows += [(), ("Requirement", "Minimum hours", "Limit", "Hours counted", "Met")]
    rows += [
        (total.label, _hours(total.required), _hours(total.limit), _hours(total.hours), "yes" if total.met else "no")
        for total in transcript.totals
    ]
    rows += [(), ("Missing", "; ".join(transcript.missing) or "Nothing: the rule is met.")]
    return _csv(rows)


FULL_COLUMNS = (
    "Completion date",
    "Course title (as approved)",
    "Provider",
    "Provider number",
    "Approved by",
    "Approval number",
    "Delivery",
    "Categories",
    "Hours",
    "Source",
    "Status",
    "Status note",
    "Certificate code",
    "Verification address",
)


def full_transcript_csv(transcript: FullTranscript) -> bytes:
    rows = [
        ("CE transcript", "Full record, all boards"),
        ("Practitioner", transcript.holder),
        *(
            (
                "License",
                f"{licence.board.name} {licence.number} ({licence.jurisdiction}), expires "
                f"{licence.expires_on.isoformat()}",
            )
            for licence in transcript.licences
        ),
        *_provider_rows(transcript.provider),
        ("Printed on", transcript.printed_on.isoformat()),
        (),
        FULL_COLUMNS,
    ]
    for line in transcript.lines:
        entry = line.entry
        rows.append(
            (
                *_course_cells(entry, line.categories),
                _hours(entry.hours),
                entry.get_source_display(),
                line.status,
                line.status_note,
                *_certificate_cells(line.certificate),
            )
        )
    return _csv(rows)


def _course_cells(entry, categories) -> tuple:
    """What both transcripts print first of a completion: when, what, from whom, under which approval."""
    return (
        entry.completed_on.isoformat(),
        entry.title,
        entry.provider_name,
        entry.provider_number,
        entry.board.name if entry.board_id else "",
        entry.approval_number,
        entry.get_delivery_display(),
        "; ".join(categories),
    )


def _certificate_cells(certificate) -> tuple:
    return (certificate.code, certificate.verification_url) if certificate else ("", "")


def _provider_rows(provider: Provider):
    yield ("Provider", provider.name)
    if provider.postal_address:
        yield ("Provider address", " ".join(provider.postal_address.split()))
    if provider.email:
        yield ("Provider email", provider.email)


def _cycle_kind(cycle: Cycle) -> str:
    kind = "Current cycle" if cycle.current else "Past cycle"
    return f"{kind}, the license's first" if cycle.first_cycle else kind


def licence_transcript_pdf(transcript: LicenceTranscript) -> bytes:
    return _pdf("credits/transcripts/transcript_pdf.html", {"transcript": transcript})


def full_transcript_pdf(transcript: FullTranscript) -> bytes:
    return _pdf("credits/transcripts/full_pdf.html", {"transcript": transcript})


def _pdf(template: str, context: dict) -> bytes:
    # PDF/A, as certificates are: the transcript is kept as evidence for years.
    return HTML(string=render_to_string(template, context)).write_pdf(pdf_variant="pdf/a-3b")
