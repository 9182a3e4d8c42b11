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
