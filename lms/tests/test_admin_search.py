"""The editor's searches read a stray double quote as a space instead of failing on SQLite's query syntax."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from modelsearch.query import MATCH_ALL, And, Phrase, PlainText
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.search.backends import get_search_backend

from accounts.tests.factories import UserFactory
from courses.models import CoursePage
from courses.tests.factories import CoursePageFactory, TopicFactory
from lms.search import without_double_quotes


@pytest.fixture
def editor_client(client, catalogue):
    get_image_model().objects.create(title="Shoulder girdle", file=get_test_image_file())
    get_document_model().objects.create(title="Shoulder handout", file=ContentFile(b"Rotator cuff", name="cuff.txt"))
    CoursePageFactory(parent=catalogue, title="Shoulder pain and the rotator cuff")
    TopicFactory(name="Shoulder")
    client.force_login(UserFactory(is_superuser=True))
    client.raise_request_exception = False
    return client


SEARCHES = [
    "/admin/images/",
    "/admin/documents/",
    "/admin/pages/search/",
    "/admin/choose-page/search/",
    "/admin/images/chooser/results/",
    "/admin/documents/chooser/results/",
    "/admin/snippets/courses/topic/",
    "/admin/pages/usage/courses/coursepage/",
]


@pytest.mark.parametrize("url", SEARCHES)
@pytest.mark.parametrize("query", ['"', 'should"', '"shoulder', 'shoulder "girdle'])
def test_a_search_with_a_stray_double_quote_answers_with_results(editor_client, url, query):
    response = editor_client.get(url, {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/admin/images/", "/admin/documents/"])
def test_a_search_ignores_the_stray_quote_and_still_finds_by_the_words(editor_client, url):
    response = editor_client.get(url, {"q": 'shoulder"'})

    assert "Shoulder" in BeautifulSoup(response.content, "html.parser").get_text()
    assert "Sorry" not in response.text  # Wagtail's "no results" wording


def test_the_search_backend_finds_pages_whatever_quotes_the_words_carry(editor_client):
    backend = get_search_backend()

    for found in [backend.search('rotator cuff"', CoursePage), backend.autocomplete('"rotator" cuf"', CoursePage)]:
        assert [page.title for page in found] == ["Shoulder pain and the rotator cuff"]


def test_quotes_become_spaces_and_a_query_of_quotes_alone_matches_everything():
    assert without_double_quotes(PlainText('"')) is MATCH_ALL
    query = without_double_quotes(And([PlainText('a"b', operator="or"), Phrase('"c d"')]))
    assert [sub.query_string for sub in query.subqueries] == ["a b", " c d "]
    assert query.subqueries[0].operator == "or"
