"""Creating a page in the admin is all or nothing: a failure after the page row is written leaves no
half-created page, whose slug every later save would clash with; a real clash is shown at the slug field."""

import pytest
from bs4 import BeautifulSoup
from wagtail import hooks
from wagtail.test.utils.form_data import rich_text, streamfield

from courses.models import CoursePage, LessonPage

from .editor import add_page_url, editor_form_data, new_course_form


class LaterStepFailed(Exception):
    """Stands for whatever fails after the page row is written (SQLite's "database is locked", say)."""


def fail_after_the_page_is_written(request, page):
    assert page.pk and page.get_latest_revision() is not None  # the row and its revision are written
    raise LaterStepFailed


@pytest.mark.parametrize("headers", [{}, {"HTTP_ACCEPT": "application/json"}], ids=["save", "autosave"])
def test_a_course_whose_creation_fails_halfway_leaves_no_page_and_saves_next_time(client, catalogue, roles, headers):
    client.force_login(roles["instructor"])
    data = new_course_form(client, catalogue)
    url = add_page_url(CoursePage, catalogue)

    with (
        hooks.register_temporarily("after_create_page", fail_after_the_page_is_written),
        pytest.raises(LaterStepFailed),
    ):
        client.post(url, data, **headers)

    assert not CoursePage.objects.filter(slug="fibromyalgia-and-massage").exists()
    response = client.post(url, data, **headers)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    assert "already in use" not in response.content.decode()
    assert CoursePage.objects.filter(slug="fibromyalgia-and-massage").count() == 1


def test_a_lesson_whose_creation_fails_halfway_leaves_no_page(client, catalogue, roles):
    client.force_login(roles["instructor"])
    course = CoursePage.objects.get(pk=_drafted_course(client, catalogue).pk)
    url = add_page_url(LessonPage, course)
    body = {"body": streamfield([("paragraph", rich_text("<p>Where the lymph drains.</p>"))])}
    data = editor_form_data(client, url, streams=body, title="Lymph nodes", slug="lymph-nodes")

    with (
        hooks.register_temporarily("after_create_page", fail_after_the_page_is_written),
        pytest.raises(LaterStepFailed),
    ):
        client.post(url, data)

    assert not LessonPage.objects.filter(slug="lymph-nodes").exists()
    assert course.get_children().count() == 0


def test_a_slug_already_in_use_is_shown_at_the_slug_field(client, catalogue, roles):
    client.force_login(roles["instructor"])
    _drafted_course(client, catalogue)

    response = client.post(add_page_url(CoursePage, catalogue), new_course_form(client, catalogue))

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    slug_field = page.select_one("#id_slug").find_parent(attrs={"data-field": True})
    assert "is already in use" in slug_field.get_text(" ", strip=True)
    promote_tab = page.select_one('[role="tab"][href="#tab-promote"]')
    assert promote_tab is not None and promote_tab.select_one("[data-w-count-target], .w-tabs__errors")
    assert CoursePage.objects.filter(slug="fibromyalgia-and-massage").count() == 1


def _drafted_course(client, catalogue):
    response = client.post(add_page_url(CoursePage, catalogue), new_course_form(client, catalogue))
    assert response.status_code == 302, response.content.decode()[:500]
    return CoursePage.objects.get(slug="fibromyalgia-and-massage")
