from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Board, CreditCategory, RenewalRule


class BoardViewSet(SnippetViewSet):
    model = Board
    icon = "group"
    menu_label = "Boards"
    list_display = ["name", "code", "jurisdiction"]


class RenewalRuleViewSet(SnippetViewSet):
    """A rule change is a new rule with the day it takes effect: the old one stays, for past cycles."""

    model = RenewalRule
    icon = "list-ul"
    menu_label = "Renewal rules"
    list_display = ["board", "effective_from", "total_hours", "cycle_months", "source_checked_on", "is_example"]
    list_filter = ["board", "is_example"]
    ordering = ["board__name", "-effective_from"]


class CreditCategoryViewSet(SnippetViewSet):
    model = CreditCategory
    icon = "tag"
    list_display = ["name", "slug"]


class BoardsViewSetGroup(SnippetViewSetGroup):
    items = (BoardViewSet, RenewalRuleViewSet, CreditCategoryViewSet)
    menu_icon = "group"
    menu_label = "Boards"
    menu_order = 300
