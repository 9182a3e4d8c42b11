"""The requirement engine's answers in words: the course page's sentence for each license, the dashboard's bars
and what is still missing."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Licence
from credits import requirements
from credits.models import Board
from credits.presentation import Bar, bars, missing_sentences, preview_sentence
from credits.requirements import Entry, Line, Preview, Rule
from credits.selectors import Standing


def standing_in(jurisdiction, code="XX"):
    return Standing(Licence(board=Board(code=code, jurisdiction=jurisdiction)), None, None, {})


D = Decimal


@pytest.mark.parametrize(
    ("licence", "preview", "sentence"),
    [
        (
            standing_in("Florida"),
            Preview(
                D("1.25"),
                D("1.25"),
                (("laws and rules", D("1.25")), ("professional ethics", D("1.25"))),
                "Counts in this cycle.",
                requirements.COUNTED,
            ),
            "Counts 1.25 hours toward your Florida license, including laws and rules and professional ethics.",
        ),
        (
            standing_in("Florida"),
            Preview(D("1"), D("1"), (), "Counts in this cycle.", requirements.COUNTED),
            "Counts 1 hour toward your Florida license.",
        ),
        (
            standing_in("Maryland"),
            Preview(
                D("3"),
                D("3"),
                tuple((label, D(1)) for label in ["ethics or jurisprudence", "massage-related subjects", "pathology"]),
                "Counts in this cycle.",
                requirements.COUNTED,
            ),
            "Counts 3 hours toward your Maryland license, including ethics or jurisprudence, massage-related subjects "
            "and pathology.",
        ),
        (
            standing_in("Maryland"),
            Preview(
                D("3"),
                D("3"),
                tuple((label, D(1)) for label in ["ethics", "communicable diseases, including HIV", "pathology"]),
                "Counts in this cycle.",
                requirements.COUNTED,
            ),
            "Counts 3 hours toward your Maryland license, including ethics; communicable diseases, including HIV; "
            "and pathology.",
        ),
        (
            standing_in("New York"),
            Preview(
                D("0.25"),
                D("1.25"),
                (),
                "Over the 12-hour home-study limit: 0.25 of 1.25 hours count.",
                requirements.OVER_CAP,
                ("12-hour home-study",),
            ),
            "Would go over New York's 12-hour home-study limit by 1 hour, so 0.25 hours would count.",
        ),
        (
            standing_in("New York"),
            Preview(
                D("0"),
                D("2"),
                (),
                "Over the 12-hour home-study limit: 0 of 2 hours count.",
                requirements.OVER_CAP,
                ("12-hour home-study",),
            ),
            "Adds no hours to your New York license's total: its 12-hour home-study limit is reached.",
        ),
        (
            standing_in("", code="ncbtmb"),
            Preview(
                D("0"),
                D("2"),
                (("ethics", D("2")),),
                "Over the 4-hour self-care limit: 0 of 2 hours count.",
                requirements.OVER_CAP,
                ("4-hour self-care",),
            ),
            "Adds no hours to your NCBTMB license's total: its 4-hour self-care limit is reached; "
            "it would still count toward ethics.",
        ),
        (
            standing_in("Texas"),
            Preview(
                D("0"),
                D("2"),
                (),
                "Texas Department of Licensing and Regulation does not accept this approval.",
                requirements.BOARD_NOT_ACCEPTED,
            ),
            "Does not count toward your Texas license: "
            "Texas Department of Licensing and Regulation does not accept this approval.",
        ),
        (
            # Counted under its approval, but it takes the room of a course already counted.
            standing_in("Texas"),
            Preview(D("0.5"), D("2"), (), "Counts in this cycle.", requirements.COUNTED),
            "Counts 0.5 hours of its 2 toward your Texas license.",
        ),
    ],
)
def test_what_a_course_would_add_reads_as_one_sentence(licence, preview, sentence):
    assert preview_sentence(licence, preview) == sentence


TEXAS = Rule(
    board="TX",
    board_name="Texas Department of Licensing and Regulation",
    cycle_months=24,
    total_hours=D("12"),
    lines=(
        Line("human trafficking", frozenset({"human-trafficking"}), max_hours=D("3"), each_renewal=True),
        Line("professional ethics", frozenset({"ethics"}), min_hours=D("1")),
    ),
    min_live_hours=D("2"),
)
LICENCE = requirements.Licence("TX", datetime.date(2027, 8, 31))


def entry(hours, *categories, delivery=requirements.HOME_STUDY):
    return Entry(
        key=f"{hours}{categories}{delivery}",
        completion=f"{hours}{categories}{delivery}",
        board="TX",
        hours=D(hours),
        completed_on=datetime.date(2026, 3, 1),
        delivery=delivery,
        categories=frozenset(categories),
    )


@pytest.mark.parametrize(
    ("entries", "missing"),
    [
        (
            [],
            [
                "12 more hours in total before August 31, 2027",
                "2 more hours live, in person before August 31, 2027",
                "A course in human trafficking before August 31, 2027, as every renewal requires",
                "1 more hour of professional ethics before August 31, 2027",
            ],
        ),
        (
            [entry("10.5", "ethics", delivery=requirements.LIVE), entry("1", "human-trafficking")],
            ["0.5 more hours in total before August 31, 2027"],
        ),
        ([entry("11", "ethics", delivery=requirements.LIVE), entry("1", "human-trafficking")], []),
    ],
)
def test_what_is_missing_is_said_with_its_deadline(entries, missing):
    assert list(missing_sentences(requirements.progress(TEXAS, LICENCE, entries))) == missing


def test_bars_show_the_total_the_live_minimum_and_each_subject_with_a_minimum():
    progress = requirements.progress(TEXAS, LICENCE, [entry("3", "ethics", delivery=requirements.LIVE)])

    assert [(bar.label, bar.text, bar.value, bar.met) for bar in bars(progress)] == [
        ("Total", "3 of 12 hours", D("3"), False),
        ("Live, in person", "3 of 2 hours", D("2"), True),
        ("Professional ethics", "3 of 1 hour", D("1"), True),
    ]


def test_a_cycle_that_asks_no_hours_has_no_bars():
    exempt = Rule(board="NY", board_name="New York", cycle_months=36, total_hours=D("0"))

    assert bars(requirements.progress(exempt, LICENCE, [])) == ()
    assert Bar("Total", D("0"), D("1")).text == "0 of 1 hour"
