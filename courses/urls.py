from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enrol/", views.enroll, name="enroll"),
    path("courses/<int:course_id>/evaluation/", views.evaluate, name="evaluate"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("lessons/<int:lesson_id>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("lessons/<int:lesson_id>/questions/", views.ask_question, name="ask_question"),
    path("posts/<int:post_id>/answer/", views.answer_question, name="answer_question"),
    path("posts/<int:post_id>/hide/", views.hide_post, name="hide_post"),
]
