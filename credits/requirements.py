"""The requirement engine: how far a license's CE record goes toward its board's renewal rule.

A pure function of a rule, a license and ledger entries, all plain values (no database), so that every
page, reminder, transcript and preview asks the same question the same way, and so that it can be
tested table by table and property by property.

How hours count, in order:

1. An entry counts at all only if it stands (not superseded, not withdrawn, not rejected), the board
   takes it (an approval by the board or one it accepts; a self-reported credit only where the board
   accepts those, and once a reviewer has verified it), it was completed inside the cycle, and (where a
   completion counts in one cycle only) it was not counted in an earlier one.
2. One completion counts once per license: a course approved by several boards the license's board
   accepts counts under one approval, its own board's first.
3. Maximums (a subject's, home study's) limit how many of the hours count toward the total. As many
   hours count as the limits allow (to the cent; where limits cross, an entry may count in part so that
   others can count more), the earliest of entries under the same limits first, so that the hours
   counted do not depend on the order entries are given in, and another course never lowers them.
4. A subject's progress is its entries' hours up to its own maximum: a home-study limit caps the total
   and not what a subject has covered.
"""

import calendar
import datetime
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

ZERO = Decimal("0.00")

HOME_STUDY, LIVE, WEBINAR = "home_study", "live", "webinar"
EARNED, REPORTED = "earned", "reported"
SELF_REPORTED, VERIFIED, REJECTED = "self_reported", "verified", "rejected"
EVERY, FIRST, LATER = "every", "first", "later"


@dataclass(frozen=True)
class Line:
    """A subject requirement: a minimum, a maximum, or a course required before every renewal."""

    label: str
    categories: frozenset[str]
    min_hours: Decimal = ZERO
    max_hours: Decimal | None = None
    each_renewal: bool = False
    cycles: str = EVERY

    def applies(self, *, first_cycle: bool) -> bool:
        return self.cycles == EVERY or (self.cycles == FIRST) == first_cycle

    def covers(self, entry: "Entry") -> bool:
        return bool(self.categories & entry.categories)


@dataclass(frozen=True)
class Rule:
    board: str  # the board's code
    board_name: str
    cycle_months: int
    total_hours: Decimal
    lines: tuple[Line, ...] = ()
    first_cycle_hours_per_month: Decimal | None = None
    min_live_hours: Decimal = ZERO
    webinar_counts_as_live: bool = False
    max_home_study_hours: Decimal | None = None
    accepted_boards: frozenset[str] = frozenset()
    accepts_self_reported: bool = True
    completion_counts_once: bool = True

    def takes_approval_of(self, board: str | None) -> bool:
        return board == self.board or board in self.accepted_boards


@dataclass(frozen=True)
class Licence:
    board: str
    expires_on: datetime.date
    first_licensed_on: datetime.date | None = None


@dataclass(frozen=True)
class Entry:
    """One ledger entry. `completion` is shared by the entries of one completion (its certificate's
    approvals); a reported credit is its own completion."""

    key: str
    completion: str
    board: str | None
    hours: Decimal
    completed_on: datetime.date
    delivery: str
    categories: frozenset[str] = frozenset()
    source: str = EARNED
    review_status: str = VERIFIED
    superseded: bool = False
    withdrawn_reason: str = ""
    review_note: str = ""


@dataclass(frozen=True)
class Window:
    starts_on: datetime.date
    ends_on: datetime.date
    first_cycle: bool = False

    def __contains__(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @functools.cached_property
    def outside(self) -> str:
        """Why an entry completed on another day does not count (worded once: a long record has many)."""
        start, end = self.starts_on, self.ends_on
        return f"Completed outside this cycle ({start:%B} {start.day}, {start.year} to {end:%B} {end.day}, {end.year})."


# Why an entry did not count, or counted only in part: codes for code, words for people.
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"
REJECTED_BY_REVIEWER = "rejected"
SELF_REPORT_NOT_ACCEPTED = "self_report_not_accepted"
UNVERIFIED = "unverified"
BOARD_NOT_ACCEPTED = "board_not_accepted"
OUTSIDE_WINDOW = "outside_window"
EARLIER_CYCLE = "earlier_cycle"
COUNTED_UNDER_OTHER_APPROVAL = "other_approval"
OVER_CAP = "over_cap"
COUNTED = "counted"


@dataclass(frozen=True)
class Placement:
    """Where one entry counted, how much, and why (or why not)."""

    entry: Entry
    hours: Decimal  # counted toward the total
    reason: str  # COUNTED, or what kept some or all of it out
    explanation: str
    lines: tuple[str, ...] = ()  # labels of the subject requirements it counts toward
    limits: tuple[str, ...] = ()  # over a limit: which ones were full ("12-hour home-study")

    @property
    def counted(self) -> bool:
        return self.hours > ZERO


@dataclass(frozen=True)
class LineProgress:
    line: Line
    hours: Decimal
    completed: bool  # a course in these categories was completed in the cycle

    @property
    def missing_hours(self) -> Decimal:
        return max(self.line.min_hours - self.hours, ZERO)

    @property
    def met(self) -> bool:
        return self.missing_hours == ZERO and (self.completed or not self.line.each_renewal)


@dataclass(frozen=True)
class Shortfall:
    """Something still missing: `hours` more of `what` (or a course in it, when hours is None)."""

    what: str
    hours: Decimal | None

    def __str__(self) -> str:
        if self.hours is None:
            return f"a course in {self.what}, required before every renewal"
        return f"{hours_text(self.hours)} more {'hour' if self.hours == 1 else 'hours'} {self.what}"


@dataclass(frozen=True)
class Progress:
    rule: Rule
    window: Window
    required_hours: Decimal
    counted_hours: Decimal
    lines: tuple[LineProgress, ...]
    required_live_hours: Decimal
    live_hours: Decimal
    home_study_hours: Decimal  # counted toward the total
    placements: tuple[Placement, ...]
    shortfalls: tuple[Shortfall, ...] = field(default=())

    @property
    def met(self) -> bool:
        return not self.shortfalls

    @property
    def missing_hours(self) -> Decimal:
        return max(self.required_hours - self.counted_hours, ZERO)

    @property
    def counted_completions(self) -> frozenset[str]:
        return frozenset(p.entry.completion for p in self.placements if p.counted)

    def by_completion(self) -> tuple[Placement, ...]:
        """One placement per completion, in date order: the approval it counted under, or else the one
        whose reason tells most (the license's own board's approval first)."""
        best: dict[str, Placement] = {}
        for placement in self.placements:
            current = best.get(placement.entry.completion)
            if current is None or _tells_more(placement, current, self.rule.board):
                best[placement.entry.completion] = placement
        return tuple(p for p in self.placements if best[p.entry.completion] is p)

    def placement(self, key: str) -> Placement | None:
        return next((p for p in self.placements if p.entry.key == key), None)


def _tells_more(candidate: Placement, current: Placement, own_board: str) -> bool:
    if candidate.reason == COUNTED_UNDER_OTHER_APPROVAL or current.reason == COUNTED_UNDER_OTHER_APPROVAL:
        return current.reason == COUNTED_UNDER_OTHER_APPROVAL and candidate.reason != COUNTED_UNDER_OTHER_APPROVAL
    if candidate.hours != current.hours:
        return candidate.hours > current.hours
    return candidate.entry.board == own_board and current.entry.board != own_board


def hours_text(hours: Decimal) -> str:
    """2 → "2", 1.50 → "1.5", 0.25 → "0.25"."""
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), on the month's last day where it is shorter."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` up to `end`."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months if add_months(start, months) <= end else months - 1


def cycle_window(rule: Rule, licence: Licence, *, ends_on: datetime.date | None = None) -> Window:
    """The cycle that ends on the license's expiration date (or on `ends_on`, for an earlier cycle):
    `cycle_months` long, or from the day it was first issued if that is later (its first cycle)."""
    ends_on = ends_on or licence.expires_on
    starts_on = add_months(ends_on, -rule.cycle_months) + datetime.timedelta(days=1)
    first = licence.first_licensed_on
    if first is not None and starts_on <= first <= ends_on:
        return Window(first, ends_on, first_cycle=True)
    return Window(starts_on, ends_on)


def progress(
    rule: Rule,
    licence: Licence,
    entries: Iterable[Entry],
    *,
    ends_on: datetime.date | None = None,
    counted_earlier: frozenset[str] = frozenset(),
) -> Progress:
    """How far `entries` go toward `rule` in the license's cycle ending on its expiration (or `ends_on`).

    `counted_earlier` holds the completions an earlier cycle counted (its Progress.counted_completions),
    which a rule that counts a completion once will not count again."""
    window = cycle_window(rule, licence, ends_on=ends_on)
    prorated = window.first_cycle and rule.first_cycle_hours_per_month is not None
    if prorated:
        # The license is held through the end of the cycle's last day: April 1 to August 31 is 5 months.
        months = whole_months(window.starts_on, window.ends_on + datetime.timedelta(days=1))
        required = min(rule.total_hours, (rule.first_cycle_hours_per_month * months).quantize(ZERO))
        required_live = ZERO  # a prorated cycle asks its own total and its first-cycle subjects only
    else:
        required, required_live = rule.total_hours, rule.min_live_hours
    lines = tuple(line for line in rule.lines if line.applies(first_cycle=window.first_cycle))

    ordered = sorted(entries, key=lambda e: (e.completed_on, e.key))
    placements: dict[str, Placement] = {}
    eligible: list[Entry] = []
    for entry in ordered:
        refusal = _refusal(rule, window, entry, counted_earlier)
        if refusal:
            placements[entry.key] = Placement(entry, ZERO, *refusal)
        else:
            eligible.append(entry)
    eligible = _one_approval_per_completion(rule, eligible, placements)

    caps = _caps(rule, lines)
    shares = _most_hours(eligible, caps)
    used = {name: sum((shares[e.key] for e in eligible if applies(e)), ZERO) for name, (applies, _) in caps.items()}
    for entry in eligible:
        hours = shares[entry.key]
        covering = tuple(line.label for line in lines if line.covers(entry))
        if hours == entry.hours:
            placements[entry.key] = Placement(entry, hours, COUNTED, "Counts in this cycle.", covering)
        else:
            full = [key[1] for key, (applies, cap) in caps.items() if applies(entry) and used[key] >= cap]
            placements[entry.key] = Placement(
                entry,
                hours,
                OVER_CAP,
                f"Over the {' and '.join(full)} limit: {hours_text(hours)} of {hours_text(entry.hours)} hours count.",
                covering,
                tuple(full),
            )

    counted = [placements[e.key] for e in eligible]
    line_progress = tuple(
        LineProgress(
            line,
            _capped(sum((e.hours for e in eligible if line.covers(e)), ZERO), line.max_hours),
            any(line.covers(e) for e in eligible),
        )
        for line in lines
    )
    live = sum((e.hours for e in eligible if _is_live(rule, e)), ZERO)
    total = sum((p.hours for p in counted), ZERO)
    home_study = sum((p.hours for p in counted if p.entry.delivery == HOME_STUDY), ZERO)

    shortfalls = []
    if total < required:
        shortfalls.append(Shortfall("in total", required - total))
    if live < required_live:
        live_kind = "live, in person or by live webinar" if rule.webinar_counts_as_live else "live, in person"
        shortfalls.append(Shortfall(live_kind, required_live - live))
    for lp in line_progress:
        if lp.missing_hours:
            shortfalls.append(Shortfall(f"of {lp.line.label}", lp.missing_hours))
        elif lp.line.each_renewal and not lp.completed:
            shortfalls.append(Shortfall(lp.line.label, None))
    return Progress(
        rule=rule,
        window=window,
        required_hours=required,
        counted_hours=total,
        lines=line_progress,
        required_live_hours=required_live,
        live_hours=live,
        home_study_hours=home_study,
        placements=tuple(placements[e.key] for e in ordered),
        shortfalls=tuple(shortfalls),
    )


def _refusal(rule: Rule, window: Window, entry: Entry, counted_earlier) -> tuple[str, str] | None:
    """Why the entry does not count at all in this cycle, or None if it may."""
    if entry.superseded:
        return SUPERSEDED, "Replaced by a corrected entry."
    if entry.withdrawn_reason:
        return WITHDRAWN, entry.withdrawn_reason
    if entry.source == REPORTED:
        if entry.review_status == REJECTED:
            return REJECTED_BY_REVIEWER, f"Rejected by a reviewer: {entry.review_note}"
        if not rule.accepts_self_reported:
            return SELF_REPORT_NOT_ACCEPTED, f"{rule.board_name} does not accept self-reported credits."
        if entry.review_status != VERIFIED:
            return UNVERIFIED, "Self-reported: counts once a reviewer has verified it."
    # A credit reported under another board's approval is that board's; one reported with no board is
    # the reviewer's to verify.
    if entry.board is not None and not rule.takes_approval_of(entry.board):
        return BOARD_NOT_ACCEPTED, f"{rule.board_name} does not accept this approval."
    if entry.completed_on not in window:
        return OUTSIDE_WINDOW, window.outside
    if rule.completion_counts_once and entry.completion in counted_earlier:
        return EARLIER_CYCLE, "Already counted in an earlier cycle."
    return None


def _one_approval_per_completion(rule: Rule, eligible: list[Entry], placements: dict) -> list[Entry]:
    """Keeps one entry per completion: the license's own board's approval first, then by board code."""
    chosen: dict[str, Entry] = {}
    for entry in sorted(eligible, key=lambda e: (e.board != rule.board, e.board or "", e.key)):
        chosen.setdefault(entry.completion, entry)
    kept = []
    for entry in eligible:
        if chosen[entry.completion] is entry:
            kept.append(entry)
        else:
            placements[entry.key] = _under_other_approval(entry, chosen[entry.completion])
    # An approval the board does not take is beside the point when another of the same course counts.
    for key, placement in list(placements.items()):
        winner = chosen.get(placement.entry.completion)
        if placement.reason == BOARD_NOT_ACCEPTED and winner is not None:
            placements[key] = _under_other_approval(placement.entry, winner)
    return kept


def _under_other_approval(entry: Entry, winner: Entry) -> Placement:
    return Placement(entry, ZERO, COUNTED_UNDER_OTHER_APPROVAL, f"Counted once, under its {winner.board} approval.")


def _caps(rule: Rule, lines: tuple[Line, ...]) -> dict:
    """The limits on hours toward the total, by (position, name): (does it apply to an entry, how many
    hours). The position keeps two limits apart that read alike."""
    caps = {}
    if rule.max_home_study_hours is not None:
        caps[(0, f"{hours_text(rule.max_home_study_hours)}-hour home-study")] = (
            lambda e: e.delivery == HOME_STUDY,
            rule.max_home_study_hours,
        )
    for position, line in enumerate(lines, start=1):
        if line.max_hours is not None:
            caps[(position, f"{hours_text(line.max_hours)}-hour {line.label}")] = (line.covers, line.max_hours)
    return caps


def _most_hours(entries: list[Entry], caps: dict) -> dict[str, Decimal]:
    """How many of each entry's hours count toward the total: as many in all as the limits allow.

    Entries under the same limits are pooled, the earliest counted first; the pools' shares are the
    solution of a small packing problem (one pool per set of limits that occurs), solved exactly. A
    share finer than a cent is rounded down, and the room that leaves is filled again, the entries
    under fewest limits first. (Placing entries one by one would leave room unused where limits cross,
    and then another course could lower the total.)"""
    limits_of = {e.key: frozenset(name for name, (applies, _) in caps.items() if applies(e)) for e in entries}
    pools: dict[frozenset[str], list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.completed_on, e.key)):
        pools.setdefault(limits_of[entry.key], []).append(entry)
    order = sorted((limits for limits in pools if limits), key=lambda limits: (len(limits), sorted(limits)))
    solved = _packing([(limits, sum(e.hours for e in pools[limits])) for limits in order], caps)
    shares = dict(zip(order, solved, strict=True))
    room = {name: cap for name, (_, cap) in caps.items()}
    counted = {}
    for limits, pool in pools.items():
        share = Decimal(math.floor(shares[limits] * 100)).scaleb(-2) if limits else None
        for entry in pool:
            counted[entry.key] = entry.hours if share is None else min(entry.hours, share)
            if share is not None:
                share -= counted[entry.key]
            for name in limits:
                room[name] -= counted[entry.key]
    for entry in sorted(entries, key=lambda e: (len(limits_of[e.key]), e.completed_on, e.key)):
        more = min([entry.hours - counted[entry.key], *(room[name] for name in limits_of[entry.key])])
        if more > ZERO:
            counted[entry.key] += more
            for name in limits_of[entry.key]:
                room[name] -= more
    return counted


def _packing(pools: list[tuple[frozenset[str], Decimal]], caps: dict) -> list[Fraction]:
    """Shares of `pools` ((limits, hours) pairs) that add up to the most, each at most its hours and
    those under each limit at most its cap: the simplex method on exact fractions, with Bland's rule
    (the lowest-numbered candidates enter and leave), which cannot cycle."""
    width = len(pools)
    rows = [([Fraction(name in limits) for limits, _ in pools], Fraction(cap)) for name, (_, cap) in caps.items()]
    rows += [([Fraction(i == j) for j in range(width)], Fraction(hours)) for i, (_, hours) in enumerate(pools)]
    height = len(rows)
    # Slack variables make each row an equation; the origin, all slack, is where the search starts.
    tableau = [[*row, *(Fraction(i == k) for k in range(height)), bound] for i, (row, bound) in enumerate(rows)]
    costs = [Fraction(-1)] * width + [Fraction(0)] * (height + 1)
    basis = list(range(width, width + height))
    while (column := next((j for j, cost in enumerate(costs[:-1]) if cost < 0), None)) is not None:
        # The shares are bounded, so some row limits the entering variable.
        _, _, pivot = min((row[-1] / row[column], basis[i], i) for i, row in enumerate(tableau) if row[column] > 0)
        tableau[pivot] = [value / tableau[pivot][column] for value in tableau[pivot]]
        for row in [*(row for i, row in enumerate(tableau) if i != pivot), costs]:
            factor = row[column]
            if factor:
                row[:] = [value - factor * pivot_value for value, pivot_value in zip(row, tableau[pivot], strict=True)]
        basis[pivot] = column
    shares = [Fraction(0)] * width
    for i, variable in enumerate(basis):
        if variable < width:
            shares[variable] = tableau[i][-1]
    return shares


def _capped(hours: Decimal, cap: Decimal | None) -> Decimal:
    return hours if cap is None else min(hours, cap)


def _is_live(rule: Rule, entry: Entry) -> bool:
    return entry.delivery == LIVE or (rule.webinar_counts_as_live and entry.delivery == WEBINAR)


@dataclass(frozen=True)
class Preview:
    """What a course not yet taken would add to one license's current cycle."""

    hours: Decimal  # toward the total
    offered_hours: Decimal
    lines: tuple[tuple[str, Decimal], ...]  # subject requirements it would move, and by how much
    explanation: str  # why not all of it would count, or why none would
    reason: str
    limits: tuple[str, ...] = ()  # the limits it would go over

    @property
    def counts(self) -> bool:
        return self.hours > ZERO or bool(self.lines)


def preview(
    rule: Rule,
    licence: Licence,
    entries: list[Entry],
    offered: list[Entry],
    *,
    before: Progress | None = None,
    counted_earlier: frozenset[str] = frozenset(),
) -> Preview:
    """`offered` are one course's entries (one per approval, sharing one completion) as if completed now;
    `before` is the license's progress without them, if it is known already (as it is for a catalog)."""
    before = before or progress(rule, licence, entries, counted_earlier=counted_earlier)
    after = progress(rule, licence, [*entries, *offered], counted_earlier=counted_earlier)
    placed = [after.placement(e.key) for e in offered]
    best = max(placed, key=lambda p: (p.hours, p.reason == COUNTED))
    moved = tuple(
        (new.line.label, new.hours - old.hours)
        for old, new in zip(before.lines, after.lines, strict=True)
        if (new.hours > old.hours and old.missing_hours) or (new.line.each_renewal and new.completed > old.completed)
    )
    return Preview(
        hours=after.counted_hours - before.counted_hours,
        offered_hours=best.entry.hours,
        lines=moved,
        explanation=best.explanation,
        reason=best.reason,
        limits=best.limits,
    )
