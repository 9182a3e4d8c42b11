from django.urls import path

from .. import views

urlpatterns = [
    path("record/", views.record, name="record"),
    path("record/report/", views.report, name="report"),
    path("record/entries/<id:entry_id>/", views.entry, name="entry"),
    path("record/entries/<id:entry_id>/correct/", views.correct, name="correct"),
    path("record/entries/<id:entry_id>/proof", views.proof, name="proof"),
]
