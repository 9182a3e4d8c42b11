from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_grading, admin_views  # noqa: F401 (admin_grading registers its own hooks)
from .services import REVOKE_PERMISSION


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("<int:certificate_id>/revoke/", admin_views.revoke, name="revoke"),
        path("<int:certificate_id>/reissue/", admin_views.reissue, name="reissue"),
    ]
    return [path("certificates/", include((urls, "certificates_admin")))]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REVOKE_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return CertificatesMenuItem("Certificates", reverse("certificates_admin:index"), icon_name="doc-full", order=350)


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action("certificates.issue", "Issue certificate", "Certificate issued")
    actions.register_action("certificates.revoke", "Revoke certificate", "Certificate revoked")
    actions.register_action("certificates.reissue", "Reissue certificate", "Certificate reissued")
