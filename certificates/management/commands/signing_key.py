from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.keys import did_document, signing_key_create


class Command(BaseCommand):
    help = (
        "Create (or rotate to) a new Ed25519 key for signing credentials. The private key is written to "
        "the file you name, readable by its owner only, and never stored in the database; the public key "
        "is published in /.well-known/did.json next to every earlier one."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list"])
        parser.add_argument("--out", type=Path, help="Where to write the new private key (create).")

    def handle(self, *args, action, out, **options):
        if action == "list":
            for method in did_document()["verificationMethod"]:
                self.stdout.write(f"{method['id']}  {method['publicKeyMultibase']}")
            return
        if out is None:
            raise CommandError("Name the file for the private key: --out /secure/path/signing-key.pem")
        try:
            key = signing_key_create(path=out)
        except FileExistsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created {key.key_id}; earlier keys now only verify.")
        self.stdout.write(f"Set CERTIFICATE_SIGNING_KEY_FILE={out} for the processes that sign (db_worker).")
