from wagtail.snippets.models import register_snippet

from .viewsets import CourseCatalogueSnippets

register_snippet(CourseCatalogueSnippets)
