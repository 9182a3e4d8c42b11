from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.models import QuizAttempt
from quizzes.services import SUBMISSION_GRACE, attempt_close_if_expired


class Command(BaseCommand):
    help = (
        "Grade every attempt left open past its time limit, as of the limit, so that pass rates and "
        "completions do not wait for the practitioner to come back. Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        expired = QuizAttempt.objects.filter(
            submitted_at__isnull=True, deadline__lt=now - SUBMISSION_GRACE
        ).select_related("quiz")
        closed = sum(1 for attempt in expired if not attempt_close_if_expired(attempt=attempt, now=now).is_open)
        self.stdout.write(f"Graded {closed} expired attempt{'s' if closed != 1 else ''}.")
