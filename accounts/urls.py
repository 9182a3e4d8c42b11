from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/time-zone/", views.time_zone_update, name="time_zone"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("profile/email-confirmation/send/", views.email_confirmation_resend, name="email_confirmation_resend"),
    path("profile/licenses/add/", views.licence_add, name="licence_add"),
    path("profile/licenses/<id:licence_id>/", views.licence_edit, name="licence_edit"),
    path("profile/licenses/<id:licence_id>/delete/", views.licence_delete, name="licence_delete"),
]
