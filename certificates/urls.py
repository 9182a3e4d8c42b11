from django.urls import path

from . import public_views, views

app_name = "certificates"

urlpatterns = [
    # The steps that may finish a course (their pages are the courses' and quizzes').
    path("learn/lessons/<id:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("learn/courses/<id:course_id>/evaluation/", views.evaluate, name="evaluate"),
    path("learn/attempts/<id:attempt_id>/submit/", views.submit_attempt, name="submit_attempt"),
    path("learn/certificates/", views.mine, name="mine"),
    path("learn/certificates/claim/<id:course_id>/", views.claim, name="claim"),
    path("learn/certificates/<str:code>.pdf", views.pdf, name="pdf"),
    path(".well-known/did.json", public_views.did_json, name="did_json"),
    path("certificates/<str:code>/credential.json", public_views.credential_json, name="credential"),
    path("credentials/status/<id:number>", public_views.status_list, name="status_list"),
    path("verify/", public_views.verify_form, name="verify_form"),
    path("verify/<str:code>/", public_views.verify_page, name="verify"),
    path("api/v1/certificates/verify/", public_views.api_bulk_verify, name="api_bulk_verify"),
    path("api/v1/certificates/<str:code>/", public_views.api_certificate, name="api_certificate"),
]
