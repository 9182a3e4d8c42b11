from django.urls import path

from .. import audit_views

urlpatterns = [
    path("audit/", audit_views.audit_form, name="audit"),
    path("audit/licenses/", audit_views.audit_record, name="audit_record"),
    path("api/v1/audit/licenses/<str:number>/", audit_views.api_licence_record, name="api_audit_licence"),
]
