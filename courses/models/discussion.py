"""Questions practitioners ask under a lesson, and the course instructors' answers."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LessonPost(models.Model):
    """A question (no parent) or an answer to one. The body is sanitised HTML (see courses.sanitize)."""

    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_posts")
    question = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        permissions = [("hide_lessonpost", "Can hide lesson questions and answers")]

    def __str__(self):
        return f"{'Answer' if self.question_id else 'Question'} by {self.author} on {self.lesson}"
