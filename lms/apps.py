from django.apps import AppConfig
from django.urls import register_converter

from .converters import DatabaseIdConverter


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Site"

    def ready(self):
        # Here rather than in lms/urls.py: Wagtail builds the admin's URLs from the apps' hooks while
        # lms/urls.py is still importing, and those may use `<id:...>` too.
        register_converter(DatabaseIdConverter, "id")

        from . import checks  # noqa: F401 (registers the deployment check of the CDN's purging)
        from .pagecache import invalidate_on_changes

        invalidate_on_changes()
