from django.urls import path

from . import media_views, views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<id:course_id>/enroll/", views.enroll, name="enroll"),
    path("lessons/<id:lesson_id>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("lessons/<id:lesson_id>/questions/", views.ask_question, name="ask_question"),
    path("posts/<id:post_id>/answer/", views.answer_question, name="answer_question"),
    path("posts/<id:post_id>/hide/", views.hide_post, name="hide_post"),
    path("images/<id:image_id>/<str:filter_spec>/", media_views.lesson_image, name="lesson_image"),
]
