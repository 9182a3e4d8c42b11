from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.services import completion_record
from certificates.steps import quiz_attempt_close_if_expired
from courses.models import Enrollment
from quizzes.models import QuizAttempt
from quizzes.services import SUBMISSION_GRACE


class Command(BaseCommand):
    help = (
        "Grade every quiz attempt left open past its time limit, as of the limit, and record the course "
        "completions that a passed final assessment brings; then issue the certificates of completions held "
        "back (a lapsed approval since renewed, provider details since filled in). So nothing waits for the "
        "practitioner to come back. Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        expired = QuizAttempt.objects.filter(
            submitted_at__isnull=True, deadline__lt=now - SUBMISSION_GRACE
        ).select_related("quiz", "enrollment")
        closed = issued = 0
        for attempt in expired:
            outcome = quiz_attempt_close_if_expired(attempt=attempt, now=now)
            if outcome.step.is_open:
                continue
            closed += 1
            issued += outcome.completion.newly_issued
        # Held back (a lapsed approval, provider details), or a final graded at its time limit when the
        # practitioner next opened a quiz page, which records no completion: the rule is read again.
        held_back = Enrollment.objects.filter(completed_at__isnull=False, certificates__isnull=True)
        timed_out_finals = Enrollment.objects.filter(
            completed_at__isnull=True,
            final_test_passed_at__isnull=False,
            quiz_attempts__timed_out=True,
            quiz_attempts__passed=True,
        )
        for enrollment in (held_back | timed_out_finals).distinct():
            issued += completion_record(enrollment=enrollment).newly_issued
        self.stdout.write(
            f"Graded {closed} expired attempt{'s' if closed != 1 else ''}; "
            f"{issued} certificate{'s' if issued != 1 else ''} issued."
        )
