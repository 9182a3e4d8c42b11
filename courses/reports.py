"""Reports for reviewers in the Wagtail admin."""

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from lms.exports import GuardedSpreadsheetExportMixin

from .models import CourseEvaluation
from .models.learning import EVALUATION_HEADINGS
from .selectors import evaluation_results

evaluation_permissions = ModelPermissionPolicy(CourseEvaluation)


class EvaluationReportView(GuardedSpreadsheetExportMixin, ReportView):
    """Per course: how many practitioners evaluated it, and how favorably (FSMTB counts 4 or 5 of 5).

    Its CSV and XLSX downloads keep a course title that looks like a formula as text.
    """

    page_title = "Course evaluations"
    header_icon = "form"
    index_url_name = "course_evaluations"
    index_results_url_name = "course_evaluations_results"
    permission_policy = evaluation_permissions
    permission_required = "view"
    columns = [
        Column("title", label="Course"),
        Column("responses", label="Evaluations"),
        Column("favourable_share", label="Favorable answers"),
        *[Column(f"mean_{name}", label=heading) for name, heading in EVALUATION_HEADINGS.items()],
    ]
    list_export = ["title", "responses", "favourable_share", *[f"mean_{name}" for name in CourseEvaluation.STATEMENTS]]
    export_headings = {
        "title": "Course",
        "responses": "Evaluations",
        "favourable_share": "Favorable answers",
        **{f"mean_{name}": statement for name, statement in CourseEvaluation.STATEMENTS.items()},
    }

    def get_queryset(self):
        return evaluation_results()

    def decorate_paginated_queryset(self, object_list):
        for course in object_list:
            course.favourable_share = f"{course.favourable_share:.0f}%"
            for name in CourseEvaluation.STATEMENTS:
                setattr(course, f"mean_{name}", f"{getattr(course, f'mean_{name}'):.1f} of 5")
        return object_list


class EvaluationReportMenuItem(MenuItem):
    def is_shown(self, request):
        return evaluation_permissions.user_has_permission(request.user, "view")
