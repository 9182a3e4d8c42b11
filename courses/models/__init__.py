from .pages import CourseApproval, CourseIndexPage, CourseLevel, CoursePage, LessonPage
from .snippets import Instructor, Topic

__all__ = ["CourseApproval", "CourseIndexPage", "CourseLevel", "CoursePage", "Instructor", "LessonPage", "Topic"]
