from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .pagecache import kept_while_published


def navigation(request):
    """The address of the catalog of the site being served, for the header; looked up only if a template
    uses it, and then kept until a page is published, moved or withdrawn (every page's header shows it)."""

    def catalogue_url() -> str:
        from courses.models import CourseIndexPage

        site = Site.find_for_request(request)
        if site is None:
            return ""

        def look_up() -> str:
            catalogue = CourseIndexPage.objects.live().descendant_of(site.root_page).first()
            return catalogue.get_url(request) if catalogue else ""

        return kept_while_published(f"catalog-url:{site.pk}", look_up)

    return {"site_catalogue_url": SimpleLazyObject(catalogue_url)}
