"""Reads of the CE record, shaped for the requirement engine: a fixed number of queries however long
the record, the engine doing the rest in memory."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone

from accounts.models import Licence

from . import requirements
from .models import CreditEntry, EntrySource, RenewalRule, RequirementLine


@dataclass(frozen=True)
class Standing:
    """One license, the rule its cycle is measured against, and how far the record goes toward it."""

    licence: Licence
    rule: RenewalRule | None  # None: no rule recorded for the board yet
    progress: requirements.Progress | None
    entries: dict[str, "CreditEntry | RecordRow"]  # by engine key, to show the placements with their records
    record: tuple[requirements.Entry, ...] = ()  # the same entries in the engine's terms
    counted_earlier: frozenset[str] = frozenset()

    def preview(self, offered: list[requirements.Entry]) -> requirements.Preview:
        """What `offered` (a course's entries, offered_entries) would add to this cycle."""
        return requirements.preview(
            self.progress.rule,
            engine_licence(self.licence),
            list(self.record),
            offered,
            before=self.progress,
            counted_earlier=self.counted_earlier,
        )


def credit_entries(*, user):
    """The user's whole record, with what the engine and the pages read of each entry but its categories
    (`record_categories` reads those, in one query)."""
    return _with_engine_facts(CreditEntry.objects.filter(user=user).select_related("board"))


def _with_engine_facts(entries):
    """The two facts the engine reads that are not fields of an entry: its board's code, and whether a
    correction replaced it."""
    return entries.annotate(
        board_code=F("board__code"),
        is_superseded=Exists(CreditEntry.objects.filter(supersedes=OuterRef("pk"))),
    )


def rule_versions(*, boards) -> dict[int, list[RenewalRule]]:
    """Every rule each board has had, newest first, with its lines and accepted boards."""
    rules = (
        RenewalRule.objects.filter(board__in=boards)
        .select_related("board")
        .prefetch_related(
            "accepted_boards", Prefetch("lines", queryset=RequirementLine.objects.prefetch_related("categories"))
        )
        .order_by("board_id", "-effective_from")
    )
    versions: dict[int, list[RenewalRule]] = {}
    for rule in rules:
        versions.setdefault(rule.board_id, []).append(rule)
    return versions


def rule_in_force(versions: list[RenewalRule], on: datetime.date) -> RenewalRule | None:
    """The rule in force on `on`: the latest that took effect by then (or, before any, the first)."""
    if not versions:
        return None
    return next((rule for rule in versions if rule.effective_from <= on), versions[-1])


def engine_rule(rule: RenewalRule) -> requirements.Rule:
    return requirements.Rule(
        board=rule.board.code,
        board_name=rule.board.name,
        cycle_months=rule.cycle_months,
        total_hours=rule.total_hours,
        lines=tuple(
            requirements.Line(
                label=line.label,
                categories=frozenset(category.slug for category in line.categories.all()),
                min_hours=line.min_hours,
                max_hours=line.max_hours,
                each_renewal=line.each_renewal,
                cycles=line.cycles,
            )
            for line in rule.lines.all()
        ),
        first_cycle_hours_per_month=rule.first_cycle_hours_per_month,
        min_live_hours=rule.min_live_hours,
        webinar_counts_as_live=rule.webinar_counts_as_live,
        max_home_study_hours=rule.max_home_study_hours,
        accepted_boards=frozenset(board.code for board in rule.accepted_boards.all()),
        accepts_self_reported=rule.accepts_self_reported,
        completion_counts_once=rule.completion_counts_once,
    )


def engine_licence(licence: Licence) -> requirements.Licence:
    return requirements.Licence(licence.board.code, licence.expires_on, licence.first_licensed_on)


def engine_entries(entries: "list[CreditEntry] | list[RecordRow]", categories) -> tuple[requirements.Entry, ...]:
    """Entries from `credit_entries` or `record_rows` in the engine's terms, with `record_categories`' map."""
    return tuple(_as_engine_entry(entry, categories=categories.get(entry.pk, NO_CATEGORIES).slugs) for entry in entries)


def _as_engine_entry(entry, *, categories: frozenset[str]) -> requirements.Entry:
    """`entry` is a CreditEntry or a RecordRow: what the engine reads of either."""
    return requirements.Entry(
        key=str(entry.pk),
        # A certificate's entries are one completion; a reported credit is its own.
        completion=f"certificate:{entry.certificate_code}" if entry.certificate_code else f"entry:{entry.pk}",
        board=entry.board_code,
        hours=entry.hours,
        completed_on=entry.completed_on,
        delivery=entry.delivery,
        categories=categories,
        source=entry.source,
        review_status=entry.review_status if entry.source == EntrySource.REPORTED else requirements.VERIFIED,
        superseded=entry.is_superseded,
        withdrawn_reason=(entry.withdrawn_reason or "Withdrawn.") if entry.withdrawn_at else "",
        review_note=entry.review_note,
    )


class RecordRow(NamedTuple):
    """A CE record entry as the standings read it: the engine's facts and the title pages name it by,
    read as values, since a record of hundreds of entries built as models costs more than the engine."""

    pk: int
    title: str
    certificate_code: str
    board_code: str | None
    hours: Decimal
    completed_on: datetime.date
    delivery: str
    source: str
    review_status: str
    is_superseded: bool
    withdrawn_at: datetime.datetime | None
    withdrawn_reason: str
    review_note: str


def record_rows(*, user) -> list[RecordRow]:
    """The user's whole record as RecordRows, in one query however long it is."""
    rows = _with_engine_facts(CreditEntry.objects.filter(user=user)).values_list(*RecordRow._fields)
    return [RecordRow(*row) for row in rows]


class EntryCategories(NamedTuple):
    slugs: frozenset[str]  # what the engine matches rules by
    names: tuple[str, ...]  # what pages print, in name order


NO_CATEGORIES = EntryCategories(frozenset(), ())


def record_categories(*, user) -> dict[int, EntryCategories]:
    """The categories of each of the user's entries that has any, by entry id, in one query however long
    the record: prefetching them builds a queryset per entry."""
    pairs: dict[int, list[tuple[str, str]]] = {}
    through = CreditEntry.categories.through.objects.filter(creditentry__user=user).order_by("creditcategory__name")
    for entry_id, slug, name in through.values_list("creditentry_id", "creditcategory__slug", "creditcategory__name"):
        pairs.setdefault(entry_id, []).append((slug, name))
    return {
        entry_id: EntryCategories(frozenset(slug for slug, _ in both), tuple(name for _, name in both))
        for entry_id, both in pairs.items()
    }


def standing(
    licence: Licence,
    versions: list[RenewalRule],
    entries: "list[CreditEntry] | list[RecordRow]",
    *,
    ends_on: datetime.date | None = None,
    record: tuple[requirements.Entry, ...] | None = None,
) -> Standing:
    """The license's cycle ending on its expiration (or `ends_on`), against the rule in force: today's for
    the current cycle, the one in force at its end for a past one. The cycle before it is measured too, so
    that a completion it counted does not count again. `record` is `entries` in the engine's terms, if
    the caller has them already."""
    by_key = {str(entry.pk): entry for entry in entries}
    ends_on = ends_on or licence.expires_on
    today = timezone.localdate()
    rule = rule_in_force(versions, min(today, ends_on))
    if rule is None:
        return Standing(licence, None, None, by_key)
    facts = engine_licence(licence)
    plain = record if record is not None else engine_entries(entries, record_categories(user=licence.user_id))
    engine = engine_rule(rule)
    window = requirements.cycle_window(engine, facts, ends_on=ends_on)
    counted_earlier = frozenset()
    if engine.completion_counts_once and not window.first_cycle:
        earlier_end = window.starts_on - datetime.timedelta(days=1)
        earlier_rule = rule_in_force(versions, earlier_end)
        counted_earlier = requirements.progress(
            engine_rule(earlier_rule), facts, plain, ends_on=earlier_end
        ).counted_completions
    return Standing(
        licence,
        rule,
        requirements.progress(engine, facts, plain, ends_on=ends_on, counted_earlier=counted_earlier),
        by_key,
        plain,
        counted_earlier,
    )


def standings(*, user) -> list[Standing]:
    """Each of the user's licenses in its current cycle, the soonest to expire first."""
    licences = list(Licence.objects.filter(user=user).select_related("board").order_by("expires_on", "pk"))
    if not licences:
        return []
    versions = rule_versions(boards={licence.board_id for licence in licences})
    rows = record_rows(user=user)
    record = engine_entries(rows, record_categories(user=user))
    return [standing(licence, versions.get(licence.board_id, []), rows, record=record) for licence in licences]


def offered_entries(approvals, *, on: datetime.date) -> list[requirements.Entry]:
    """A course's approvals as the entries its completion on `on` would make (duck-typed CourseApproval)."""
    return [
        requirements.Entry(
            key=f"offered:{position}",  # approvals of a course in preview are not saved yet
            completion="offered",
            board=approval.board.code,
            hours=approval.approved_hours,
            completed_on=on,
            delivery=approval.delivery,
            categories=frozenset(category.slug for category in approval.categories.all()),
        )
        for position, approval in enumerate(approvals)
        if approval.expires_on >= on
    ]


def course_previews(standings_: list[Standing], approvals) -> list[tuple[Standing, requirements.Preview]]:
    """What completing the course today would add to each license whose rule is recorded."""
    today = timezone.localdate()
    offered = offered_entries(approvals, on=today)
    if not offered:
        return []
    return [
        (item, item.preview(offered))
        for item in standings_
        if item.rule is not None and today <= item.licence.expires_on
    ]
