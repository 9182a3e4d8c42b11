from django.urls import path

from .. import transcript_views as views

urlpatterns = [
    path("transcript/", views.transcript_full, name="transcript_full"),
    path("transcript.csv", views.transcript_full_csv, name="transcript_full_csv"),
    path("transcript.pdf", views.transcript_full_pdf, name="transcript_full_pdf"),
    path("transcript/<id:licence_id>/", views.transcript, name="transcript"),
    path("transcript/<id:licence_id>.csv", views.transcript_csv, name="transcript_csv"),
    path("transcript/<id:licence_id>.pdf", views.transcript_pdf, name="transcript_pdf"),
]
