from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.documents.views.serve import serve as serve_document
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from lms.records import kept_records, refusal

from . import media, review
from .models import CoursePage
from .publishing import CoursePublishRefused, course_pages_publish, course_publish_check
from .reports import EvaluationReportMenuItem, EvaluationReportView
from .viewsets import AuthoringPageViewSet, CourseCatalogueSnippets, CoursePageViewSet

register_snippet(CourseCatalogueSnippets)


# After Wagtail's own viewset for every page (order -1), so that these take its place in the registry.
@hooks.register("register_admin_viewset")
def register_page_viewsets():
    return [AuthoringPageViewSet(), CoursePageViewSet()]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/course-evaluations/", EvaluationReportView.as_view(), name="course_evaluations"),
        path(
            "reports/course-evaluations/results/",
            EvaluationReportView.as_view(results_only=True),
            name="course_evaluations_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_evaluation_report_menu_item():
    return EvaluationReportMenuItem(
        "Course evaluations", reverse("course_evaluations"), name="course-evaluations", icon_name="form", order=900
    )


# One rule for every deletion in the admin, read from the foreign keys (see lms.records), so that it also
# covers quizzes with attempts without this app importing quizzes, and any ancestor of a page with records.
@hooks.register("before_delete_page")
def keep_pages_with_records(request, page):
    """Enrollments, progress, posts and attempts are kept for years: such a page is unpublished, not deleted."""
    if kinds := kept_records([page]):
        messages.error(request, _page_refusal(page, kinds))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_delete_user")
def keep_users_with_records(request, user):
    """Someone's enrollments (with their attempts and certificates) and posts are kept: the account is deactivated."""
    if kinds := kept_records([user]):
        messages.error(request, _user_refusal(user, kinds))
        return redirect("wagtailusers_users:edit", user.pk)
    return None


@hooks.register("before_delete_snippet")
def keep_snippets_with_records(request, instances):
    """A board a practitioner's license names, say, stays."""
    refusals = [_refusal(obj, kinds) for obj in instances if (kinds := kept_records([obj]))]
    for message in refusals:
        messages.error(request, message)
    if not refusals:
        return None
    return redirect(AdminURLFinder(request.user).get_edit_url(instances[0]) or reverse("wagtailadmin_home"))


@hooks.register("before_bulk_action")
def keep_records_in_bulk_deletion(request, action_type, objects, action_class_instance):
    """The listings' bulk delete, of pages, users or snippets, keeps records as the single delete does:
    if any selected item has them, nothing is deleted."""
    if action_type != "delete":
        return None
    refusals = [_refusal(obj, kinds) for obj in objects if (kinds := kept_records([obj]))]
    for message in refusals:
        messages.error(request, message)
    if not refusals:
        return None
    # Without a listing to return to, Wagtail's next_url is the action's own address less the selection.
    back = action_class_instance.next_url
    return redirect(request.get_full_path() if back == request.path else back)


def _refusal(obj, kinds):
    if isinstance(obj, Page):
        return _page_refusal(obj, kinds)
    if isinstance(obj, get_user_model()):
        return _user_refusal(obj, kinds)
    return refusal(name=str(obj), kinds=kinds)


def _page_refusal(page, kinds):
    holder = "it or a page under it has" if page.numchild else "it has"
    return refusal(name=page.title, kinds=kinds, holder=holder, instead="Unpublish it instead.")


def _user_refusal(user, kinds):
    return refusal(name=str(user), kinds=kinds, holder="the account has", instead="Deactivate the account instead.")


@hooks.register("register_log_actions")
def register_enrollment_log_actions(actions):
    actions.register_action("courses.enroll", "Enroll", "Enrolled in a course")
    actions.register_action("courses.complete", "Complete course", "Completed a course")
    actions.register_action("courses.access_end", "End access", "Access to a course ended (its payment was refunded)")


@hooks.register("before_serve_document")
def keep_lesson_documents_to_their_readers(document, request):
    """A locked lesson's handout downloads for its readers only (see courses.media), marked private
    so that no shared cache keeps it; anyone else gets a 403 and no content."""
    if getattr(request, "lesson_document_access", None) is not None:
        return None  # the serve view called again below, the check passed
    request.lesson_document_access = media.media_access(user=request.user, item=document)
    if request.lesson_document_access is media.MediaAccess.DENIED:
        raise PermissionDenied("This document belongs to a course lesson: enroll in the course to download it.")
    if request.lesson_document_access is media.MediaAccess.PUBLIC:
        return None
    # Wagtail's serve view has no hook after the response: serve through it here to mark it private.
    response = serve_document(request, document.pk, document.filename)
    patch_cache_control(response, private=True)
    return response


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def keep_locked_page_media_private(request, page):
    """Whatever an editor saves (a draft, a publish, a submission for review), the images and documents
    of a locked lesson or a quiz as just saved go to the private collection under random names."""
    media.page_media_make_private(page=page.get_latest_revision_as_object())


# The editor's Publish calls Wagtail's publish action itself, not CoursePage.publish: the same refusal
# and the same publishing of the course's lessons and quizzes are run around it (see courses.publishing).
@hooks.register("before_publish_page")
def refuse_publishing_a_course_a_board_would_reject(request, page):
    if not isinstance(page, CoursePage):
        return None
    try:
        course_publish_check(course=page)
    except CoursePublishRefused as refusal:
        messages.error(request, review.refusal_message(refusal))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("after_publish_page")
def publish_a_course_with_its_lessons_and_quizzes(request, page):
    if not (isinstance(page, CoursePage) and page.live):
        return
    if published := course_pages_publish(course=page, user=request.user):
        messages.success(request, review.published_with_course_message(published))


@hooks.register("before_create_page")
def keep_course_parts_out_of_review_on_their_own(request, parent_page, page_class):
    """A lesson or quiz goes to review with its course; the editor offers no submission of its own."""
    if request.method == "POST" and request.POST.get("action-submit") and review.is_course(parent_page):
        messages.error(request, review.SUBMIT_THE_COURSE)
        return redirect(request.get_full_path())
    return None


@hooks.register("construct_page_action_menu")
def review_a_course_as_one_piece(menu_items, request, context):
    review.course_action_menu(menu_items, request, context)


@hooks.register("construct_homepage_panels")
def course_dashboard_panels(request, panels):
    review.dashboard_panels(request, panels)
