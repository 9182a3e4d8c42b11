"""Posting to the Wagtail page editor the way a browser does."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from courses.models import CoursePage

from .factories import TopicFactory

NO_OBJECTIVES = {"learning_objectives": streamfield([])}


def editor_form_data(client, url, *, streams=None, **fields):
    """The editor form's own fields as the page at `url` renders them, changed by `fields`.

    StreamFields are built by the editor's JavaScript, so their data comes from `streams`.
    """
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for key, value in {**nested_form_data(streams or {}), **fields}.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def add_page_url(model, parent) -> str:
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def edit_page_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def new_course_form(client, catalogue, **fields):
    """The editor's form for a new course under the catalogue, filled in as an instructor would."""
    topic = TopicFactory(name="Pathology", slug="pathology")
    defaults = {
        "title": "Fibromyalgia and Massage Therapy",
        "slug": "fibromyalgia-and-massage",
        "summary": "Nociplastic pain and adapting pressure.",
        "description": rich_text("<p>Current criteria and evidence.</p>"),
        "topic": str(topic.pk),
        "ce_hours": "1.00",
        "min_study_minutes": "60",
        "price_amount": "39.00",
    }
    return editor_form_data(
        client,
        add_page_url(CoursePage, catalogue),
        streams={"learning_objectives": streamfield([("objective", "Screen a client for red flags")])},
        **{**defaults, **fields},
    )
