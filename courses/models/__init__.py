from .discussion import LessonPost
from .learning import CourseEvaluation, Enrollment, EnrollmentSource, LessonProgress, StudyClock
from .pages import CourseApproval, CourseIndexPage, CourseLevel, CoursePage, LessonPage
from .snippets import Instructor, Topic

__all__ = [
    "CourseApproval",
    "CourseEvaluation",
    "CourseIndexPage",
    "CourseLevel",
    "CoursePage",
    "Enrollment",
    "EnrollmentSource",
    "Instructor",
    "LessonPage",
    "LessonPost",
    "LessonProgress",
    "StudyClock",
    "Topic",
]
