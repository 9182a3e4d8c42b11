from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/licences/add/", views.licence_add, name="licence_add"),
    path("profile/licences/<id:licence_id>/", views.licence_edit, name="licence_edit"),
    path("profile/licences/<id:licence_id>/delete/", views.licence_delete, name="licence_delete"),
]
