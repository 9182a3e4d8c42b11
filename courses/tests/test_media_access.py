"""A locked lesson's handouts and images, and a quiz's images, reach only those who may read them,
by whatever address someone tries; a free preview's files are for anyone."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Collection
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import rich_text, streamfield
from wagtail_factories import DocumentFactory, ImageFactory

from accounts.tests.factories import UserFactory
from courses.media import PRIVATE_COLLECTION_NAME, page_media_make_private, private_collection_get_or_create
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup
from quizzes.models import QuizAttempt
from quizzes.tests.factories import QuizPageFactory, image_question

from .editor import edit_page_url, editor_form_data
from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory

HANDOUT = b"%PDF-1.4 Home-care stretches for the client with chronic low-back pain"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test's files on their own, so that a name is the one the test gave, not one with a suffix."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def make_private(django_capture_on_commit_callbacks):
    """page_media_make_private as a request runs it, old files deleted once the change is committed."""

    def make_private(page):
        with django_capture_on_commit_callbacks(execute=True):
            page_media_make_private(page=page)
        return page

    return make_private


@pytest.fixture
def instructor(db):
    return UserFactory(email="instructor@example.com")


@pytest.fixture
def course(catalogue, instructor):
    return CoursePageFactory(
        parent=catalogue, title="Myofascial Release for Chronic Low-Back Pain", price_amount=4900, taught_by=instructor
    )


@pytest.fixture
def enrolled(course):
    return EnrollmentFactory(course=course).user


@pytest.fixture
def outsider(db):
    """A signed-in practitioner who has not bought the course."""
    return UserFactory(email="outsider@example.com", verified_email=True)


def handout(filename="home-care-stretches.pdf"):
    return DocumentFactory(title="Home-care stretches", file__filename=filename, file__data=HANDOUT)


def image(filename="thoracolumbar-fascia.jpg"):
    return ImageFactory(title="Thoracolumbar fascia", file__filename=filename, file__width=1600, file__height=900)


def media_body(*, document=None, picture=None, step_picture=None):
    body = []
    if picture is not None:
        body.append(("image", {"image": picture, "alt_text": "Layers of the fascia", "caption": "", "credit": ""}))
    if document is not None:
        body.append(("document", {"document": document, "title": "Home-care stretches", "description": ""}))
    if step_picture is not None:
        step = {"text": RichText("<p>Cross the forearms.</p>"), "image": step_picture, "image_alt_text": "Forearms"}
        body.append(("technique_steps", {"title": "Cross-hand release", "steps": [step]}))
    return body


@pytest.fixture
def locked_lesson(course, make_private):
    return lambda **media: make_private(LessonPageFactory(parent=course, title="Techniques", body=media_body(**media)))


@pytest.fixture
def free_lesson(course, make_private):
    def free_lesson(**media):
        return make_private(
            LessonPageFactory(parent=course, title="Welcome", is_free_preview=True, body=media_body(**media))
        )

    return free_lesson


def fetch(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


# Documents


def test_a_locked_lessons_handout_downloads_for_the_enrolled_and_the_instructor_only(
    client, course, enrolled, outsider, instructor, locked_lesson
):
    document = handout()
    locked_lesson(document=document)
    document.refresh_from_db()

    for stranger in (None, outsider):
        response, content = fetch(client, stranger, document.url)
        assert response.status_code == 403
        assert HANDOUT not in content
    for reader in (enrolled, instructor):
        response, content = fetch(client, reader, document.url)
        assert response.status_code == 200 and content == HANDOUT
        assert "private" in response["Cache-Control"]
        assert 'filename="home-care-stretches.pdf"' in response["Content-Disposition"]


def test_a_reviewer_who_can_edit_the_lesson_downloads_its_handout(client, catalogue, course, locked_lesson):
    authoring_roles_setup(catalogue=catalogue)
    reviewer = UserFactory(email="reviewer@example.com", groups=[REVIEWERS])
    document = handout()
    locked_lesson(document=document)

    response, content = fetch(client, reviewer, document.url)

    assert response.status_code == 200 and content == HANDOUT


def test_a_handout_linked_from_a_locked_lessons_text_is_locked_too(client, course, enrolled):
    document = handout()
    paragraph = RichText(f'<p>Print the <a linktype="document" id="{document.pk}">stretches</a>.</p>')
    LessonPageFactory(parent=course, body=[("paragraph", paragraph)])

    assert fetch(client, None, document.url)[0].status_code == 403
    assert fetch(client, enrolled, document.url)[0].status_code == 200


def test_a_free_previews_handout_downloads_for_anyone(client, course, outsider, free_lesson):
    document = handout()
    free_lesson(document=document)

    for anyone in (None, outsider):
        response, content = fetch(client, anyone, document.url)
        assert response.status_code == 200 and content == HANDOUT
    assert "private" not in fetch(client, None, document.url)[0].get("Cache-Control", "")  # a CDN may keep it


def test_a_handout_that_no_lesson_links_is_public_only_outside_the_private_collection(client, course, enrolled):
    public, private = handout("price-list.pdf"), handout("draft-handout.pdf")
    private.collection = private_collection_get_or_create()
    private.save()

    assert fetch(client, None, public.url)[0].status_code == 200
    assert fetch(client, None, private.url)[0].status_code == 403
    assert fetch(client, enrolled, private.url)[0].status_code == 403
    assert fetch(client, UserFactory(is_superuser=True), private.url)[0].status_code == 200


def test_an_instructor_previewing_a_draft_sees_an_image_no_saved_page_uses_yet(client, catalogue, course, enrolled):
    authoring_roles_setup(catalogue=catalogue)
    picture = image()
    picture.collection = private_collection_get_or_create()
    picture.save()
    src = reverse("courses:lesson_image", args=[picture.pk, "max-1200x900"])

    assert fetch(client, UserFactory(email="teacher@example.com", groups=[INSTRUCTORS]), src)[0].status_code == 200
    assert fetch(client, enrolled, src)[0].status_code == 404


def test_a_locked_lessons_handout_is_not_on_disk_under_its_own_name(course, locked_lesson):
    document = handout()
    assert default_storage.exists("documents/home-care-stretches.pdf")
    locked_lesson(document=document)
    document.refresh_from_db()

    assert not default_storage.exists("documents/home-care-stretches.pdf")
    assert re.fullmatch(r"documents/[0-9a-f]{32}/home-care-stretches\.pdf", document.file.name)
    assert document.collection.name == PRIVATE_COLLECTION_NAME
    assert document.url == f"/documents/{document.pk}/home-care-stretches.pdf"


# Lesson images


def test_a_locked_lessons_image_shows_through_the_checked_address_only(
    client, course, enrolled, outsider, instructor, locked_lesson
):
    picture = image()
    lesson = locked_lesson(picture=picture)
    client.force_login(enrolled)

    body = BeautifulSoup(client.get(lesson.url).content, "html.parser").select_one(".lesson__body")
    src = body.select_one(".figure img")["src"]

    assert src == reverse("courses:lesson_image", args=[picture.pk, "max-1200x900"])
    assert "/media/" not in str(body)
    for stranger in (None, outsider):
        response, content = fetch(client, stranger, src)
        assert response.status_code == 404 and not content.startswith(b"\xff\xd8")
    for reader in (enrolled, instructor):
        response, content = fetch(client, reader, src)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert content.startswith(b"\xff\xd8")  # a JPEG
        assert response["Cache-Control"].startswith("private")
        assert "Content-Disposition" not in response


def test_a_technique_steps_image_in_a_locked_lesson_is_checked_too(client, course, enrolled, outsider, locked_lesson):
    picture = image("cross-hand-release.jpg")
    lesson = locked_lesson(step_picture=picture)
    client.force_login(enrolled)

    src = BeautifulSoup(client.get(lesson.url).content, "html.parser").select_one(".technique__steps img")["src"]

    assert src == reverse("courses:lesson_image", args=[picture.pk, "max-800x600"])
    assert fetch(client, outsider, src)[0].status_code == 404
    assert fetch(client, enrolled, src)[0].status_code == 200


def test_a_locked_lessons_image_original_and_renditions_have_unguessable_names(client, course, enrolled, locked_lesson):
    picture = image()
    assert default_storage.exists("original_images/thoracolumbar-fascia.jpg")
    old_rendition = picture.get_rendition("max-1200x900").file.name
    lesson = locked_lesson(picture=picture)
    picture.refresh_from_db()
    client.force_login(enrolled)
    client.get(lesson.url)

    assert not default_storage.exists("original_images/thoracolumbar-fascia.jpg")
    assert not default_storage.exists(old_rendition)
    assert re.fullmatch(r"original_images/[0-9a-f]{32}\.jpg", picture.file.name)
    assert picture.collection.name == PRIVATE_COLLECTION_NAME
    renditions = [rendition.file.name for rendition in picture.renditions.all()]
    assert renditions and not any("fascia" in name for name in renditions)


def test_the_checked_image_address_makes_only_the_sizes_lessons_use(client, course, enrolled, locked_lesson):
    picture = image()
    locked_lesson(picture=picture)

    response, _ = fetch(client, enrolled, reverse("courses:lesson_image", args=[picture.pk, "width-4000"]))

    assert response.status_code == 404
    assert not picture.renditions.filter(filter_spec="width-4000").exists()


def test_a_free_previews_image_is_for_anyone(client, course, free_lesson):
    picture = image()
    lesson = free_lesson(picture=picture)

    src = BeautifulSoup(client.get(lesson.url).content, "html.parser").select_one(".figure img")["src"]

    assert client.get(reverse("courses:lesson_image", args=[picture.pk, "max-1200x900"])).status_code == 200
    assert src == picture.get_rendition("max-1200x900").url  # the media address, which a CDN may cache
    picture.refresh_from_db()
    assert picture.collection.name != PRIVATE_COLLECTION_NAME


# Quiz images


def test_a_quiz_image_is_stored_under_a_name_that_cannot_give_the_answer_away(
    client, course, enrolled, outsider, make_private
):
    picture = image("infraspinatus.jpg")
    assert default_storage.exists("original_images/infraspinatus.jpg")
    make_private(QuizPageFactory(parent=course, questions=[image_question(picture)]))
    picture.refresh_from_db()

    assert not default_storage.exists("original_images/infraspinatus.jpg")
    assert "infraspinatus" not in picture.file.name
    assert picture.collection.name == PRIVATE_COLLECTION_NAME


def test_a_quiz_image_shows_only_in_its_owners_attempt(client, course, enrolled, outsider, make_private):
    picture = image("infraspinatus.jpg")
    quiz = make_private(QuizPageFactory(parent=course, questions=[image_question(picture)]))
    client.force_login(enrolled)
    started = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", started["Location"]).group(1)))
    page = BeautifulSoup(client.get(reverse("quizzes:attempt", args=[attempt.pk])).content, "html.parser")
    src = page.select_one(".question img")["src"]

    anonymous, content = fetch(client, None, src)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    assert not content.startswith(b"\xff\xd8")
    assert fetch(client, outsider, src)[0].status_code == 404
    assert fetch(client, None, reverse("courses:lesson_image", args=[picture.pk, "max-800x600"]))[0].status_code == 404
    response, content = fetch(client, enrolled, src)
    assert response.status_code == 200 and content.startswith(b"\xff\xd8")
    assert not any("infraspinatus" in rendition.file.name for rendition in picture.renditions.all())


# The editor


def test_saving_a_locked_lesson_in_the_editor_moves_its_files_into_the_private_collection(
    client, course, django_capture_on_commit_callbacks
):
    picture, document = image("ulnar-nerve.jpg"), handout("nerve-glides.pdf")
    lesson = LessonPageFactory(parent=course)
    client.force_login(UserFactory(email="editor@example.com", is_superuser=True))
    body = streamfield(
        [
            ("paragraph", rich_text(f'<p>See the <a linktype="document" id="{document.pk}">glides</a>.</p>')),
            ("image", {"image": picture.pk, "alt_text": "The ulnar nerve at the elbow", "caption": "", "credit": ""}),
        ]
    )

    data = editor_form_data(client, edit_page_url(lesson), streams={"body": body})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_page_url(lesson), data)

    assert response.status_code == 302
    picture.refresh_from_db()
    document.refresh_from_db()
    private = Collection.objects.get(name=PRIVATE_COLLECTION_NAME)
    assert picture.collection == private and document.collection == private
    assert "ulnar" not in picture.file.name
    assert not default_storage.exists("documents/nerve-glides.pdf")


def test_the_private_collection_is_made_once(db):
    assert private_collection_get_or_create() == private_collection_get_or_create()
    assert Collection.objects.filter(name=PRIVATE_COLLECTION_NAME).count() == 1


def test_files_uploaded_before_lessons_kept_them_private_are_moved_by_the_command(
    course, django_capture_on_commit_callbacks
):
    picture = image()
    lesson = LessonPageFactory(parent=course, title="Techniques", body=media_body(picture=picture))
    lesson.save_revision()
    old_name = picture.file.name
    assert picture.collection.name != PRIVATE_COLLECTION_NAME

    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_course_media_private", stdout=io.StringIO())

    picture.refresh_from_db()
    assert picture.collection.name == PRIVATE_COLLECTION_NAME
    assert picture.file.name != old_name and "thoracolumbar" not in picture.file.name
