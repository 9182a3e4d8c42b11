"""The lesson page: a long read that must work on a phone, with its place in the course."""

import re

import pytest
from bs4 import BeautifulSoup
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedValue
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.rich_text import RichText
from wagtail_factories import DocumentFactory, ImageFactory

from accounts.tests.factories import UserFactory
from courses.blocks import TechniqueStepBlock
from courses.models import LessonPost
from quizzes.models import QuizPage
from quizzes.tests.factories import QuizPageFactory

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory, lesson_body


@pytest.fixture
def course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Myofascial Release for Chronic Low-Back Pain")


@pytest.fixture
def reader(client, course):
    """A logged-in practitioner enrolled in the course."""
    client.force_login(EnrollmentFactory(course=course).user)
    return client


@pytest.fixture
def lessons(course):
    return [
        LessonPageFactory(parent=course, title="Fascia and the evidence"),
        LessonPageFactory(parent=course, title="Screening and red flags", body=lesson_body(words_of_prose=584)),
        LessonPageFactory(parent=course, title="Techniques"),
    ]


def test_a_lesson_renders_every_kind_of_block(reader, lessons):
    soup = BeautifulSoup(reader.get(lessons[1].url).content, "html.parser")
    body = soup.select_one(".lesson__body")

    assert body.select_one("h2").get_text() == "The thoracolumbar fascia"
    callout = body.select_one(".callout--contraindication")
    assert callout["role"] == "note" and callout["aria-label"] == "Contraindication warning"
    assert "Acute DVT." in callout.get_text()
    steps = body.select(".technique__steps li")
    assert [step.get_text(strip=True) for step in steps] == ["Position the client prone.", "Cross the forearms."]


def test_a_lesson_shows_its_reading_time_and_its_place_in_the_course(reader, lessons):
    soup = BeautifulSoup(reader.get(lessons[1].url).content, "html.parser")

    header = soup.select_one(".lesson__header").get_text(" ", strip=True)
    assert "Myofascial Release for Chronic Low-Back Pain · Lesson 2 of 3" in header
    assert "About 3 minutes of study" in header  # 600 words at 200 a minute
    assert soup.select_one("a[rel=prev]")["href"] == lessons[0].url
    assert soup.select_one("a[rel=next]")["href"] == lessons[2].url
    assert soup.select_one(".lesson-toc [aria-current=page]").get_text() == "Screening and red flags"


def test_the_first_and_last_lessons_link_only_onwards_and_back(reader, lessons):
    first = BeautifulSoup(reader.get(lessons[0].url).content, "html.parser")
    last = BeautifulSoup(reader.get(lessons[2].url).content, "html.parser")

    assert first.select_one("a[rel=prev]") is None and first.select_one("a[rel=next]")
    assert last.select_one("a[rel=next]") is None and last.select_one("a[rel=prev]")


def test_a_quiz_placed_after_a_lesson_is_offered_at_its_end(reader, course, lessons):
    check = QuizPageFactory(parent=course, title="Check: red flags", kind="knowledge_check")
    check.move(lessons[0], pos="right")

    after_first = BeautifulSoup(reader.get(lessons[0].url).content, "html.parser")
    after_second = BeautifulSoup(reader.get(lessons[1].url).content, "html.parser")

    link = after_first.find("a", string="Check your understanding: Check: red flags")
    assert link["href"] == QuizPage.objects.get(pk=check.pk).url
    assert after_second.find("a", string=re.compile("Check your understanding")) is None


def test_the_lesson_page_query_count_does_not_grow_with_the_course(
    reader, course, lessons, django_assert_max_num_queries
):
    def add_lesson_and_question():
        LessonPageFactory(parent=course)
        question = LessonPost.objects.create(lesson=lessons[1], author=UserFactory(), body_html="<p>Why?</p>")
        LessonPost.objects.create(lesson=lessons[1], author=UserFactory(), question=question, body_html="<p>So.</p>")

    add_lesson_and_question()
    reader.get(lessons[0].url)  # the first request of a site creates its settings row
    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        reader.get(lessons[1].url)
    for _ in range(20):
        add_lesson_and_question()
    with django_assert_max_num_queries(LESSON_PAGE_QUERIES):
        reader.get(lessons[1].url)


LESSON_PAGE_QUERIES = 25


def media_lesson_body():
    image, document = ImageFactory(title="Thoracolumbar fascia"), DocumentFactory(title="Intake form")
    return [
        (
            "image",
            {
                "image": image,
                "alt_text": "Layers of the thoracolumbar fascia",
                "caption": "Posterior layer",
                "credit": "P. Raman",
            },
        ),
        (
            "video",
            {
                "video": EmbedValue(VIDEO_URL),
                "title": "Skin rolling demonstration",
                "duration_minutes": 12,
                "transcript": RichText("<p>" + "words " * 500 + "</p>"),
            },
        ),
        ("document", {"document": document, "title": "Client intake form", "description": "Print before the session."}),
    ]


VIDEO_URL = "https://www.youtube.com/watch?v=demo-skin-rolling"


def test_a_lesson_renders_images_videos_and_documents(reader, course):
    Embed.objects.create(
        hash=get_embed_hash(VIDEO_URL),
        url=VIDEO_URL,
        type="video",
        html='<iframe src="https://www.youtube.com/embed/demo-skin-rolling" title="Skin rolling"></iframe>',
    )
    lesson = LessonPageFactory(parent=course, body=media_lesson_body())

    body = BeautifulSoup(reader.get(lesson.url).content, "html.parser").select_one(".lesson__body")

    image = body.select_one(".figure img")
    assert image["alt"] == "Layers of the thoracolumbar fascia"
    assert body.select_one(".figure figcaption").get_text(" ", strip=True) == "Posterior layer P. Raman"
    assert body.select_one(".video__frame iframe")["src"] == "https://www.youtube.com/embed/demo-skin-rolling"
    assert "Skin rolling demonstration (12 min)" in body.select_one(".video figcaption").get_text(" ", strip=True)
    assert body.select_one(".download a").get_text() == "Client intake form"


def test_a_video_that_cannot_be_embedded_links_to_its_site(reader, course):
    lesson = LessonPageFactory(parent=course, body=media_lesson_body())

    link = BeautifulSoup(reader.get(lesson.url).content, "html.parser").select_one(".video__link a")

    assert link["href"] == VIDEO_URL


def test_video_minutes_count_toward_study_time_but_their_transcripts_do_not(course):
    lesson = LessonPageFactory(parent=course, body=media_lesson_body())

    assert lesson.video_minutes == 12
    assert lesson.word_count == 19  # captions, titles and alt text; not the 500-word transcript
    assert lesson.content_size.study_minutes == 12 + 1


def test_a_technique_step_with_an_image_needs_alt_text(db):
    step_block = TechniqueStepBlock()
    step = step_block.to_python(
        {"text": "<p>Cross the forearms.</p>", "image": ImageFactory().pk, "image_alt_text": " "}
    )

    with pytest.raises(StructBlockValidationError) as error:
        step_block.clean(step)

    assert "Describe the image" in str(error.value.block_errors["image_alt_text"])


def test_a_free_preview_leads_a_visitor_on_to_the_enroll_box_not_a_locked_lesson(client, course):
    preview = LessonPageFactory(parent=course, title="Fascia and the evidence", is_free_preview=True)
    locked = LessonPageFactory(parent=course, title="Screening and red flags")

    pager = BeautifulSoup(client.get(preview.url).content, "html.parser").select_one(".lesson-pager__next")
    syllabus = BeautifulSoup(client.get(course.url).content, "html.parser").select(".syllabus li")

    assert pager["href"] == f"{course.url}#enroll"
    assert pager.get_text(" ", strip=True) == "Next Screening and red flags: enroll to continue"
    assert client.get(course.url).status_code == 200
    assert client.get(locked.url).status_code == 403
    assert [("Free preview" in item.get_text()) for item in syllabus] == [True, False]


def test_an_enrolled_practitioners_next_link_goes_to_the_next_lesson(reader, course):
    first = LessonPageFactory(parent=course, title="Fascia and the evidence", is_free_preview=True)
    second = LessonPageFactory(parent=course, title="Screening and red flags")

    pager = BeautifulSoup(reader.get(first.url).content, "html.parser").select_one(".lesson-pager__next")

    assert pager["href"] == second.url
