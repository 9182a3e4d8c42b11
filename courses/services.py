"""Operations on courses that span several models, each in one transaction."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

INSTRUCTORS = "Instructors"
REVIEWERS = "Reviewers"
COURSE_REVIEW_WORKFLOW = "Course review"

# Instructors draft and submit; only reviewers publish, and they keep the catalogue's reference data.
_PAGE_PERMISSIONS = {
    INSTRUCTORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
_MEDIA_PERMISSIONS = {
    INSTRUCTORS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    REVIEWERS: [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtailimages.change_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
        "wagtaildocs.change_document",
    ],
}
_MODEL_PERMISSIONS = {
    INSTRUCTORS: ["wagtailadmin.access_admin"],
    REVIEWERS: [
        "wagtailadmin.access_admin",
        "courses.add_topic",
        "courses.change_topic",
        "courses.add_instructor",
        "courses.change_instructor",
        "credits.add_board",
        "credits.change_board",
        "credits.add_creditcategory",
        "credits.change_creditcategory",
    ],
}


@transaction.atomic
def authoring_roles_setup(*, catalogue) -> Workflow:
    """Gives the Instructors and Reviewers groups their rights over the catalogue, and routes
    every course and lesson under it through the reviewers' approval before it goes live.

    Safe to run again: it adds what is missing and changes nothing else.
    """
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name in (INSTRUCTORS, REVIEWERS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(_MODEL_PERMISSIONS[name]))
        for permission in _permissions(f"wagtailcore.{codename}" for codename in _PAGE_PERMISSIONS[name]):
            GroupPagePermission.objects.get_or_create(group=group, page=catalogue, permission=permission)
        for permission in _permissions(_MEDIA_PERMISSIONS[name]):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        groups[name] = group

    task, _ = GroupApprovalTask.objects.get_or_create(name="Reviewer approval")
    task.groups.add(groups[REVIEWERS])
    workflow, _ = Workflow.objects.get_or_create(name=COURSE_REVIEW_WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


def _permissions(labels) -> list[Permission]:
    """Permissions named "app_label.codename", failing loudly if one does not exist."""
    permissions = []
    for label in labels:
        app_label, codename = label.split(".")
        permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return permissions
