from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.demo.seed import seed_demo
from lms.models import base_url


class Command(BaseCommand):
    help = "Builds the demo site: pages, courses, boards and a user for each role. Safe to run again."

    def handle(self, *args, **options):
        if not settings.SEED_DEMO_ALLOWED:
            raise CommandError("seed_demo creates users with published passwords; it is disabled in these settings.")
        report = seed_demo()
        if report.created:
            self.stdout.write(f"Created {len(report.created)} objects.")
        else:
            self.stdout.write("The demo content was already in place; nothing changed.")
        self.stdout.write(f"\nThe demo is at {base_url()}/ (the address its emails, PDFs and links give).")
        self.stdout.write("\nDemo users (sign in at /accounts/login/, editors at /admin/):")
        for user in report.users:
            self.stdout.write(f"  {user['role']:<13} {user['email']:<26} password: {user['password']}")
        self.stdout.write("\nThe demo practitioner's certificates (verify them at /verify/):")
        for certificate in report.certificates:
            state = "revoked" if certificate.revoked_at else "valid"
            self.stdout.write(f"  {certificate.printed_code}  {state:<8} {certificate.snapshot['course']['title']}")
        self.stdout.write(
            "Each one's signed credential is at /certificates/<code>/credential.json; check a downloaded copy with "
            "`manage.py verify_credential FILE`."
        )
