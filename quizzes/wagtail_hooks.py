from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import admin_views
from .models import QuizPage


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [
        path("quizzes/<int:quiz_id>/import-gift/", admin_views.gift_import, name="quizzes_gift_import"),
        path("quizzes/<int:quiz_id>/gift/", admin_views.gift_export, name="quizzes_gift_export"),
        path("quizzes/<int:quiz_id>/analysis/", admin_views.analysis, name="quizzes_analysis"),
    ]


@hooks.register("register_page_header_buttons")
def quiz_header_buttons(page, user, view_name, next_url=None):
    if not isinstance(page.specific_deferred, QuizPage) or not page.permissions_for_user(user).can_edit():
        return
    yield Button("Analysis", reverse("quizzes_analysis", args=[page.pk]), icon_name="table", priority=80)
    yield Button("Import GIFT", reverse("quizzes_gift_import", args=[page.pk]), icon_name="upload", priority=81)
    yield Button("Export GIFT", reverse("quizzes_gift_export", args=[page.pk]), icon_name="download", priority=82)


@hooks.register("register_log_actions")
def register_quiz_log_actions(actions):
    actions.register_action("quizzes.essay_grade", "Grade written answers", "Written answers graded")
