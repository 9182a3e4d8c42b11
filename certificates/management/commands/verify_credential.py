from http.client import HTTPException
from pathlib import Path
from urllib.error import URLError
from urllib.parse import unquote
from urllib.request import Request, urlopen

from django.core.management.base import BaseCommand, CommandError

from certificates.credential_verification import (
    credential_check,
    json_strict_loads,
    local_did_resolver,
    local_status_list,
)

FETCH_TIMEOUT_SECONDS = 10
# Exit statuses: 1 the credential does not verify; 2 it verifies but whether it was revoked is unknown.
DOES_NOT_VERIFY, STATUS_UNKNOWN = 1, 2


def did_web_url(did: str) -> str | None:
    """Where a did:web DID publishes its document (did:web:host[:path...])."""
    if not did.startswith("did:web:"):
        return None
    host, *path = (unquote(part) for part in did.removeprefix("did:web:").split(":"))
    return f"https://{host}/{'/'.join(path)}/did.json" if path else f"https://{host}/.well-known/did.json"


def fetched(url: str) -> str | None:
    """The text at an http(s) address, or None if it cannot be had."""
    if not url.startswith(("https://", "http://")):
        return None
    try:
        with urlopen(Request(url, headers={"Accept": "application/json"}), timeout=FETCH_TIMEOUT_SECONDS) as answer:  # noqa: S310 (http(s) only, checked above)
            return answer.read(2_000_000).decode()
    except (URLError, OSError, UnicodeDecodeError, ValueError, HTTPException):
        return None


def parsed(text: str | None):
    try:
        return json_strict_loads(text) if text else None
    except (ValueError, RecursionError):
        return None


def read(path: Path | None, what: str) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read the {what} {path}: {error}") from error


class Command(BaseCommand):
    help = (
        "Verify a signed credential file: its eddsa-rdfc-2022 proof, the issuer's key (from this site's "
        "database for its own credentials, else the issuer's did:web document), that nothing in it is left "
        "unsigned, and, when it can be reached, its revocation status list. JSON-LD contexts are never "
        "fetched: only the pinned ones are read. Exits with status 1 and the reason if it does not verify, and "
        "with status 2 if its revocation status could not be checked (offline, or the list out of reach), unless "
        "--accept-unknown-status is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The credential (JSON).")
        parser.add_argument("--did-document", type=Path, help="Use this copy of the issuer's DID document.")
        parser.add_argument("--status-list", type=Path, help="Use this copy of the status list credential.")
        parser.add_argument("--offline", action="store_true", help="Never use the network; no status if not local.")
        parser.add_argument(
            "--accept-unknown-status",
            action="store_true",
            help="Exit 0 for a credential whose revocation status list could not be reached.",
        )

    def handle(self, *args, file, did_document, status_list, offline, accept_unknown_status, **options):
        text = read(file, "credential")
        given_did_document, given_status_list = read(did_document, "DID document"), read(status_list, "status list")
        if given_did_document is not None and not isinstance(parsed(given_did_document), dict):
            raise CommandError(f"The DID document {did_document} is not a JSON object.")

        def resolve_did(did):
            if given_did_document is not None:
                return parsed(given_did_document)
            local = local_did_resolver(did)
            if local is not None or offline:
                return local
            url = did_web_url(did)
            return parsed(fetched(url)) if url else None

        def fetch_status_list(url):
            if given_status_list is not None:
                return given_status_list
            return local_status_list(url) or (None if offline else fetched(url))

        check = credential_check(text, resolve_did=resolve_did, fetch_status_list=fetch_status_list)
        for note in check.notes:
            self.stdout.write(f"ok    {note}")
        if not check.valid:
            for problem in check.problems:
                self.stderr.write(f"FAIL  {problem}")
            raise CommandError(f"{file} does not verify: {check.problems[0]}", returncode=DOES_NOT_VERIFY)
        for url in check.unchecked_status:
            self.stderr.write(f"?     The status list {url} could not be reached.")
        if not check.unchecked_status:
            self.stdout.write(self.style.SUCCESS(f"{file} verifies."))
        elif accept_unknown_status:
            self.stdout.write(self.style.WARNING(f"{file} verifies, but its revocation status could not be checked."))
        else:
            raise CommandError(
                f"{file}: its proof checks out, but its revocation status could not be checked, so it may have been "
                "revoked. Check again online, give --status-list, or pass --accept-unknown-status.",
                returncode=STATUS_UNKNOWN,
            )
