from wagtail.admin.panels import Panel


class CourseSizingPanel(Panel):
    """Shows, in the course editor, the CE hours the lessons' content supports beside the declared hours."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/panels/course_sizing.html"

        def get_context_data(self, parent_context=None):
            from .selectors import course_draft_content_size  # selectors import the page models

            context = super().get_context_data(parent_context)
            course = self.instance
            context["size"] = course_draft_content_size(course=course) if course.pk else None
            context["declared_hours"] = course.ce_hours
            return context


class CourseChecklistPanel(Panel):
    """The boards' rules the course must meet before it goes live, as it would be published now (its
    lessons' and quizzes' latest drafts included): what the reviewer checks and what publishing refuses."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/panels/course_checklist.html"

        def get_context_data(self, parent_context=None):
            from .publishing_checks import course_checklist  # the checks read the page models

            context = super().get_context_data(parent_context)
            checks = course_checklist(course=self.instance) if self.instance.pk else None
            context["checks"] = checks
            context["failing"] = [check for check in checks or () if not check.passed]
            return context
