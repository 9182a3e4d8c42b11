"""What an editor's preview shows of a course: the lessons and quizzes that approving it would publish.

Previews render the latest revision of the page previewed; a course's syllabus and a lesson's list of
lessons read its lessons' latest drafts too, so that a reviewer sees the course as it would go live.
"""

from .models import LessonPage
from .publishing_checks import course_pages_as_published
from .sizing import ContentSize


def course_syllabus_preview(*, course) -> dict:
    """The course page's lessons, assessments and content size, from the drafts publishing would make live."""
    lessons, assessments = _split(course_pages_as_published(course=course))
    return {"lessons": lessons, "assessments": assessments, "content_size": sum(_sizes(lessons), ContentSize())}


def lesson_sidebar_preview(*, lesson, course) -> dict:
    """The lesson page's list of lessons and its neighbours, the previewed lesson included even if a draft."""
    lessons, _ = _split(course_pages_as_published(course=course))
    position = next((i for i, sibling in enumerate(lessons) if sibling.pk == lesson.pk), None)
    if position is None:
        return {"lessons": lessons}
    next_lesson = lessons[position + 1] if position + 1 < len(lessons) else None
    return {
        "lessons": lessons,
        "lesson_number": position + 1,
        "previous_lesson": lessons[position - 1] if position else None,
        "next_lesson": next_lesson,
        "next_lesson_readable": next_lesson is not None,  # editors read every lesson
    }


def _split(pages):
    lessons = [page for page in pages if isinstance(page, LessonPage)]
    return lessons, [page for page in pages if not isinstance(page, LessonPage)]


def _sizes(lessons):
    for lesson in lessons:
        # A draft's stored counts are those of its last save to the page, not of the draft: count its body.
        size = lesson.body.stream_block.content_size(lesson.body)
        lesson.word_count, lesson.video_minutes = size.words, size.video_minutes
        yield size
