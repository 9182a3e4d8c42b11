from django.db import transaction
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CoursePage, Instructor, Topic
from .review import CourseEditView, CourseWorkflowActionView


class AtomicPageCreateView(CreateView):
    """Wagtail's create view writes the page row, its privacy, its first revision and the editor's
    subscription one after another with no transaction: a failure halfway (SQLite's "database is locked"
    under autosave) left an empty page whose slug every later save then clashed with. Here it is all
    or nothing."""

    @transaction.atomic
    def post(self, request):
        return super().post(request)


class AuthoringPageViewSet(PageViewSet):
    """Every page type's admin views, with page creation made atomic."""

    model = Page
    add_view_class = AtomicPageCreateView


class CoursePageViewSet(AuthoringPageViewSet):
    """A course's admin views: creation atomic too, and a reviewer's workflow action that says what became
    of the course."""

    model = CoursePage
    edit_view_class = CourseEditView
    workflow_action_view_class = CourseWorkflowActionView
    parent_models = ()  # the catalog's explorer listing stays Wagtail's own


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
