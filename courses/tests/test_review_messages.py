"""The reviewer's actions from "Awaiting your review" say what became of the course."""

import json

from django.contrib.messages import get_messages
from django.urls import reverse

from courses.models import CoursePage

from .editor import NO_OBJECTIVES, edit_page_url, editor_form_data
from .test_workflow import course, submit  # noqa: F401 (the fixture)


def act(client, reviewer, course, state, action, **headers):  # noqa: F811
    """The dashboard's action: posted with the dashboard as `next`, as Wagtail's workflow-action.js does."""
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, action, state.current_task_state.pk])
    return client.post(url, {"comment": "", "next": reverse("wagtailadmin_home")}, **headers)


def test_approving_from_the_dashboard_says_the_course_is_approved_and_published(client, course, roles):  # noqa: F811
    state = submit(client, roles["instructor"], course)

    response = act(client, roles["reviewer"], course, state, "approve")

    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    dashboard = client.get(response.url).content.decode()
    assert "“Scar Tissue Mobilization” approved and published, with its lessons and quizzes." in dashboard
    assert CoursePage.objects.get(pk=course.pk).live


def test_approving_in_the_comment_modal_shows_the_message_on_the_dashboard_it_returns_to(client, course, roles):  # noqa: F811
    state = submit(client, roles["instructor"], course)

    response = act(client, roles["reviewer"], course, state, "approve", HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert response.json()["step"] == "success"
    dashboard = client.get(response.json()["redirect"]).content.decode()
    assert "“Scar Tissue Mobilization” approved and published" in dashboard


def test_requesting_changes_from_the_dashboard_names_the_course(client, course, roles):  # noqa: F811
    state = submit(client, roles["instructor"], course)

    response = act(client, roles["reviewer"], course, state, "reject")

    shown = [str(message).strip() for message in get_messages(response.wsgi_request)]
    assert "Changes requested on “Scar Tissue Mobilization”." in shown
    assert not CoursePage.objects.get(pk=course.pk).live


def test_requesting_changes_in_the_editor_names_the_course(client, course, roles):  # noqa: F811
    submit(client, roles["instructor"], course)
    client.force_login(roles["reviewer"])
    url = edit_page_url(course)
    data = editor_form_data(
        client,
        url,
        streams=NO_OBJECTIVES,
        **{
            "action-workflow-action": "true",
            "workflow-action-name": "reject",
            "workflow-action-extra-data": json.dumps({"comment": "Add a third lesson."}),
        },
    )

    response = client.post(url, data, follow=True)

    assert "Changes requested on “Scar Tissue Mobilization”." in response.content.decode()
