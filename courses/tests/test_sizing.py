"""Sizing CE hours by content: 12,000 words or 60 minutes of video per hour, never rounded up."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from courses.sizing import ContentSize, count_words
from lms.money import money


def test_twelve_thousand_words_is_one_ce_hour():
    assert ContentSize(words=12_000).ce_hours == Decimal("1.00")


def test_an_hour_of_video_is_one_ce_hour():
    assert ContentSize(video_minutes=60).ce_hours == Decimal("1.00")


def test_hours_are_rounded_down_so_they_are_never_inflated():
    assert ContentSize(words=11_999).ce_hours == Decimal("0.99")
    assert ContentSize(words=6_000, video_minutes=89).ce_hours == Decimal("1.98")


def test_study_minutes_count_reading_at_two_hundred_words_a_minute_plus_video():
    assert ContentSize(words=201, video_minutes=12).study_minutes == 2 + 12


def test_count_words_treats_hyphenated_and_apostrophe_words_as_one():
    assert count_words(["Cross-hand release of the client's thoracolumbar fascia."]) == 7


@given(
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**5),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**5),
)
def test_sizes_add_up_and_more_content_never_supports_fewer_hours(words, minutes, more_words, more_minutes):
    small = ContentSize(words, minutes)
    large = small + ContentSize(more_words, more_minutes)

    assert large.ce_hours >= small.ce_hours
    assert large.study_minutes >= small.study_minutes
    assert small.ce_hours == small.ce_hours.quantize(Decimal("0.01"))


def test_money_formats_minor_units_with_the_currency():
    assert money(4900, "USD") == "$49.00"
    assert money(123456, "eur") == "€1,234.56"
    assert money(5000, "JPY") == "5,000 JPY"
    assert money(995, "CHF") == "9.95 CHF"
