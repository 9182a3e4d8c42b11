from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import credential_sign
from certificates.keys import signing_key
from certificates.models import Certificate


class Command(BaseCommand):
    help = (
        "Sign the credential of every certificate that has none yet: those issued while no signing key was "
        "configured. Run it once after setting CERTIFICATE_SIGNING_KEY_FILE; running it again signs nothing twice."
    )

    def handle(self, *args, **options):
        try:
            signing_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        pending = list(Certificate.objects.filter(credential="").values_list("pk", flat=True))
        for certificate_id in pending:
            credential_sign(certificate_id)
        self.stdout.write(f"Signed {len(pending)} credential(s).")
