from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .models import CoursePage, Enrollment, LessonPost
from .reports import EvaluationReportMenuItem, EvaluationReportView
from .viewsets import CourseCatalogueSnippets

register_snippet(CourseCatalogueSnippets)


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


@hooks.register("before_delete_page")
def keep_courses_with_enrolments(request, page):
    """Enrolments are records kept for years: a course someone enrolled in is unpublished, not deleted."""
    if Enrollment.objects.filter(course__in=CoursePage.objects.descendant_of(page, inclusive=True)).exists():
        messages.error(
            request,
            f"“{page.title}” has enrolments, which must be kept as records: unpublish the course instead.",
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_delete_user")
def keep_users_with_course_records(request, user):
    """A practitioner's enrolments and posts are kept as records: deactivate the account instead."""
    if Enrollment.objects.filter(user=user).exists() or LessonPost.objects.filter(author=user).exists():
        messages.error(request, f"{user} has course records, which must be kept: deactivate the account instead.")
        return redirect("wagtailusers_users:edit", user.pk)
    return None
