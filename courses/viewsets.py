from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Instructor, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]


class InstructorViewSet(SnippetViewSet):
    model = Instructor
    icon = "user"
    list_display = ["name", "credentials"]


class CourseCatalogueSnippets(SnippetViewSetGroup):
    items = (TopicViewSet, InstructorViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = "Catalog"
    menu_order = 200
