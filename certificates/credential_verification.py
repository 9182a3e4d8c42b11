"""Verifying a signed credential, ours or another issuer's: what `manage.py verify_credential` and
the verification page ask. Nothing here trusts the database's word for what the credential says."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, resolve
from django.utils import timezone

from lms.models import base_url

from .credentials import CREDENTIAL_CONTEXTS, bit_is_set, decoded_list
from .integrity import ProofError, proof_verify, proofs_of
from .keys import did_document, public_key_from_multibase
from .models import Certificate, StatusList

STATUS_PURPOSE = "revocation"


@dataclass
class CredentialCheck:
    """What verifying a credential found: `problems` empty means that what was checked checks out;
    `notes` say what was checked. `unchecked_status` holds the status lists that could not be
    reached: whether such a credential is revoked is unknown, which is not the same as valid."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key_id: str = ""
    revoked: bool | None = None
    unchecked_status: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


class DuplicateKey(ValueError):
    pass


def _refuse_duplicates(pairs):
    """A key given twice in one object is read as the first by some parsers and the last by others,
    so two readers of the same signed file could be shown different things."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


def json_strict_loads(text: str):
    """json.loads, refusing a key repeated within an object (DuplicateKey, a ValueError)."""
    return json.loads(text, object_pairs_hook=_refuse_duplicates)


def credential_check(text: str, *, resolve_did, fetch_status_list, now: datetime | None = None) -> CredentialCheck:
    """Verifies a signed credential: its JSON-LD (pinned contexts, nothing unsigned), the issuer's
    key (from `resolve_did(did)`: a DID document, or None if out of reach), the eddsa-rdfc-2022
    proof, its validity dates and, when `fetch_status_list(url)` can reach it, its revocation bit."""
    check = CredentialCheck()
    try:
        _check(text, resolve_did, fetch_status_list, now or timezone.now(), check)
    except RecursionError:
        check.problems.append("The file is nested too deeply to be a credential.")
    return check


def _check(text, resolve_did, fetch_status_list, now, check: CredentialCheck) -> None:
    try:
        document = json_strict_loads(text)
    except DuplicateKey as duplicate:
        check.problems.append(
            f"The file gives the key “{duplicate}” twice in one object, so readers may disagree on it."
        )
        return
    except ValueError:
        check.problems.append("The file is not JSON.")
        return
    contexts = document.get("@context") if isinstance(document, dict) else None
    if (contexts if isinstance(contexts, list) else [contexts])[:1] != CREDENTIAL_CONTEXTS[:1]:
        check.problems.append("The file is not a W3C verifiable credential (its first context is not VC 2.0).")
        return
    if not _issuer_proof_check(document, resolve_did, check):
        return
    if _parsed(document.get("validFrom")) and _parsed(document["validFrom"]) > now:
        check.problems.append(f"The credential is not valid before {document['validFrom']}.")
    if _parsed(document.get("validUntil")) and _parsed(document["validUntil"]) < now:
        check.problems.append(f"The credential expired on {document['validUntil']}.")
    _status_check(document, resolve_did, fetch_status_list, check)


def _parsed(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        return None


def _id_of(value):
    """An issuer given as a URL or as a profile with an id."""
    return value.get("id") if isinstance(value, dict) else value


def _issuer_proof_check(document: dict, resolve_did, check: CredentialCheck) -> bool:
    """Whether a proof by the issuer's key checks out. The proof may be one object or a proof set;
    as Open Badges 3.0 and the VC data model allow, one of the issuer's proofs that verifies is
    enough, and proofs by other keys (an endorser's, say) are not the issuer's word, so not asked."""
    try:
        proofs = proofs_of(document)
    except ProofError as error:
        check.problems.append(str(error))
        return False
    issuer_id = _id_of(document.get("issuer"))
    issuers = [
        (proof, method)
        for proof in proofs
        if isinstance(method := proof.get("verificationMethod"), str)
        and isinstance(issuer_id, str)
        and method.split("#")[0] == issuer_id
    ]
    if not issuers:
        check.problems.append("The proof's key does not belong to the credential's issuer.")
        return False
    first_problem = None
    for proof, method in issuers:
        try:
            public_key = _issuer_key(issuer_id, method, resolve_did)
            proof_verify(document, public_key, proof=proof)
        except ProofError as error:
            first_problem = first_problem or str(error)
            continue
        check.key_id = method.split("#", 1)[1] if "#" in method else method
        check.notes.append(f"The {proof['cryptosuite']} proof checks out against the issuer's key {check.key_id}.")
        return True
    check.problems.append(first_problem)
    return False


def _issuer_key(issuer_id: str, method: str, resolve_did):
    """The public key `method` names, if the issuer's DID document lists it, controlled by the
    issuer, for making assertions; ProofError otherwise."""
    did_doc = resolve_did(issuer_id)
    if not isinstance(did_doc, dict):
        raise ProofError(f"The issuer's DID document ({issuer_id}) could not be retrieved to check the key.")
    methods = did_doc.get("verificationMethod")
    assertion = did_doc.get("assertionMethod")
    listed = {vm.get("id"): vm for vm in methods if isinstance(vm, dict)} if isinstance(methods, list) else {}
    if (
        did_doc.get("id") != issuer_id
        or method not in listed
        or not isinstance(assertion, list)
        or method not in assertion
        or listed[method].get("controller") != issuer_id
    ):
        raise ProofError(f"The issuer's DID document does not list the key {method} for signing credentials.")
    try:
        return public_key_from_multibase(str(listed[method].get("publicKeyMultibase", "")))
    except ValueError as error:
        raise ProofError(f"The key {method} is not an Ed25519 Multikey.") from error


def _status_check(document: dict, resolve_did, fetch_status_list, check: CredentialCheck) -> None:
    given = document.get("credentialStatus")
    entries = [e for e in (given if isinstance(given, list) else [given]) if isinstance(e, dict)]
    revocations = [e for e in entries if e.get("statusPurpose") == STATUS_PURPOSE]
    if not revocations:
        check.notes.append("The credential names no revocation list: revocation cannot be checked.")
        return
    for entry in revocations:
        _revocation_check(entry, _id_of(document.get("issuer")), resolve_did, fetch_status_list, check)


def _revocation_check(entry: dict, issuer: str, resolve_did, fetch_status_list, check: CredentialCheck) -> None:
    url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    if (
        entry.get("type") != "BitstringStatusListEntry"
        or not isinstance(index, str)
        or not index.isdigit()
        or len(index) > 12
    ):
        check.problems.append("The credential's status entry is not a Bitstring Status List entry with an index.")
        return
    text = fetch_status_list(url) if isinstance(url, str) else None
    if text is None:
        check.unchecked_status.append(str(url))
        return
    status = credential_check(text, resolve_did=resolve_did, fetch_status_list=lambda url: None)
    list_doc = json_strict_loads(text) if status.valid else {}
    subject = list_doc.get("credentialSubject") if isinstance(list_doc, dict) else None
    if (
        not status.valid
        or _id_of(list_doc.get("issuer")) != issuer
        or list_doc.get("id") != url
        or "BitstringStatusListCredential" not in (list_doc.get("type") or [])
        or not isinstance(subject, dict)
        or subject.get("statusPurpose") != STATUS_PURPOSE
    ):
        why = "; ".join(status.problems) or "it names another issuer, address, type or purpose."
        check.problems.append(f"The status list is not one its issuer signed for revocations: {why}")
        return
    try:
        bits = decoded_list(str(subject.get("encodedList", "")))
    except (ValueError, OSError, EOFError):
        check.problems.append("The status list's bitstring cannot be read.")
        return
    if int(index) >= len(bits) * 8:
        check.problems.append("The credential's status index lies beyond the end of its status list.")
        return
    check.revoked = bit_is_set(bits, int(index))
    if check.revoked:
        check.problems.append("The issuer has revoked this credential.")
    else:
        valid_from = list_doc.get("validFrom", "")
        check.notes.append(f"The issuer's status list, signed {valid_from}, says it has not been revoked.")


def local_did_resolver(did: str) -> dict | None:
    """This site's own DID document, read from the database: no request needed for our credentials."""
    try:
        document = did_document()
    except ImproperlyConfigured:
        return None
    return document if document["id"] == did else None


def local_status_list(url: str) -> str | None:
    """One of this site's own status lists, read from the database; None for any other address."""
    if not url.startswith(base_url() + "/"):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name != "certificates:status_list":
        return None
    status_list = StatusList.objects.filter(pk=match.kwargs["number"]).exclude(credential="").first()
    return status_list.credential if status_list else None


def certificate_credential_standing(certificate: Certificate) -> CredentialCheck | None:
    """Whether the certificate's stored credential checks out (signature, key, nothing unsigned),
    for the verification page: kept for an hour, keyed by the text, since neither the text nor a
    published key changes. Revocation is the database's to say, so it is not asked here."""
    if not certificate.credential:
        return None
    key = "certificates:credential-standing:" + hashlib.sha256(certificate.credential.encode()).hexdigest()
    standing = cache.get(key)
    if standing is None:
        standing = credential_check(
            certificate.credential, resolve_did=local_did_resolver, fetch_status_list=lambda url: None
        )
        cache.set(key, standing, timeout=3600)
    return standing
