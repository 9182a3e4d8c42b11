"""Images and documents of locked lessons and quizzes: who may see them, and keeping their files out of reach.

A lesson's files are for those who may read the lesson. Wagtail's reference index says which pages
use an image or a document; a page anyone may read (a free-preview lesson, the catalog, a course page)
makes it public, a locked lesson or a quiz opens it to the course's enrolled practitioners and its
staff. A file no page uses is public unless it lies in the private collection, where course materials
go: there only those who may choose or edit it in the admin see it.

The files of a locked lesson's or a quiz's images and documents also move into the private collection
under random names, so that nobody reaches them at a guessable media address (`supraspinatus.jpg`
would name a quiz's answer); the pages show them through checked views only.
"""

import enum
import os
import re
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .models import CoursePage, Enrollment, LessonPage
from .permissions import user_is_course_staff

PRIVATE_COLLECTION_NAME = "Course materials (private)"
# The renditions lesson templates ask for, the only ones the checked image view makes: an open list of
# filter specs would let anyone fill the storage with renditions of every size.
LESSON_IMAGE_FILTERS = frozenset({"max-1200x900", "max-800x600"})

_RANDOM_IMAGE_NAME = re.compile(r"^original_images/[0-9a-f]{32}\.\w+$")
# A document keeps its own name, which its download carries, inside a random folder.
_RANDOM_DOCUMENT_NAME = re.compile(r"^documents/[0-9a-f]{32}/[^/]+$")


class MediaAccess(enum.Enum):
    PUBLIC = "public"  # anyone, and any cache
    GRANTED = "granted"  # this person, privately
    DENIED = "denied"


def private_collection_get_or_create() -> Collection:
    """The collection that holds course materials, made under the root collection the first time, so
    that it inherits the rights the root grants (instructors choose and add images there as anywhere)."""
    existing = _private_collection()
    if existing is not None:
        return existing
    return Collection.get_first_root_node().add_child(name=PRIVATE_COLLECTION_NAME)


def _private_collection() -> Collection | None:
    return Collection.objects.filter(depth=2, name=PRIVATE_COLLECTION_NAME).order_by("path").first()


def media_access(*, user, item) -> MediaAccess:
    """Who may see `item` (an image or a document), from the pages that use it."""
    pages = _pages_using(item)
    if not pages:
        private = _private_collection()
        if private is None or not item.collection.path.startswith(private.path):
            return MediaAccess.PUBLIC
        # Those who may choose it already see it in the admin's chooser; an editor's preview of a draft
        # that has just added it, before any saved page uses it, shows it to them.
        policy = policy_registry.get_by_type(type(item))
        may_choose = policy.user_has_any_permission_for_instance(user, ["change", "choose"], item)
        return MediaAccess.GRANTED if may_choose else MediaAccess.DENIED
    courses = _courses_holding(pages)
    free_previews = set(
        LessonPage.objects.filter(pk__in=[page.pk for page in pages], is_free_preview=True).values_list("pk", flat=True)
    )
    gated = []
    for page in pages:
        course = courses.get(page.path[: -Page.steplen])
        if page.live and (course is None or page.pk in free_previews):
            return MediaAccess.PUBLIC
        if course is not None:
            gated.append((page, course))
    if not user.is_authenticated:
        return MediaAccess.DENIED
    live_courses = {course for page, course in gated if page.live}
    if Enrollment.objects.with_access().filter(user=user, course__in=live_courses).exists():
        return MediaAccess.GRANTED
    if any(user_is_course_staff(user=user, course=course) for course in {course for _, course in gated}):
        return MediaAccess.GRANTED
    return MediaAccess.DENIED


def _pages_using(item) -> list[Page]:
    """The pages that use `item` as they are saved (live content, once published); Wagtail keeps the
    reference index up to date on every save."""
    page_ids = (
        ReferenceIndex.get_references_to(item)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.filter(pk__in={int(pk) for pk in page_ids}))


def _courses_holding(pages) -> dict[str, CoursePage]:
    """The courses that `pages` (lessons, quizzes) sit in, by the course's tree path."""
    parent_paths = {page.path[: -Page.steplen] for page in pages}
    return {course.path: course for course in CoursePage.objects.filter(path__in=parent_paths)}


def page_media_make_private(*, page: Page) -> None:
    """Moves the images and documents that a locked lesson or a quiz uses into the private collection,
    under random names. Free-preview lessons and pages outside courses leave theirs where they are."""
    if not _is_locked(page):
        return
    image_model, document_model = get_image_model(), get_document_model()
    references = {
        (model, pk)
        for field in page._meta.get_fields()
        if hasattr(field, "extract_references")
        for model, pk, _path, _content_path in field.extract_references(getattr(page, field.attname))
    }
    for image in image_model.objects.filter(pk__in=[pk for model, pk in references if model is image_model]):
        image_make_private(image=image)
    for document in document_model.objects.filter(pk__in=[pk for model, pk in references if model is document_model]):
        document_make_private(document=document)


def _is_locked(page: Page) -> bool:
    """A page in a course other than a free-preview lesson: a lesson for the enrolled, or a quiz."""
    if not page.path or getattr(page, "is_free_preview", False):
        return False
    return CoursePage.objects.filter(path=page.path[: -Page.steplen]).exists()


@transaction.atomic
def image_make_private(*, image) -> None:
    """Puts the image in the private collection under a random name; its renditions, named after the
    old file, go, and are made again from the new one when next asked for."""
    collection = private_collection_get_or_create()
    if image.collection_id == collection.pk and _RANDOM_IMAGE_NAME.match(image.file.name):
        return
    if not _RANDOM_IMAGE_NAME.match(image.file.name):
        extension = os.path.splitext(image.file.name)[1].lower()
        name = secrets.token_hex(16)
        _move_file(image, f"original_images/{name}{extension}")
        image.renditions.all().delete()
        # Wagtail titles an upload after its file, which may name a quiz's answer; the chooser shows titles.
        image.title = f"Course material {name[:8]}"
    image.collection = collection
    image.save()


@transaction.atomic
def document_make_private(*, document) -> None:
    """Puts the document in the private collection, its file in a random folder; its download keeps
    the file's name, and its address (/documents/<id>/<name>) stays the same."""
    collection = private_collection_get_or_create()
    if document.collection_id == collection.pk and _RANDOM_DOCUMENT_NAME.match(document.file.name):
        return
    if not _RANDOM_DOCUMENT_NAME.match(document.file.name):
        _move_file(document, f"documents/{secrets.token_hex(16)}/{document.filename}")
    document.collection = collection
    document.save()


def _move_file(item, name: str) -> None:
    storage, old_name = item.file.storage, item.file.name
    with storage.open(old_name, "rb") as old:
        content = old.read()
    # A long document name is cut to fit the column, keeping its extension.
    item.file.name = storage.save(name, ContentFile(content), max_length=item._meta.get_field("file").max_length)
    # Only once the new name is committed: a rollback leaves the record pointing at the old file.
    transaction.on_commit(lambda: storage.delete(old_name))
