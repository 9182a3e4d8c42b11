from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


def navigation(request):
    """The catalogue of the site being served, for the header; looked up only if a template uses it."""

    def catalogue():
        from courses.models import CourseIndexPage

        site = Site.find_for_request(request)
        return site and CourseIndexPage.objects.live().descendant_of(site.root_page).first()

    return {"site_catalogue": SimpleLazyObject(catalogue)}
