"""The requirement engine, board by board, on hand-worked records: which hours count, where, and why not.

Pure: the rules are built from the seeded data (lms/demo/renewal_rules.RULES) by `seeded_rule`, and one
database test checks that credits.selectors.engine_rule reads the seeded rows into the same values."""

import datetime
from decimal import Decimal

import pytest

from credits import requirements as engine
from credits.requirements import (
    BOARD_NOT_ACCEPTED,
    COUNTED,
    COUNTED_UNDER_OTHER_APPROVAL,
    EARLIER_CYCLE,
    HOME_STUDY,
    LIVE,
    OUTSIDE_WINDOW,
    OVER_CAP,
    REJECTED,
    REJECTED_BY_REVIEWER,
    REPORTED,
    SELF_REPORT_NOT_ACCEPTED,
    SELF_REPORTED,
    SUPERSEDED,
    UNVERIFIED,
    WEBINAR,
    WITHDRAWN,
    Entry,
    Licence,
    Line,
    Rule,
)
from lms.demo.reference import BOARDS
from lms.demo.renewal_rules import RULES

BOARD_NAMES = {code: name for code, name, _, _ in BOARDS}


def seeded_rule(code: str) -> Rule:
    """The engine's value of a seeded rule, read straight from the seed data."""
    spec = RULES[code]

    def hours(name, default=None):
        value = spec.get(name, default)
        return None if value is None else Decimal(value)

    return Rule(
        board=code,
        board_name=BOARD_NAMES[code],
        cycle_months=spec["cycle_months"],
        total_hours=Decimal(spec["total_hours"]),
        lines=tuple(
            Line(
                label=label,
                categories=frozenset(slugs),
                min_hours=Decimal(minimum),
                max_hours=None if maximum is None else Decimal(maximum),
                each_renewal=each_renewal,
                cycles=str(cycles),
            )
            for label, slugs, minimum, maximum, each_renewal, cycles in spec["lines"]
        ),
        first_cycle_hours_per_month=hours("first_cycle_hours_per_month"),
        min_live_hours=hours("min_live_hours", "0"),
        webinar_counts_as_live=spec.get("webinar_counts_as_live", False),
        max_home_study_hours=hours("max_home_study_hours"),
        accepted_boards=frozenset(spec.get("accepted_boards", [])),
        accepts_self_reported=spec.get("accepts_self_reported", True),
        completion_counts_once=spec.get("completion_counts_once", True),
    )


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def entry(key, hours, on, *, board, delivery=HOME_STUDY, cats=(), completion=None, **facts) -> Entry:
    """An earned entry under `board`'s approval; a completion of its own unless `completion` is given."""
    return Entry(
        key=key,
        completion=completion or key,
        board=board,
        hours=Decimal(hours),
        completed_on=day(on),
        delivery=delivery,
        categories=frozenset(cats),
        **facts,
    )


def licence(board, expires="2027-08-31", first=None) -> Licence:
    return Licence(board, day(expires), day(first) if first else None)


EXPIRES = "2027-08-31"  # every case's license expires then; 24-month cycles run from September 1, 2025


# (case, board, first licensed, entries (key, hours, date, delivery, categories, approving board),
#  required, counted, live, hours per subject line, what is missing)
CASES = [
    pytest.param(
        "FL",
        None,
        [
            ("hands-on", "12", "2026-03-10", LIVE, ["massage-technique"], "FL"),
            ("errors", "2", "2026-05-01", HOME_STUDY, ["medical-errors"], "FL"),
            ("trafficking", "1", "2026-06-01", HOME_STUDY, ["human-trafficking"], "NCBTMB"),  # FL takes NCBTMB's
            ("laws", "2", "2026-07-01", HOME_STUDY, ["laws-and-rules"], "FL"),
            ("ethics", "2", "2026-08-01", WEBINAR, ["ethics"], "FL"),
            ("pathology", "5", "2027-01-15", HOME_STUDY, ["pathology"], "NCBTMB"),
        ],
        "24",
        "24",  # 12 + 2 + 1 + 2 + 2 + 5
        "12",  # the hands-on class; a webinar is not live in Florida
        {
            "prevention of medical errors": "2",
            "human trafficking": "1",
            "laws and rules": "2",
            "professional ethics": "2",
        },
        [],
        id="florida-full-cycle-met",
    ),
    pytest.param(
        "FL",
        None,
        [
            ("hands-on", "10", "2026-03-10", LIVE, ["massage-technique"], "FL"),
            ("errors", "2", "2026-05-01", HOME_STUDY, ["medical-errors"], "FL"),
            ("trafficking", "1", "2026-06-01", HOME_STUDY, ["human-trafficking"], "FL"),
            ("laws", "2", "2026-07-01", HOME_STUDY, ["laws-and-rules"], "FL"),
            ("ethics", "2", "2026-08-01", HOME_STUDY, ["ethics"], "FL"),
            ("pathology", "7", "2027-01-15", HOME_STUDY, ["pathology"], "FL"),
        ],
        "24",
        "24",  # 10 + 2 + 1 + 2 + 2 + 7
        "10",
        {
            "prevention of medical errors": "2",
            "human trafficking": "1",
            "laws and rules": "2",
            "professional ethics": "2",
        },
        ["2 more hours live, in person"],  # 12 - 10
        id="florida-short-of-live-hours",
    ),
    pytest.param(
        "FL",
        None,
        [
            ("hands-on", "12", "2026-03-10", LIVE, ["massage-technique"], "FL"),
            ("pathology", "10.5", "2027-01-15", HOME_STUDY, ["pathology"], "FL"),
        ],
        "24",
        "22.5",  # 12 + 10.5
        "12",
        {
            "prevention of medical errors": "0",
            "human trafficking": "0",
            "laws and rules": "0",
            "professional ethics": "0",
        },
        [
            "1.5 more hours in total",  # 24 - 22.5
            "2 more hours of prevention of medical errors",
            "1 more hour of human trafficking",
            "2 more hours of laws and rules",
            "2 more hours of professional ethics",
        ],
        id="florida-missing-subjects",
    ),
    pytest.param(
        "FL",
        "2026-04-01",  # April 2026 to August 2027 are 17 months, at 1 hour a month
        [
            ("errors", "2", "2026-05-01", HOME_STUDY, ["medical-errors"], "FL"),
            ("pathology", "14", "2027-01-15", HOME_STUDY, ["pathology"], "FL"),
        ],
        "17",
        "16",  # 2 + 14
        "0",
        # Laws and rules and ethics are asked from the second renewal on; live hours are not asked either.
        {"prevention of medical errors": "2", "human trafficking": "0"},
        ["1 more hour in total", "1 more hour of human trafficking"],
        id="florida-first-cycle-prorated",
    ),
    pytest.param(
        "FL",
        "2026-04-02",  # April 2, 2026 to August 31, 2027 is 16 months and 30 days: 16 whole months
        [("pathology", "16", "2027-01-15", HOME_STUDY, ["medical-errors", "human-trafficking"], "FL")],
        "16",
        "16",
        "0",
        {"prevention of medical errors": "16", "human trafficking": "16"},
        [],
        id="florida-first-cycle-counts-whole-months",
    ),
    pytest.param(
        "FL",
        "2025-09-01",  # first issued on the day a full cycle would start: still the first renewal
        [("pathology", "21", "2027-01-15", HOME_STUDY, ["medical-errors", "human-trafficking"], "FL")],
        "24",  # 24 whole months, 1 hour each
        "21",
        "0",
        {"prevention of medical errors": "21", "human trafficking": "21"},
        ["3 more hours in total"],
        id="florida-first-cycle-as-long-as-a-full-one",
    ),
    pytest.param(
        "TX",
        None,
        [
            ("trafficking", "4", "2026-02-01", HOME_STUDY, ["human-trafficking"], "TX"),
            ("cpr", "8", "2026-04-01", LIVE, ["cpr-first-aid"], "TX"),
            ("kinesiology", "2", "2026-06-01", HOME_STUDY, ["kinesiology"], "TX"),
        ],
        "12",
        "11",  # 3 of 4 (trafficking at most 3) + 6 of 8 (CPR at most 6) + 2
        "8",
        {"human trafficking": "3", "CPR and first aid": "6"},
        ["1 more hour in total"],
        id="texas-caps",
    ),
    pytest.param(
        "TX",
        None,
        [("kinesiology", "12", "2026-06-01", HOME_STUDY, ["kinesiology"], "TX")],
        "12",
        "12",
        "0",
        {"human trafficking": "0", "CPR and first aid": "0"},
        ["a course in human trafficking, required before every renewal"],
        id="texas-trafficking-before-every-renewal",
    ),
    pytest.param(
        "TX",
        None,
        [
            ("trafficking", "1", "2026-02-01", HOME_STUDY, ["human-trafficking"], "TX"),
            ("kinesiology", "11", "2026-06-01", HOME_STUDY, ["kinesiology"], "TX"),
        ],
        "12",
        "12",  # 1 + 11
        "0",
        {"human trafficking": "1", "CPR and first aid": "0"},
        [],
        id="texas-met",
    ),
    pytest.param(
        "NY",
        None,
        [
            ("live", "20", "2025-01-10", LIVE, [], "NY"),  # 36 months: from September 1, 2024
            ("home-1", "10", "2025-06-01", HOME_STUDY, [], "NY"),
            ("home-2", "6", "2026-02-01", HOME_STUDY, [], "NY"),
        ],
        "36",
        "32",  # 20 + 10 + 2 of 6 (home study at most 12)
        "20",
        {},
        ["4 more hours in total"],
        id="new-york-home-study-limit",
    ),
    pytest.param(
        "NY",
        None,
        [
            ("live", "24", "2024-09-01", LIVE, [], "NY"),
            ("home", "12", "2027-08-31", HOME_STUDY, [], "NY"),
        ],
        "36",
        "36",  # 24 + 12, on the cycle's first and last days
        "24",
        {},
        [],
        id="new-york-met",
    ),
    pytest.param(
        "NY",
        "2025-06-01",
        [],
        "0",  # exempt in the first registration period: 0 hours a month
        "0",
        "0",
        {},
        [],
        id="new-york-first-registration-exempt",
    ),
    pytest.param(
        "MD",
        None,
        [
            ("jurisprudence", "3", "2026-01-10", HOME_STUDY, ["laws-and-rules"], "MD"),
            ("hiv", "3", "2026-02-10", HOME_STUDY, ["communicable-diseases"], "MD"),
            ("kinesiology", "10", "2026-03-10", LIVE, ["kinesiology"], "MD"),
            ("pathology", "7", "2026-04-10", HOME_STUDY, ["pathology"], "MD"),
            ("culture", "1", "2026-05-10", HOME_STUDY, ["cultural-competency"], "MD"),
        ],
        "24",
        "24",  # 3 + 3 + 10 + 7 + 1
        "10",
        {
            "ethics or jurisprudence": "3",  # jurisprudence alone meets it
            "communicable diseases, including HIV": "3",
            "massage-related subjects": "17",  # 10 kinesiology + 7 pathology
            "diversity and cultural competency": "1",
        },
        [],
        id="maryland-met",
    ),
    pytest.param(
        "MD",
        None,
        [
            ("ethics", "1", "2026-01-10", HOME_STUDY, ["ethics"], "MD"),
            ("ethics-and-law", "2", "2026-02-10", HOME_STUDY, ["ethics", "laws-and-rules"], "MD"),
            ("pathology-of-hiv", "3", "2026-03-10", HOME_STUDY, ["pathology", "communicable-diseases"], "MD"),
        ],
        "24",
        "6",  # 1 + 2 + 3: a course in two categories or two subjects counts its hours once in the total
        "0",
        {
            "ethics or jurisprudence": "3",  # 1 of ethics + 2 of ethics and law, not 1 + 2 + 2
            "communicable diseases, including HIV": "3",  # the same 3 hours count toward both subjects
            "massage-related subjects": "3",
            "diversity and cultural competency": "0",
        },
        [
            "18 more hours in total",  # 24 - 6
            "14 more hours of massage-related subjects",  # 17 - 3
            "1 more hour of diversity and cultural competency",
        ],
        id="maryland-a-line-met-by-either-category",
    ),
    pytest.param(
        "OR",
        None,
        [
            ("boundaries", "4", "2026-01-10", LIVE, ["ethics"], "OR"),
            ("live", "6", "2026-02-10", LIVE, ["massage-technique"], "OR"),
            ("webinar", "5", "2026-03-10", WEBINAR, ["pathology"], "OR"),
            ("home", "10", "2026-04-10", HOME_STUDY, ["kinesiology"], "OR"),
        ],
        "25",
        "25",  # 4 + 6 + 5 + 10
        "15",  # 4 + 6 in person + 5 by live webinar
        {"ethics, boundaries and communication": "4"},
        [],
        id="oregon-webinar-counts-as-live",
    ),
    pytest.param(
        "OR",
        None,
        [
            ("boundaries", "3", "2026-01-10", WEBINAR, ["ethics"], "OR"),
            ("home", "22", "2026-04-10", HOME_STUDY, ["kinesiology"], "OR"),
        ],
        "25",
        "25",  # 3 + 22
        "3",
        {"ethics, boundaries and communication": "3"},
        ["12 more hours live, in person or by live webinar", "1 more hour of ethics, boundaries and communication"],
        id="oregon-short-of-contact-hours-and-ethics",
    ),
    pytest.param(
        "NCBTMB",
        None,
        [
            ("self-care", "6", "2026-01-10", HOME_STUDY, ["self-care"], "NCBTMB"),
            ("ethics", "3", "2026-02-10", LIVE, ["ethics"], "NCBTMB"),
            ("pathology", "17", "2026-03-10", HOME_STUDY, ["pathology"], "NCBTMB"),
        ],
        "24",
        "24",  # 4 of 6 (self-care at most 4) + 3 + 17
        "3",
        {"ethics": "3", "self-care": "4"},
        [],
        id="ncbtmb-self-care-limit",
    ),
    pytest.param(
        "NCBTMB",
        None,
        [
            ("ethics", "2", "2026-02-10", LIVE, ["ethics"], "NCBTMB"),
            ("florida-only", "3", "2026-03-10", HOME_STUDY, ["ethics"], "FL"),  # NCBTMB takes only its own
        ],
        "24",
        "2",
        "2",
        {"ethics": "2", "self-care": "0"},
        ["22 more hours in total", "1 more hour of ethics"],
        id="ncbtmb-only-its-own-approvals",
    ),
]


@pytest.mark.parametrize(("board", "first", "rows", "required", "counted", "live", "lines", "missing"), CASES)
def test_seeded_rules_on_hand_worked_records(board, first, rows, required, counted, live, lines, missing):
    entries = [
        entry(key, hours, on, board=approver, delivery=delivery, cats=cats)
        for key, hours, on, delivery, cats, approver in rows
    ]

    result = engine.progress(seeded_rule(board), licence(board, EXPIRES, first), entries)

    assert result.required_hours == Decimal(required)
    assert result.counted_hours == Decimal(counted)
    assert result.live_hours == Decimal(live)
    assert {lp.line.label: lp.hours for lp in result.lines} == {label: Decimal(h) for label, h in lines.items()}
    assert [str(shortfall) for shortfall in result.shortfalls] == missing
    assert result.met is (not missing)
    assert result.missing_hours == max(Decimal(required) - Decimal(counted), Decimal(0))


def test_florida_first_cycle_window_starts_on_the_day_first_licensed():
    window = engine.cycle_window(seeded_rule("FL"), licence("FL", EXPIRES, "2026-04-01"))

    assert (window.starts_on, window.ends_on, window.first_cycle) == (day("2026-04-01"), day(EXPIRES), True)


def test_a_license_first_issued_before_the_cycle_is_measured_against_the_full_rule():
    result = engine.progress(seeded_rule("FL"), licence("FL", EXPIRES, "2019-06-15"), [])

    assert not result.window.first_cycle and result.window.starts_on == day("2025-09-01")
    assert (result.required_hours, result.required_live_hours, len(result.lines)) == (24, 12, 4)


def test_over_a_cap_part_of_an_entry_counts_and_the_placement_says_why():
    entries = [
        entry("trafficking", "4", "2026-02-01", board="TX", cats=["human-trafficking"]),
        entry("cpr", "8", "2026-04-01", board="TX", delivery=LIVE, cats=["cpr-first-aid"]),
    ]

    result = engine.progress(seeded_rule("TX"), licence("TX"), entries)

    trafficking, cpr = result.placement("trafficking"), result.placement("cpr")
    assert (trafficking.hours, trafficking.reason, trafficking.lines) == (3, OVER_CAP, ("human trafficking",))
    assert trafficking.explanation == "Over the 3-hour human trafficking limit: 3 of 4 hours count."
    assert (cpr.hours, cpr.reason) == (6, OVER_CAP)
    assert cpr.explanation == "Over the 6-hour CPR and first aid limit: 6 of 8 hours count."


def test_new_york_counts_the_earliest_home_study_first_and_says_what_is_over_the_limit():
    entries = [
        entry("later", "6", "2026-02-01", board="NY"),
        entry("earlier", "10", "2025-06-01", board="NY"),
    ]

    result = engine.progress(seeded_rule("NY"), licence("NY"), entries)

    assert result.placement("earlier").hours == 10 and result.placement("earlier").reason == COUNTED
    later = result.placement("later")
    assert (later.hours, later.reason) == (2, OVER_CAP)  # 12 - 10 of room left
    assert later.explanation == "Over the 12-hour home-study limit: 2 of 6 hours count."
    assert result.home_study_hours == 12


# Windows ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires", "months", "starts"),
    [
        ("2027-08-31", 24, "2025-09-01"),  # August 31, 2025 + 1 day
        ("2027-08-31", 36, "2024-09-01"),  # New York's three years
        ("2028-02-29", 24, "2026-03-01"),  # February 29 has no 2026 twin: February 28 + 1 day
        ("2027-02-28", 24, "2025-03-01"),
        ("2027-03-30", 24, "2025-03-31"),  # a mid-month expiry: the day after, two years earlier
        ("2026-04-30", 12, "2025-05-01"),
    ],
)
def test_a_cycle_ends_on_the_expiry_and_starts_the_day_after_the_same_date_a_cycle_earlier(expires, months, starts):
    rule = Rule(board="X", board_name="X", cycle_months=months, total_hours=Decimal(1))

    window = engine.cycle_window(rule, licence("X", expires))

    assert (window.starts_on, window.ends_on, window.first_cycle) == (day(starts), day(expires), False)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2028-02-29", -24, "2026-02-28")],
)
def test_adding_months_clamps_to_the_month_end(start, months, expected):
    assert engine.add_months(day(start), months) == day(expected)


@pytest.mark.parametrize(
    ("on", "counts"),
    [("2025-08-31", False), ("2025-09-01", True), ("2027-08-31", True), ("2027-09-01", False)],
)
def test_entries_on_the_cycles_first_and_last_days_count_and_a_day_outside_does_not(on, counts):
    result = engine.progress(seeded_rule("FL"), licence("FL"), [entry("course", "2", on, board="FL")])

    placement = result.placement("course")
    assert placement.counted is counts and result.counted_hours == (2 if counts else 0)
    if not counts:
        assert placement.reason == OUTSIDE_WINDOW
        assert placement.explanation == "Completed outside this cycle (September 1, 2025 to August 31, 2027)."


# One completion, several approvals ----------------------------------------------------------------------


def test_a_course_approved_by_florida_and_ncbtmb_counts_once_for_each_license_under_its_own_board():
    # Florida approved 2 hours of laws and rules; NCBTMB approved the same course for 3 hours of ethics.
    entries = [
        entry("fl", "2", "2026-05-01", board="FL", cats=["laws-and-rules"], completion="certificate:A"),
        entry("ncbtmb", "3", "2026-05-01", board="NCBTMB", cats=["ethics"], completion="certificate:A"),
    ]

    florida = engine.progress(seeded_rule("FL"), licence("FL"), entries)
    ncbtmb = engine.progress(seeded_rule("NCBTMB"), licence("NCBTMB"), entries)

    assert florida.counted_hours == 2  # under Florida's approval, not 2 + 3
    assert {lp.line.label: lp.hours for lp in florida.lines}["laws and rules"] == 2
    assert {lp.line.label: lp.hours for lp in florida.lines}["professional ethics"] == 0
    assert florida.placement("ncbtmb").reason == COUNTED_UNDER_OTHER_APPROVAL
    assert florida.placement("ncbtmb").explanation == "Counted once, under its FL approval."
    assert [p.entry.key for p in florida.by_completion()] == ["fl"]
    assert ncbtmb.counted_hours == 3  # NCBTMB does not take Florida's approval, and need not
    assert ncbtmb.placement("fl").reason == COUNTED_UNDER_OTHER_APPROVAL
    assert ncbtmb.placement("fl").explanation == "Counted once, under its NCBTMB approval."
    assert [p.entry.key for p in ncbtmb.by_completion()] == ["ncbtmb"]
    assert florida.counted_completions == ncbtmb.counted_completions == {"certificate:A"}


def test_an_approval_florida_does_not_take_gives_way_to_one_it_does():
    entries = [
        entry("tx", "2", "2026-05-01", board="TX", completion="certificate:B"),
        entry("ncbtmb", "2", "2026-05-01", board="NCBTMB", completion="certificate:B"),
    ]

    result = engine.progress(seeded_rule("FL"), licence("FL"), entries)

    assert result.counted_hours == 2 and result.placement("ncbtmb").reason == COUNTED
    assert result.placement("tx").explanation == "Counted once, under its NCBTMB approval."


# What does not count, and why ---------------------------------------------------------------------------

IN_CYCLE = "2026-05-01"


@pytest.mark.parametrize(
    ("facts", "reason", "explanation"),
    [
        ({"superseded": True}, SUPERSEDED, "Replaced by a corrected entry."),
        (
            {"withdrawn_reason": "Certificate revoked: Issued in error."},
            WITHDRAWN,
            "Certificate revoked: Issued in error.",
        ),
        (
            {"source": REPORTED, "board": None, "review_status": REJECTED, "review_note": "No proof of attendance."},
            REJECTED_BY_REVIEWER,
            "Rejected by a reviewer: No proof of attendance.",
        ),
        (
            {"source": REPORTED, "board": None, "review_status": SELF_REPORTED},
            UNVERIFIED,
            "Self-reported: counts once a reviewer has verified it.",
        ),
        ({"board": "TX"}, BOARD_NOT_ACCEPTED, "Florida Board of Massage Therapy does not accept this approval."),
    ],
    ids=["superseded", "withdrawn", "rejected", "unverified", "board-not-accepted"],
)
def test_an_entry_that_does_not_stand_counts_nothing_and_says_why(facts, reason, explanation):
    facts = {"board": "FL", **facts}
    excluded = entry("course", "2", IN_CYCLE, cats=["laws-and-rules"], **facts)

    result = engine.progress(seeded_rule("FL"), licence("FL"), [excluded])

    placement = result.placement("course")
    assert (placement.hours, placement.reason, placement.explanation) == (0, reason, explanation)
    assert result.counted_hours == 0
    assert {lp.line.label: lp.hours for lp in result.lines}["laws and rules"] == 0


def test_a_verified_reported_credit_counts_where_the_board_accepts_them():
    reported = entry("reported", "2", IN_CYCLE, board=None, cats=["ethics"], source=REPORTED)

    florida = engine.progress(seeded_rule("FL"), licence("FL"), [reported])
    ncbtmb = engine.progress(seeded_rule("NCBTMB"), licence("NCBTMB"), [reported])

    assert florida.counted_hours == 2 and florida.placement("reported").reason == COUNTED
    assert ncbtmb.counted_hours == 0
    assert ncbtmb.placement("reported").reason == SELF_REPORT_NOT_ACCEPTED
    assert ncbtmb.placement("reported").explanation == (
        "National Certification Board for Therapeutic Massage & Bodywork does not accept self-reported credits."
    )


def test_a_credit_reported_under_another_boards_approval_counts_only_where_that_board_is_taken():
    texan = entry("texan", "2", IN_CYCLE, board="TX", cats=["ethics"], source=REPORTED)
    national = entry("national", "2", IN_CYCLE, board="NCBTMB", cats=["ethics"], source=REPORTED)

    florida = engine.progress(seeded_rule("FL"), licence("FL"), [texan, national])

    assert florida.placement("texan").reason == BOARD_NOT_ACCEPTED  # Florida takes its own and NCBTMB's
    assert florida.placement("national").reason == COUNTED
    assert florida.counted_hours == 2


def test_a_completion_counted_in_the_earlier_cycle_does_not_count_again():
    entries = [
        entry("reused", "2", IN_CYCLE, board="FL", completion="certificate:C"),
        entry("new", "3", IN_CYCLE, board="FL", completion="certificate:D"),
    ]
    rule = seeded_rule("FL")

    result = engine.progress(rule, licence("FL"), entries, counted_earlier=frozenset({"certificate:C"}))
    reusable = engine.progress(
        Rule(**{**rule.__dict__, "completion_counts_once": False}),
        licence("FL"),
        entries,
        counted_earlier=frozenset({"certificate:C"}),
    )

    placement = result.placement("reused")
    assert (placement.hours, placement.reason, placement.explanation) == (
        0,
        EARLIER_CYCLE,
        "Already counted in an earlier cycle.",
    )
    assert result.counted_hours == 3
    assert reusable.counted_hours == 5


def test_the_earlier_cycle_passes_on_what_it_counted():
    # The earlier cycle ran September 1, 2023 to August 31, 2025; its completions are not counted again.
    entries = [entry("old", "2", "2025-08-31", board="FL"), entry("new", "3", "2025-09-01", board="FL")]
    rule = seeded_rule("FL")

    earlier = engine.progress(rule, licence("FL"), entries, ends_on=day("2025-08-31"))
    current = engine.progress(rule, licence("FL"), entries, counted_earlier=earlier.counted_completions)

    assert (earlier.window.starts_on, earlier.counted_hours, earlier.counted_completions) == (
        day("2023-09-01"),
        2,
        {"old"},
    )
    assert current.counted_hours == 3 and current.placement("old").reason == OUTSIDE_WINDOW


# Previews -----------------------------------------------------------------------------------------------


def offered(hours, *, board, delivery=HOME_STUDY, cats=(), on="2027-01-15") -> list[Entry]:
    return [entry("offered:1", hours, on, board=board, delivery=delivery, cats=cats, completion="offered")]


def test_a_course_that_would_go_over_new_yorks_home_study_limit_previews_the_part_that_counts():
    entries = [
        entry("live", "24", "2025-01-10", board="NY", delivery=LIVE),
        entry("home", "11.5", "2025-06-01", board="NY"),
    ]

    preview = engine.preview(seeded_rule("NY"), licence("NY"), entries, offered("1.5", board="NY"))

    assert (preview.hours, preview.offered_hours, preview.reason) == (Decimal("0.5"), Decimal("1.5"), OVER_CAP)
    assert preview.explanation == "Over the 12-hour home-study limit: 0.5 of 1.5 hours count."  # 12 - 11.5 of room
    assert preview.counts


def test_a_course_previews_the_subjects_it_would_move():
    entries = [entry("laws", "1", "2026-01-10", board="FL", cats=["laws-and-rules"])]

    preview = engine.preview(
        seeded_rule("FL"), licence("FL"), entries, offered("2", board="FL", cats=["laws-and-rules"])
    )

    assert (preview.hours, preview.reason) == (2, COUNTED)
    assert preview.lines == (("laws and rules", 2),)  # a subject's progress is all its hours, 1 + 2


def test_a_course_its_board_does_not_take_previews_nothing():
    preview = engine.preview(seeded_rule("FL"), licence("FL"), [], offered("2", board="TX"))

    assert (preview.hours, preview.lines, preview.counts, preview.reason) == (0, (), False, BOARD_NOT_ACCEPTED)


# The seeded rows read back as the same rules ------------------------------------------------------------


@pytest.mark.django_db
def test_the_seeded_rules_read_from_the_database_are_the_rules_these_tables_test():
    from credits.selectors import engine_rule, rule_versions
    from credits.tests.factories import BoardFactory, CreditCategoryFactory
    from lms.demo.renewal_rules import renewal_rules_seed

    boards = {code: BoardFactory(code=code, name=name) for code, name, _, _ in BOARDS}
    slugs = {slug for spec in RULES.values() for _, line_slugs, *_ in spec["lines"] for slug in line_slugs}
    categories = {slug: CreditCategoryFactory(slug=slug, name=slug.title()) for slug in slugs}
    renewal_rules_seed(boards=boards, categories=categories)

    versions = rule_versions(boards=boards.values())

    read = {boards_rules[0].board.code: engine_rule(boards_rules[0]) for boards_rules in versions.values()}
    assert read == {code: seeded_rule(code) for code in RULES}


def test_two_limits_that_read_alike_stay_two_limits():
    # Two subjects both labelled "electives", each capped at 2 hours: 3 h in one and 3 h in the other
    # count 2 + 2 = 4, not 2 as they would if the two limits were taken for one.
    rule = Rule(
        board="XX",
        board_name="Board",
        cycle_months=24,
        total_hours=Decimal(10),
        lines=(
            Line("electives", frozenset({"a"}), max_hours=Decimal(2)),
            Line("electives", frozenset({"b"}), max_hours=Decimal(2)),
        ),
    )
    licence = Licence("XX", datetime.date(2027, 12, 31))
    entries = [
        entry("1", 3, "2026-03-01", board="XX", cats={"a"}),
        entry("2", 3, "2026-04-01", board="XX", cats={"b"}),
    ]

    assert engine.progress(rule, licence, entries).counted_hours == Decimal(4)
