"""W3C Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite, on JSON-LD read only from the
contexts pinned in `contexts/` (the network is never asked for one, at signing or at verification).

pyld drops any term the contexts do not define, and RDF leaves out what relative IRIs, `@index`
and the like hold, yet it canonicalises what is left without complaint: such fields would ride
along unsigned. `data_loss_check` refuses these documents, as W3C's "Securing Data Losslessly" asks.
"""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
PINNED_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
}
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(Exception):
    """Why a document cannot be signed, or does not verify, in words for the person checking it."""


@cache
def _pinned(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / PINNED_CONTEXTS[url]).read_text())


def pinned_loader(url, options=None):
    """pyld's document loader: the pinned copy of a known context, an error for anything else."""
    if url not in PINNED_CONTEXTS:
        raise jsonld.JsonLdError(
            f"The context {url} is not one this site pins; it is never fetched.", "jsonld.LoadDocumentError"
        )
    return {"contextUrl": None, "documentUrl": url, "document": _pinned(url)}


_OPTIONS = {"documentLoader": pinned_loader, "base": None}


def canonical_nquads(document: dict) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, which pyld calls URDNA2015) as N-Quads."""
    try:
        return jsonld.normalize(document, {**_OPTIONS, "algorithm": "URDNA2015", "format": "application/n-quads"})
    except (jsonld.JsonLdError, RecursionError) as error:
        raise ProofError(f"The document is not JSON-LD this site can read: {_root_cause(error)}") from error


ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*|_):")


def data_loss_check(document: dict) -> None:
    """Raises ProofError naming what a signature over the document's canonical form would not cover:
    a context that is not pinned or is given inline, a JSON-LD keyword, an empty value, a term the
    contexts do not define, or an identifier that is not an absolute IRI."""
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not all(isinstance(c, str) and c in PINNED_CONTEXTS for c in contexts):
        raise ProofError("The document's @context must be a list of the contexts this site pins, by URL.")
    _structure_check({key: value for key, value in document.items() if key != "@context"}, "")
    try:
        expanded = jsonld.expand(document, _OPTIONS)
    except (jsonld.JsonLdError, RecursionError) as error:
        raise ProofError(f"The document is not JSON-LD this site can read: {_root_cause(error)}") from error
    for keyword, iri in _iris(expanded):
        if not ABSOLUTE_IRI.match(iri):
            raise ProofError(
                f"“{iri}” is not an absolute IRI, so what it identifies would not be signed."
                if keyword == "@id"
                else f"“{iri}” is not defined by the document's contexts, so it would not be signed."
            )
    given, kept = _leaf_count(document), _leaf_count(expanded)
    if given != kept:
        dropped = _dropped_fields(document)
        where = f": {', '.join(dropped)}" if dropped else ""
        raise ProofError(
            f"{given - kept} value(s) are not defined by the document's contexts, so they would not be signed{where}."
        )


def _structure_check(value, path: str) -> None:
    """JSON-LD keywords (an inline @context, @index, @direction…) and empty values can carry text
    that never reaches the signed RDF, however defined the terms around them are."""
    if isinstance(value, dict):
        if not value:
            raise ProofError(f"{path.lstrip('.') or 'The document'} is an empty object, which would not be signed.")
        for key, item in value.items():
            if key.startswith("@"):
                raise ProofError(f"{path}.{key}".lstrip(".") + " is a JSON-LD keyword; only plain terms are signed.")
            _structure_check(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _structure_check(item, f"{path}[{index}]")
    elif value is None:
        raise ProofError(f"{path.lstrip('.')} is null, which would not be signed.")


def proof_add(document: dict, *, private_key: Ed25519PrivateKey, verification_method: str, created: str) -> dict:
    """The document with an embedded DataIntegrityProof (eddsa-rdfc-2022, proofPurpose assertionMethod),
    as a proof set of one: 1EdTech's AchievementCredential schema takes `proof` only as an array, and
    the VC data model and every verifier read an array as well as a single proof."""
    if "proof" in document:
        raise ProofError("The document already carries a proof.")
    data_loss_check(document)
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    data_loss_check({**options, "@context": document["@context"]})
    signature = private_key.sign(_hash_data(document, options))
    return {**document, "proof": [{**options, "proofValue": "z" + base58.b58encode(signature).decode()}]}


def proofs_of(document: dict) -> list[dict]:
    """The document's proofs: one given as an object, or a proof set given as an array of them."""
    given = document.get("proof")
    proofs = given if isinstance(given, list) else [given]
    if not proofs or not all(isinstance(proof, dict) for proof in proofs):
        raise ProofError("The document carries no proof: there is nothing to verify.")
    return proofs


def proof_verify(document: dict, public_key: Ed25519PublicKey, *, proof: dict | None = None) -> dict:
    """Checks `proof`, one of the document's proofs (by default its only one), against the public key
    and returns it; raises ProofError with the reason otherwise. Each proof of a set signs the
    document without any of them, as Data Integrity says."""
    if proof is None:
        proofs = proofs_of(document)
        if len(proofs) != 1:
            raise ProofError("The document carries several proofs: say which one to verify.")
        [proof] = proofs
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"The proof is not a DataIntegrityProof with the {CRYPTOSUITE} cryptosuite.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof's purpose is not assertionMethod, so it does not assert the credential.")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise ProofError("The proof's value is not a base58btc multibase signature.")
    try:
        signature = base58.b58decode(proof_value[1:])
    except ValueError as error:
        raise ProofError("The proof's value is not a base58btc multibase signature.") from error
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    data_loss_check(unsigned)
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    data_loss_check({**options, "@context": unsigned["@context"]})  # nothing unsigned in the proof either
    try:
        public_key.verify(signature, _hash_data(unsigned, options))
    except InvalidSignature as error:
        raise ProofError(
            "The signature does not match: the credential was changed after it was signed, or another key signed it."
        ) from error
    return proof


def _hash_data(document: dict, proof_options: dict) -> bytes:
    """vc-di-eddsa: SHA-256 of the canonical proof configuration (with the document's contexts),
    followed by SHA-256 of the canonical document."""
    config = {**proof_options, "@context": document.get("@context")}
    return _sha256(canonical_nquads(config)) + _sha256(canonical_nquads(document))


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _leaf_count(value) -> int:
    """Scalar values, as given or as expanded (where a value object's datatype is not one of them);
    the contexts are not counted."""
    if isinstance(value, dict):
        if "@value" in value:
            return _leaf_count(value["@value"])
        return sum(_leaf_count(item) for key, item in value.items() if key != "@context")
    if isinstance(value, list):
        return sum(_leaf_count(item) for item in value)
    return 0 if value is None else 1


def _iris(expanded):
    """Every property, type and node IRI of an expanded document, with which of those it is."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _iris(item)
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if key in ("@type", "@id"):
                yield from ((key, iri) for iri in (value if isinstance(value, list) else [value]))
            elif not key.startswith("@"):
                yield "property", key
            if key != "@value":
                yield from _iris(value)


def _dropped_fields(document: dict) -> list[str]:
    """The fields expansion drops, by path: those whose removal leaves the expanded document as big
    as before. One expansion per field, so only for the error message."""
    kept = _leaf_count(jsonld.expand(document, _OPTIONS))
    dropped = []

    def walk(value, path):
        if isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "@context" or not _leaf_count(item):
                    continue
                trial = json.loads(json.dumps(document))
                del _at(trial, path)[key]
                if _leaf_count(jsonld.expand(trial, _OPTIONS)) == kept:
                    dropped.append(f"{path}.{key}".lstrip("."))
                else:
                    walk(item, f"{path}.{key}")

    walk(document, "")
    return dropped


def _at(document, path: str):
    """The value at a path such as `.credentialSubject.achievement` or `.tag[0]`."""
    value = document
    for key, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        value = value[int(index)] if index else value[key]
    return value


def _root_cause(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "it is nested too deeply."
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error.args[0] if error.args else error).splitlines()[0]
