"""Properties of the requirement engine over the seeded rules and random ones, on random records."""

import datetime
import functools
import itertools
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from credits import requirements as engine
from credits.requirements import (
    COUNTED,
    EARNED,
    EVERY,
    FIRST,
    HOME_STUDY,
    LATER,
    LIVE,
    OVER_CAP,
    REJECTED,
    REPORTED,
    SELF_REPORTED,
    VERIFIED,
    WEBINAR,
    Entry,
    Licence,
    Line,
    Rule,
)
from credits.tests.test_requirements import seeded_rule
from lms.demo.renewal_rules import RULES

SETTINGS = settings(max_examples=200, deadline=None)
CATEGORIES = ["ethics", "laws", "self-care", "pathology"]
EXPIRES = datetime.date(2027, 8, 31)


@functools.cache
def quarters(low, high):
    return st.integers(low * 4, high * 4).map(lambda n: Decimal(n) / 4)


# Strategies are built once: building them per draw costs more than the engine does.
MAYBE_HOURS = st.none() | quarters(0, 8)
LINE_CATEGORIES = st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2)
SCOPES = st.sampled_from([EVERY, EVERY, FIRST, LATER])
ACCEPTED = st.sets(st.sampled_from(["ACCEPTED", "OTHER"]), max_size=1)


@st.composite
def lines(draw, number):
    minimum, extra = draw(quarters(0, 8)), draw(MAYBE_HOURS)
    return Line(
        label=f"subject {number}",
        categories=frozenset(draw(LINE_CATEGORIES)),
        min_hours=minimum,
        max_hours=None if extra is None else minimum + extra,
        each_renewal=draw(st.booleans()),
        cycles=draw(SCOPES),
    )


@st.composite
def random_rules(draw):
    count = draw(st.integers(0, 3))
    home_study = draw(st.none() | quarters(0, 20))
    return Rule(
        board="OWN",
        board_name="Own board",
        cycle_months=draw(st.sampled_from([12, 24, 36])),
        total_hours=draw(quarters(0, 40)),
        lines=tuple(draw(lines(number)) for number in range(count)),
        first_cycle_hours_per_month=draw(st.none() | quarters(0, 2)),
        min_live_hours=draw(quarters(0, 20)),
        webinar_counts_as_live=draw(st.booleans()),
        max_home_study_hours=home_study,
        accepted_boards=frozenset(draw(ACCEPTED)),
        accepts_self_reported=draw(st.booleans()),
        completion_counts_once=draw(st.booleans()),
    )


rules = st.sampled_from([seeded_rule(code) for code in RULES]) | random_rules()


HOURS = quarters(1, 12)
DELIVERIES = st.sampled_from([HOME_STUDY, LIVE, WEBINAR])
STANDING = st.sampled_from([(False, "")] * 6 + [(True, ""), (False, "Certificate revoked: issued in error.")])
STATUSES = st.sampled_from([VERIFIED, SELF_REPORTED, REJECTED])
PICKS = st.lists(st.integers(0, 99), max_size=2)
BOARD_PICKS = st.lists(st.integers(0, 99), min_size=1, max_size=3)
# Mostly anywhere from 90 days before the cycle to 90 days after it, often on or next to its edges.
DAYS = st.tuples(st.sampled_from(["start", "end"]), st.integers(-1, 1)) | st.integers(-90, 36 * 31 + 90)
FIRST_LICENSED = st.none() | st.integers(0, 36 * 31 + 60)


def picked(pool, picks):
    return [pool[pick % len(pool)] for pick in picks]


@st.composite
def licences(draw, rule):
    days_before = draw(FIRST_LICENSED)
    first = (
        None if days_before is None else EXPIRES - datetime.timedelta(days=days_before % (31 * rule.cycle_months + 60))
    )
    return Licence(rule.board, EXPIRES, first)


def day_around(window, drawn):
    if isinstance(drawn, tuple):
        edge, shift = drawn
        return (window.starts_on if edge == "start" else window.ends_on) + datetime.timedelta(days=shift)
    span = (window.ends_on - window.starts_on).days + 181
    return window.starts_on + datetime.timedelta(days=drawn % span - 90)


@st.composite
def completions(draw, rule, licence, name):
    """The entries of one completion: a certificate's, one per approving board, or a reported credit."""
    on = day_around(engine.cycle_window(rule, licence), draw(DAYS))
    pool = sorted({c for line in rule.lines for c in line.categories} | {"other"})
    if draw(st.booleans()):
        boards = dict.fromkeys(picked([rule.board, *sorted(rule.accepted_boards), "OTHER"], draw(BOARD_PICKS)))
        superseded, withdrawn = draw(STANDING)
        return [
            Entry(
                key=f"{name}:{board}",
                completion=name,
                board=board,
                hours=draw(HOURS),
                completed_on=on,
                delivery=draw(DELIVERIES),
                categories=frozenset(picked(pool, draw(PICKS))),
                source=EARNED,
                superseded=superseded,
                withdrawn_reason=withdrawn,
            )
            for board in boards
        ]
    status = draw(STATUSES)
    return [
        Entry(
            key=f"{name}:reported",
            completion=name,
            board=rule.board if draw(st.booleans()) else None,
            hours=draw(HOURS),
            completed_on=on,
            delivery=draw(DELIVERIES),
            categories=frozenset(picked(pool, draw(PICKS))),
            source=REPORTED,
            review_status=status,
            review_note="Not a CE course." if status == REJECTED else "",
            superseded=draw(st.booleans()),
        )
    ]


@st.composite
def records(draw, extra=False):
    """A rule, a license, its record, and (if `extra`) one more completion."""
    rule = draw(rules)
    licence = draw(licences(rule))
    count = draw(st.integers(0, 8))
    entries = [e for number in range(count) for e in draw(completions(rule, licence, f"c{number}"))]
    earlier = frozenset(
        draw(st.sets(st.sampled_from([f"c{number}" for number in range(count)]), max_size=2)) if count else ()
    )
    more = draw(completions(rule, licence, "added")) if extra else []
    return rule, licence, entries, earlier, more


def line_hours(result):
    return {lp.line.label: lp.hours for lp in result.lines}


@SETTINGS
@given(records(extra=True))
def test_completing_another_course_never_lowers_progress_on_a_minimum(record):
    rule, licence, entries, earlier, more = record

    before = engine.progress(rule, licence, entries, counted_earlier=earlier)
    after = engine.progress(rule, licence, [*entries, *more], counted_earlier=earlier)

    assert after.counted_hours >= before.counted_hours
    assert after.live_hours >= before.live_hours
    for old, new in zip(before.lines, after.lines, strict=True):
        assert new.hours >= old.hours
        assert new.met or not old.met


@SETTINGS
@given(records())
def test_limits_are_never_exceeded(record):
    rule, licence, entries, earlier, _ = record

    result = engine.progress(rule, licence, entries, counted_earlier=earlier)

    if rule.max_home_study_hours is not None:
        assert result.home_study_hours <= rule.max_home_study_hours
    for lp in result.lines:
        if lp.line.max_hours is not None:
            covered = sum((p.hours for p in result.placements if lp.line.covers(p.entry)), Decimal(0))
            assert covered <= lp.line.max_hours
            assert lp.hours <= lp.line.max_hours


@SETTINGS
@given(records())
def test_an_entry_completed_outside_the_cycle_never_counts(record):
    rule, licence, entries, earlier, _ = record

    result = engine.progress(rule, licence, entries, counted_earlier=earlier)
    inside = [e for e in entries if e.completed_on in result.window]
    without = engine.progress(rule, licence, inside, counted_earlier=earlier)

    for e in entries:
        if e.completed_on not in result.window:
            placement = result.placement(e.key)
            assert placement.hours == 0 and placement.reason not in (COUNTED, OVER_CAP)
    assert (result.counted_hours, result.live_hours, result.lines, result.shortfalls) == (
        without.counted_hours,
        without.live_hours,
        without.lines,
        without.shortfalls,
    )


@SETTINGS
@given(records(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_entries(record, random):
    rule, licence, entries, earlier, _ = record
    shuffled = list(entries)
    random.shuffle(shuffled)

    assert engine.progress(rule, licence, shuffled, counted_earlier=earlier) == engine.progress(
        rule, licence, entries, counted_earlier=earlier
    )


@SETTINGS
@given(records())
def test_hours_counted_never_exceed_hours_recorded(record):
    rule, licence, entries, earlier, _ = record

    result = engine.progress(rule, licence, entries, counted_earlier=earlier)

    for placement in result.placements:
        assert Decimal(0) <= placement.hours <= placement.entry.hours
    assert result.counted_hours <= sum((e.hours for e in entries), Decimal(0))
    by_completion = {}
    for placement in result.placements:
        by_completion.setdefault(placement.entry.completion, []).append(placement)
    for placements in by_completion.values():
        # One completion counts once, under one approval, however many boards approved it.
        assert sum(1 for p in placements if p.counted) <= 1
    for lp in result.lines:
        assert lp.hours <= sum((e.hours for e in entries if lp.line.covers(e)), Decimal(0))


# Limits that cross: a home-study limit and subject limits that one entry can share -------------------

CROSSING_CATEGORIES = st.sets(st.sampled_from(["a", "b", "c"]), max_size=2)


@st.composite
def crossing_records(draw):
    """A rule whose limits overlap (home study, and two or three subjects with a maximum), a record of
    standing entries in its cycle, and one more."""
    subjects = draw(st.integers(2, 3))
    rule = Rule(
        board="OWN",
        board_name="Own board",
        cycle_months=24,
        total_hours=Decimal(100),
        lines=tuple(
            Line(f"subject {name}", frozenset(name), max_hours=draw(quarters(0, 6))) for name in "abc"[:subjects]
        ),
        max_home_study_hours=draw(quarters(0, 6)),
    )

    def entry(name):
        return Entry(
            key=name,
            completion=name,
            board="OWN",
            hours=draw(quarters(1, 6)),
            completed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 3))),
            delivery=draw(DELIVERIES),
            categories=frozenset(draw(CROSSING_CATEGORIES)),
        )

    return rule, [entry(f"e{number}") for number in range(draw(st.integers(0, 6)))], entry("added")


def crossing(name, hours, delivery, categories, on):
    return Entry(name, name, "OWN", Decimal(hours), datetime.date(2026, 1, on), delivery, frozenset(categories))


# Home study at most 2, subjects a and b at most 2 each. Placed one by one, the added home-study hours of
# subject b took the room of e2 and, through it, of e3 and e0: the total fell from 3 to 2. At best, 3 count.
@example(
    (
        Rule(
            "OWN",
            "Own board",
            24,
            Decimal(100),
            lines=(
                Line("subject a", frozenset("a"), max_hours=Decimal(2)),
                Line("subject b", frozenset("b"), max_hours=Decimal(2)),
            ),
            max_home_study_hours=Decimal(2),
        ),
        [
            crossing("e0", 3, HOME_STUDY, "a", 4),
            crossing("e1", 1, HOME_STUDY, "a", 4),
            crossing("e2", 1, HOME_STUDY, "b", 3),
            crossing("e3", 3, LIVE, "ab", 3),
        ],
        crossing("added", 2, HOME_STUDY, "b", 2),
    )
)
@SETTINGS
@given(crossing_records())
def test_under_crossing_limits_another_course_never_lowers_the_total(record):
    rule, entries, added = record
    licence = Licence("OWN", EXPIRES)

    before = engine.progress(rule, licence, entries)
    after = engine.progress(rule, licence, [*entries, added])

    assert after.counted_hours >= before.counted_hours
    assert engine.preview(rule, licence, entries, [added]).hours >= 0


def most_the_limits_allow(rule, entries) -> Fraction:
    """The packing problem's optimum by its dual, min over z ≥ 0 of Σ cap·z + Σ hours·max(0, 1 - Σ z over
    the entry's limits): with at most three limits the dual's corners are halves, so z in {0, ½, 1} will do."""
    limits = (
        [(lambda e: e.delivery == HOME_STUDY, rule.max_home_study_hours)]
        if rule.max_home_study_hours is not None
        else []
    )
    limits += [(line.covers, line.max_hours) for line in rule.lines]
    return min(
        sum((Fraction(cap) * z for (_, cap), z in zip(limits, point, strict=True)), Fraction(0))
        + sum(
            (
                Fraction(e.hours)
                * max(Fraction(0), 1 - sum(z for (applies, _), z in zip(limits, point, strict=True) if applies(e)))
                for e in entries
            ),
            Fraction(0),
        )
        for point in itertools.product([Fraction(0), Fraction(1, 2), Fraction(1)], repeat=len(limits))
    )


# Subjects a, b and c at most a quarter hour each, and three courses each in two of them: at best an eighth
# of an hour of each counts (3/8 in all), which is 0.37 to the cent.
@example(
    (
        Rule(
            "OWN",
            "Own board",
            24,
            Decimal(100),
            lines=tuple(Line(f"subject {name}", frozenset(name), max_hours=Decimal("0.25")) for name in "abc"),
            max_home_study_hours=None,
        ),
        [crossing("ab", 1, LIVE, "ab", 1), crossing("bc", 1, LIVE, "bc", 2), crossing("ac", 1, LIVE, "ac", 3)],
        crossing("added", 1, LIVE, "", 4),
    )
)
@SETTINGS
@given(crossing_records())
def test_under_crossing_limits_as_many_hours_count_as_the_limits_allow(record):
    rule, entries, added = record
    rule = Rule(**{**rule.__dict__, "lines": rule.lines[:2]}) if rule.max_home_study_hours is not None else rule
    entries = [*entries, added]

    result = engine.progress(rule, Licence("OWN", EXPIRES), entries)

    best = most_the_limits_allow(rule, entries)
    assert result.counted_hours == Decimal(math.floor(best * 100)).scaleb(-2)
