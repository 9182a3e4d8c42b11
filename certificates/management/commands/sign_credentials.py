from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import stale_status_lists, status_list_sign
from certificates.keys import signing_key
from certificates.models import Certificate
from certificates.tasks import certificate_credential_sign


class Command(BaseCommand):
    help = (
        "Sign what is pending: the credential of every certificate that has none (issued while no signing key "
        "was configured), and every status list a revocation has not reached (its signing failed). Safe to run "
        "from cron: it signs nothing twice."
    )

    def handle(self, *args, **options):
        try:
            signing_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        pending = list(Certificate.objects.filter(credential="").values_list("pk", flat=True))
        for certificate_id in pending:
            certificate_credential_sign.call(certificate_id)  # here and now; it then renders the PDF that carries it
        stale = list(stale_status_lists().values_list("pk", flat=True))
        for status_list_id in stale:
            status_list_sign(status_list_id)
        self.stdout.write(f"Signed {len(pending)} credential(s) and {len(stale)} status list(s).")
