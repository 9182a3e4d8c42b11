"""Posting to the Wagtail page editor the way a browser does."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html


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
