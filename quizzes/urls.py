from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<id:quiz_id>/start/", views.start, name="start"),
    path("attempts/<id:attempt_id>/", views.attempt, name="attempt"),
    path("attempts/<id:attempt_id>/save/", views.save, name="save"),
    path("attempts/<id:attempt_id>/images/<str:question_key>/", views.question_image, name="question_image"),
]
