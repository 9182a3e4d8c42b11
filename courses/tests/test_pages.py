"""The page tree's rules, and that every page type routes, renders, edits and previews."""

from django.urls import reverse
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.tests.factories import UserFactory
from courses.models import CourseIndexPage, CoursePage, LessonPage
from credits.tests.factories import BoardFactory
from lms.models import HomePage
from lms.tests.factories import HomePageFactory
from quizzes.models import QuizPage

from .editor import add_page_url, edit_page_url, editor_form_data
from .factories import (
    CourseApprovalFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    TopicFactory,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_the_catalogue_lives_under_the_home_page_only(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})

    def test_courses_live_in_the_catalogue_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)

    def test_lessons_and_quizzes_live_under_a_course_and_have_no_children(self):
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedParentPageTypes(QuizPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, QuizPage})
        self.assertAllowedSubpageTypes(QuizPage, set())
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)

    def test_a_home_page_has_one_catalogue(self):
        home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
        CourseIndexPageFactory(parent=home)
        self.assertFalse(CourseIndexPage.can_create_at(home))


class SiteWithACourse(WagtailPageTestCase):
    """A site whose catalogue holds one approved course with one lesson, and an editor."""

    @classmethod
    def setUpTestData(cls):
        cls.home = HomePageFactory(parent=Page.get_first_root_node(), slug="home-page")
        Site.objects.update(root_page=cls.home)
        cls.catalogue = CourseIndexPageFactory(parent=cls.home)
        cls.course = CoursePageFactory(parent=cls.catalogue)
        CourseApprovalFactory(course=cls.course)
        cls.lesson = LessonPageFactory(parent=cls.course)
        cls.editor = UserFactory(email="editor@example.com", is_superuser=True)


class PageTypesWorkEndToEndTests(SiteWithACourse):
    def test_every_page_type_is_routable_and_renderable(self):
        for page in [self.home, self.catalogue, self.course, self.lesson]:
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page, user=self.editor)

    def edit_form_data(self, page, streams=None):
        self.client.force_login(self.editor)
        return editor_form_data(self.client, edit_page_url(page), streams=streams)

    def lesson_stream(self):
        return {
            "body": streamfield(
                [
                    ("heading", "Screening before treatment"),
                    ("paragraph", rich_text("<p>Ask about red flags before every first session.</p>")),
                    (
                        "callout",
                        {"kind": "contraindication", "title": "", "text": rich_text("<p>Fever with back pain.</p>")},
                    ),
                ]
            )
        }

    def test_every_page_type_is_editable_and_previewable(self):
        course_streams = {"learning_objectives": streamfield([("objective", "Screen for red flags")])}
        cases = [
            (self.home, {}),
            (self.catalogue, {}),
            (self.course, course_streams),
            (self.lesson, self.lesson_stream()),
        ]
        for page, streams in cases:
            with self.subTest(page=type(page).__name__):
                data = self.edit_form_data(page, streams)
                self.assertPageIsEditable(page, post_data=data, user=self.editor)
                self.assertPageIsPreviewable(page, post_data=data, user=self.editor)

    def test_publishing_an_edited_lesson_updates_its_reading_time(self):
        data = self.edit_form_data(self.lesson, self.lesson_stream())
        data["action-publish"] = "action-publish"
        response = self.client.post(edit_page_url(self.lesson), data)

        self.assertRedirects(response, reverse("wagtailadmin_explore", args=[self.course.pk]))
        self.lesson.refresh_from_db()
        self.assertEqual(self.lesson.body[0].value, "Screening before treatment")
        self.assertEqual(self.lesson.word_count, 3 + 8 + 4)

    def test_the_course_editor_shows_the_content_sizing_beside_the_declared_hours(self):
        self.client.force_login(self.editor)
        response = self.client.get(edit_page_url(self.course))

        self.assertContains(response, "12,000 words read or one hour of video is one CE hour")
        self.assertContains(response, f"{self.lesson.word_count} words")
        self.assertContains(response, "below the declared 2.00")

    def test_the_course_editor_sizes_lessons_as_their_latest_drafts_stand(self):
        self.client.post(edit_page_url(self.lesson), self.edit_form_data(self.lesson, self.lesson_stream()))

        self.lesson.refresh_from_db()
        self.assertTrue(self.lesson.has_unpublished_changes)
        self.assertNotEqual(self.lesson.word_count, 15)  # the published lesson is unchanged
        self.assertContains(self.client.get(edit_page_url(self.course)), "(15 words)")


class PreviewOfNewPagesTests(SiteWithACourse):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.topic = TopicFactory()
        cls.board = BoardFactory(name="Florida Board of Massage Therapy")

    def preview_new(self, model, parent, data):
        self.client.force_login(self.editor)
        url = reverse(
            "wagtailadmin_pages:preview_on_add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
        )
        form_data = editor_form_data(self.client, add_page_url(model, parent), **data)
        saved = self.client.post(url, form_data)
        self.assertEqual(saved.json(), {"is_valid": True, "is_available": True})
        return self.client.get(url)

    def test_a_new_course_previews_with_the_approvals_being_entered(self):
        data = {
            **nested_form_data(
                {
                    "learning_objectives": streamfield([("objective", "Screen for red flags")]),
                    "approvals": inline_formset(
                        [
                            {
                                "board": str(self.board.pk),
                                "number": "FL-PENDING-1",
                                "approved_title": "Lymphatic Drainage",
                                "approved_hours": "2.00",
                                "delivery": "home_study",
                                "expires_on": "2099-01-31",
                            }
                        ]
                    ),
                }
            ),
            "title": "Lymphatic Drainage",
            "slug": "lymphatic-drainage",
            "summary": "Post-operative edema.",
            "description": rich_text("<p>Starling forces.</p>"),
            "topic": str(self.topic.pk),
            "ce_hours": "2.00",
            "min_study_minutes": "100",
        }

        response = self.preview_new(CoursePage, self.catalogue, data)

        self.assertContains(response, "Lymphatic Drainage")
        self.assertContains(response, "No. FL-PENDING-1")

    def test_a_new_lesson_previews_with_its_reading_time(self):
        streams = nested_form_data({"body": streamfield([("paragraph", rich_text("<p>" + "word " * 400 + "</p>"))])})

        response = self.preview_new(LessonPage, self.course, {**streams, "title": "Red flags", "slug": "red-flags"})

        self.assertContains(response, "Red flags")
        self.assertContains(response, "About 2 minutes of study")
