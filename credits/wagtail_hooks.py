from wagtail.snippets.models import register_snippet

from .viewsets import BoardViewSet, CreditCategoryViewSet

register_snippet(BoardViewSet)
register_snippet(CreditCategoryViewSet)
