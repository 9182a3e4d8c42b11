from django.core.management.base import BaseCommand

from credits.reminders import STEPS, renewal_reminders_send


class Command(BaseCommand):
    help = (
        f"Emails practitioners whose license expires in {', '.join(map(str, STEPS))} days with its renewal rule "
        "unmet, each reminder once. Run it daily."
    )

    def handle(self, *args, **options):
        sent = renewal_reminders_send()
        self.stdout.write(f"Sent {sent} renewal reminder{'' if sent == 1 else 's'}.")
