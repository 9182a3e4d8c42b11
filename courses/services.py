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

# Instructors draft and submit; only reviewers publish.
_PAGE_PERMISSIONS = {
    INSTRUCTORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
_MEDIA_PERMISSIONS = {
    INSTRUCTORS: ["add_image", "choose_image", "add_document", "choose_document"],
    REVIEWERS: ["add_image", "choose_image", "change_image", "add_document", "choose_document", "change_document"],
}


@transaction.atomic
def authoring_roles_setup(*, catalogue) -> Workflow:
    """Gives the Instructors and Reviewers groups their rights over the catalogue, and routes
    every course and lesson under it through the reviewers' approval before it goes live.

    Safe to run again: it adds what is missing and changes nothing else.
    """
    root_collection = Collection.get_first_root_node()
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    groups = {}
    for name, codenames in _PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=catalogue,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
        for codename in _MEDIA_PERMISSIONS[name]:
            app_label = "wagtailimages" if codename.endswith("_image") else "wagtaildocs"
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
            )
        groups[name] = group

    task, _ = GroupApprovalTask.objects.get_or_create(name="Reviewer approval")
    task.groups.add(groups[REVIEWERS])
    workflow, _ = Workflow.objects.get_or_create(name=COURSE_REVIEW_WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow
