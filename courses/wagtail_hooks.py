from django.urls import path, reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet

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
