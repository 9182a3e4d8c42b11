"""The requirement engine's answers in the words a practitioner reads them, written once for the
dashboard, the course page and the catalog (and for anything else that shows a license's standing)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.dateformat import format as date_format

from . import requirements
from .requirements import ZERO, hours_text
from .selectors import Standing

# Reasons worth telling about among a cycle's completions: the others are counted, replaced by a
# correction, counted under another approval, or belong to another cycle.
NOT_COUNTING_REASONS = {
    requirements.WITHDRAWN,
    requirements.REJECTED_BY_REVIEWER,
    requirements.SELF_REPORT_NOT_ACCEPTED,
    requirements.UNVERIFIED,
    requirements.BOARD_NOT_ACCEPTED,
    requirements.OVER_CAP,
}
NOT_COUNTING_SHOWN = 5


def hours_phrase(hours: Decimal) -> str:
    """1 → "1 hour", 1.25 → "1.25 hours"."""
    return f"{hours_text(hours)} {'hour' if hours == 1 else 'hours'}"


def people_date(day) -> str:
    return date_format(day, "F j, Y")


def licence_place(licence) -> str:
    """What a practitioner calls the license: its state ("Florida"), or the national board's code ("NCBTMB")."""
    return licence.board.jurisdiction or licence.board.code.upper()


def and_list(items) -> str:
    """ "a and b", "a, b and c"; semicolons between items that hold commas themselves."""
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    if any("," in item for item in items):
        return f"{'; '.join(items[:-1])}; and {items[-1]}"
    return f"{', '.join(items[:-1])} and {items[-1]}"


@dataclass(frozen=True)
class Bar:
    """One requirement with a minimum, as a progress bar: how many of the hours it asks are done."""

    label: str
    hours: Decimal
    required: Decimal

    @property
    def value(self) -> Decimal:
        return min(self.hours, self.required)

    @property
    def met(self) -> bool:
        return self.hours >= self.required

    @property
    def text(self) -> str:
        return f"{hours_text(self.hours)} of {hours_phrase(self.required)}"


@dataclass(frozen=True)
class NotCounting:
    title: str
    hours: Decimal  # counted toward the total: some of it, for a course over a limit
    explanation: str


@dataclass(frozen=True)
class LicenceSummary:
    """A license's standing as the dashboard shows it."""

    standing: Standing
    bars: tuple[Bar, ...] = ()
    missing: tuple[str, ...] = ()
    per_renewal: tuple[tuple[str, bool], ...] = ()  # (subject, done)
    not_counting: tuple[NotCounting, ...] = ()
    more_not_counting: int = 0

    @property
    def licence(self):
        return self.standing.licence

    @property
    def rule(self):
        return self.standing.rule

    @property
    def progress(self):
        return self.standing.progress


def licence_summary(standing: Standing) -> LicenceSummary:
    progress = standing.progress
    if progress is None:
        return LicenceSummary(standing)
    not_counting = not_counting_in_cycle(standing)
    return LicenceSummary(
        standing,
        bars=bars(progress),
        missing=missing_sentences(progress),
        per_renewal=tuple((lp.line.label, lp.met) for lp in progress.lines if lp.line.each_renewal),
        not_counting=tuple(not_counting[:NOT_COUNTING_SHOWN]),
        more_not_counting=max(len(not_counting) - NOT_COUNTING_SHOWN, 0),
    )


def bars(progress: requirements.Progress) -> tuple[Bar, ...]:
    """The total, the live minimum where there is one, and each subject with a minimum."""
    found = []
    if progress.required_hours > ZERO:
        found.append(Bar("Total", progress.counted_hours, progress.required_hours))
    if progress.required_live_hours > ZERO:
        live = "Live, in person or by live webinar" if progress.rule.webinar_counts_as_live else "Live, in person"
        found.append(Bar(live, progress.live_hours, progress.required_live_hours))
    for lp in progress.lines:
        if lp.line.min_hours > ZERO:
            found.append(Bar(lp.line.label[:1].upper() + lp.line.label[1:], lp.hours, lp.line.min_hours))
    return tuple(found)


def missing_sentences(progress: requirements.Progress) -> tuple[str, ...]:
    """ "1 more hour of human trafficking before August 31, 2027", one for each shortfall."""
    deadline = people_date(progress.window.ends_on)
    sentences = []
    for shortfall in progress.shortfalls:
        if shortfall.hours is None:
            sentence = f"a course in {shortfall.what} before {deadline}, as every renewal requires"
        else:
            sentence = f"{shortfall} before {deadline}"
        sentences.append(sentence[:1].upper() + sentence[1:])
    return tuple(sentences)


def not_counting_in_cycle(standing: Standing) -> list[NotCounting]:
    """The cycle's completions that do not count, or count only in part, with the engine's reason."""
    progress = standing.progress
    return [
        NotCounting(standing.entries[placement.entry.key].title, placement.hours, placement.explanation)
        for placement in progress.by_completion()
        if placement.reason in NOT_COUNTING_REASONS and placement.entry.completed_on in progress.window
    ]


def preview_sentence(standing: Standing, preview: requirements.Preview) -> str:
    """What completing a course would add to one license, in one sentence."""
    place = licence_place(standing.licence)
    moved = and_list(label for label, _ in preview.lines)
    limit = " and ".join(preview.limits)
    if limit:
        if preview.hours > ZERO:
            sentence = (
                f"Would go over {place}'s {limit} limit by "
                f"{hours_phrase(preview.offered_hours - preview.hours)}, so {hours_phrase(preview.hours)} would count"
            )
        else:
            sentence = f"Adds no hours to your {place} license's total: its {limit} limit is reached"
        return f"{sentence}; it would still count toward {moved}." if moved else f"{sentence}."
    if preview.hours > ZERO:
        counted = hours_phrase(preview.hours)
        if preview.hours < preview.offered_hours:
            counted = f"{counted} of its {hours_text(preview.offered_hours)}"
        return f"Counts {counted} toward your {place} license" + (f", including {moved}." if moved else ".")
    if moved:
        return f"Counts toward {moved} for your {place} license, though it adds no hours to the total."
    return f"Does not count toward your {place} license: {preview.explanation}"
