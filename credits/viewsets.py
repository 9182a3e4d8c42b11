from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Board, CreditCategory


class BoardViewSet(SnippetViewSet):
    model = Board
    icon = "group"
    menu_label = "Boards"
    list_display = ["name", "code", "jurisdiction"]
    add_to_admin_menu = True
    menu_order = 300


class CreditCategoryViewSet(SnippetViewSet):
    model = CreditCategory
    icon = "tag"
    list_display = ["name", "slug"]
