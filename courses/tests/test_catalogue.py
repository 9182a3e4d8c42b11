"""The catalogue: what a practitioner sees when they browse, filter and search courses."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail_factories import ImageFactory

from credits.models import DeliveryType

from .factories import CourseApprovalFactory, CoursePageFactory, LessonPageFactory, TopicFactory


def listed_titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [heading.get_text(strip=True) for heading in soup.select(".card__title")]


@pytest.fixture
def courses(catalogue):
    pathology = TopicFactory(name="Pathology", slug="pathology")
    techniques = TopicFactory(name="Medical-massage techniques", slug="techniques")
    return {
        "fibromyalgia": CoursePageFactory(
            parent=catalogue,
            title="Fibromyalgia and Massage Therapy",
            summary="Nociplastic pain, medications and adapting pressure.",
            topic=pathology,
            level="intermediate",
            ce_hours=Decimal("1.00"),
            min_study_minutes=60,
            price_amount=3900,
        ),
        "lymphatic": CoursePageFactory(
            parent=catalogue,
            title="Manual Lymphatic Drainage after Surgery",
            summary="Lymphangions, watersheds and post-operative edema.",
            topic=techniques,
            level="advanced",
            ce_hours=Decimal("3.00"),
            min_study_minutes=150,
            price_amount=5900,
            delivery=DeliveryType.WEBINAR,
        ),
        "shoulder": CoursePageFactory(
            parent=catalogue,
            title="Anatomy of the Shoulder Girdle",
            summary="Rotator cuff, scapular stabilizers and endangerment sites.",
            topic=techniques,
            level="introductory",
            ce_hours=Decimal("2.00"),
            min_study_minutes=100,
            price_amount=0,
        ),
    }


def test_the_catalogue_lists_every_live_course_alphabetically(client, catalogue, courses):
    draft = CoursePageFactory(parent=catalogue, title="A Draft Course Nobody Should See", live=False)

    response = client.get(catalogue.url)

    assert response.status_code == 200
    assert listed_titles(response) == [
        "Anatomy of the Shoulder Girdle",
        "Fibromyalgia and Massage Therapy",
        "Manual Lymphatic Drainage after Surgery",
    ]
    assert draft.title not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "pathology"}, ["Fibromyalgia and Massage Therapy"]),
        ({"level": "advanced"}, ["Manual Lymphatic Drainage after Surgery"]),
        ({"delivery": "webinar"}, ["Manual Lymphatic Drainage after Surgery"]),
        ({"hours_min": "2"}, ["Anatomy of the Shoulder Girdle", "Manual Lymphatic Drainage after Surgery"]),
        ({"hours_max": "2.00"}, ["Anatomy of the Shoulder Girdle", "Fibromyalgia and Massage Therapy"]),
        ({"hours_min": "1.5", "hours_max": "2.5"}, ["Anatomy of the Shoulder Girdle"]),
        ({"price": "free"}, ["Anatomy of the Shoulder Girdle"]),
        ({"price": "paid"}, ["Fibromyalgia and Massage Therapy", "Manual Lymphatic Drainage after Surgery"]),
        ({"topic": "techniques", "price": "paid"}, ["Manual Lymphatic Drainage after Surgery"]),
    ],
)
def test_filters_narrow_the_catalogue(client, catalogue, courses, query, expected):
    response = client.get(catalogue.url, query)

    assert listed_titles(response) == expected
    assert f"{len(expected)} course" in response.text


def results_heading(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(soup.select_one("#results-heading").get_text().split())


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ({"topic": "pathology"}, "1 course matches your filters"),
        ({"price": "paid"}, "2 courses match your filters"),
        ({"q": "reiki crystals"}, "0 courses match your filters"),
        ({}, "3 courses"),
    ],
)
def test_the_result_count_agrees_with_the_number_of_courses(client, catalogue, courses, query, heading):
    assert results_heading(client.get(catalogue.url, query)) == heading


def test_search_finds_courses_by_their_words(client, catalogue, courses):
    assert listed_titles(client.get(catalogue.url, {"q": "lymphatic"})) == ["Manual Lymphatic Drainage after Surgery"]
    assert listed_titles(client.get(catalogue.url, {"q": "rotator cuff"})) == ["Anatomy of the Shoulder Girdle"]


def test_search_combines_with_filters(client, catalogue, courses):
    response = client.get(catalogue.url, {"q": "massage", "topic": "pathology"})

    assert listed_titles(response) == ["Fibromyalgia and Massage Therapy"]


@pytest.mark.parametrize("query", ['"rotator cuff', 'rotator cuff"', "'rotator' cuff", "ROTATOR   cuff!"])
def test_stray_quotes_and_punctuation_in_a_search_still_find_the_course(client, catalogue, courses, query):
    assert listed_titles(client.get(catalogue.url, {"q": query})) == ["Anatomy of the Shoulder Girdle"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80))
def test_no_search_text_breaks_the_catalogue(client, catalogue, courses, query):
    assert client.get(catalogue.url, {"q": query}).status_code == 200


def test_a_search_that_matches_nothing_says_so(client, catalogue, courses):
    response = client.get(catalogue.url, {"q": "reiki crystals"})

    assert listed_titles(response) == []
    assert "No course matches these filters" in response.text


@pytest.mark.parametrize(
    "junk",
    [
        {"topic": "no-such-topic"},
        {"level": "expert'; DROP TABLE courses_coursepage;--"},
        {"hours_min": "abc", "hours_max": "1e999"},
        {"hours_min": "-3"},
        {"price": "cheap"},
        {"delivery": "correspondence"},
        {"page": "9999"},
        {"page": "not-a-number"},
        {"q": ""},
        {"q": '"'},
        {"q": "live:false"},
        {"unknown": "value"},
    ],
)
def test_junk_in_the_query_string_gives_the_unfiltered_catalogue(client, catalogue, courses, junk):
    response = client.get(catalogue.url, junk)

    assert response.status_code == 200
    assert len(listed_titles(response)) == 3


def test_a_junk_filter_does_not_disable_the_valid_ones(client, catalogue, courses):
    response = client.get(catalogue.url, {"topic": "pathology", "hours_min": "lots"})

    assert listed_titles(response) == ["Fibromyalgia and Massage Therapy"]


def test_the_catalogue_pages_its_results(client, catalogue, courses):
    for number in range(12):
        CoursePageFactory(parent=catalogue, title=f"Zz Elective {number:02d}")

    first, second = client.get(catalogue.url), client.get(catalogue.url, {"page": 2})

    assert len(listed_titles(first)) == 12
    assert listed_titles(second) == ["Zz Elective 09", "Zz Elective 10", "Zz Elective 11"]
    assert "Page 2 of 2" in second.text


def test_a_card_shows_hours_format_price_and_approving_boards(client, catalogue, courses):
    CourseApprovalFactory(course=courses["fibromyalgia"], board__code="NCBTMB")

    response = client.get(catalogue.url, {"topic": "pathology"})

    card = BeautifulSoup(response.content, "html.parser").select_one(".card").get_text(" ", strip=True)
    assert "CE hours 1.00" in card
    assert "Format Home study" in card
    assert "Price $39.00" in card
    assert "Approved by NCBTMB" in card


def add_courses(catalogue, count, cover_image=None):
    for _ in range(count):
        course = CoursePageFactory(parent=catalogue, cover_image=cover_image)
        CourseApprovalFactory(course=course)
        LessonPageFactory(parent=course)


CATALOGUE_QUERIES = 15


@pytest.mark.parametrize("query", [{}, {"q": "chronic"}, {"topic": "pathology", "price": "free"}])
def test_the_catalogue_query_count_does_not_grow_with_the_courses(
    client, catalogue, courses, django_assert_max_num_queries, query
):
    cover = ImageFactory()
    add_courses(catalogue, 2, cover)
    client.get(catalogue.url)  # creates the site's settings row and the cover's rendition
    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        client.get(catalogue.url, query)
    add_courses(catalogue, 20, cover)
    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        client.get(catalogue.url, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fibro", ["Fibromyalgia and Massage Therapy"]),
        ("FIBRO", ["Fibromyalgia and Massage Therapy"]),
        ("nocipl", ["Fibromyalgia and Massage Therapy"]),
        ("lymph", ["Manual Lymphatic Drainage after Surgery"]),
        ("rotator cu", ["Anatomy of the Shoulder Girdle"]),
        ('"fibro', ["Fibromyalgia and Massage Therapy"]),
        ("fibro!", ["Fibromyalgia and Massage Therapy"]),
    ],
)
def test_search_finds_courses_by_the_start_of_a_word(client, catalogue, courses, query, expected):
    assert listed_titles(client.get(catalogue.url, {"q": query})) == expected


def test_a_partial_word_finds_a_course_by_its_description(client, catalogue, courses):
    CoursePageFactory(parent=catalogue, title="Working with Athletes", description="<p>Plantar fasciitis care.</p>")

    assert listed_titles(client.get(catalogue.url, {"q": "fasci"})) == ["Working with Athletes"]


def test_a_partial_word_search_still_respects_the_filters(client, catalogue, courses):
    assert listed_titles(client.get(catalogue.url, {"q": "fibro", "price": "free"})) == []


def offered_topics(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [option.get_text(strip=True) for option in soup.select("#id_topic option")]


def test_only_topics_with_a_live_course_are_offered(client, catalogue, courses):
    TopicFactory(name="Business and ethics", slug="ethics")
    CoursePageFactory(parent=catalogue, title="Draft Reiki", topic=TopicFactory(name="Energy work"), live=False)

    response = client.get(catalogue.url)

    assert offered_topics(response) == ["All topics", "Medical-massage techniques", "Pathology"]
    assert len(listed_titles(client.get(catalogue.url, {"topic": "ethics"}))) == 3


def filters_summary(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one(".filter-form details summary").get_text(strip=True)


@pytest.mark.parametrize(
    ("query", "summary"),
    [
        ({}, "Filters"),
        ({"q": "fibro"}, "Filters"),
        ({"topic": "pathology", "price": "paid", "q": "fibro"}, "Filters (2 active)"),
        ({"topic": "pathology", "price": "cheap"}, "Filters (1 active)"),
    ],
)
def test_the_folded_filters_say_how_many_are_active(client, catalogue, courses, query, summary):
    response = client.get(catalogue.url, query)

    assert filters_summary(response) == summary
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".filter-form > .field #id_q") is not None  # the search box never folds away
    assert soup.select_one(".filter-form details #id_topic") is not None
