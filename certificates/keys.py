"""The issuer's identity for signed credentials: a did:web DID and its Ed25519 keys.

Private keys come from the environment (CERTIFICATE_SIGNING_KEY, PEM text) or a file
(CERTIFICATE_SIGNING_KEY_FILE), never from the database, which holds only the public halves.
"""

from datetime import date
from pathlib import Path

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from .models import SigningKey

ED25519_MULTICODEC = b"\xed\x01"  # the Multikey prefix for an Ed25519 public key
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode()


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    decoded = base58.b58decode(value.removeprefix("z"))
    if not value.startswith("z") or not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != 34:
        raise ValueError("Not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def issuer_did() -> str:
    """did:web of the public site (CERTIFICATE_ISSUER_HOST, else the default site's host name)."""
    host = settings.CERTIFICATE_ISSUER_HOST
    if not host:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise ImproperlyConfigured("Set CERTIFICATE_ISSUER_HOST, or a default site: the issuer has no did:web.")
        host = site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
    return "did:web:" + host.replace(":", "%3A")


def did_document() -> dict:
    """The issuer's DID document: every key ever published, so that old credentials still verify."""
    did = issuer_did()
    keys = list(SigningKey.objects.all())
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#{key.key_id}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key_multibase,
            }
            for key in keys
        ],
        "assertionMethod": [f"{did}#{key.key_id}" for key in keys],
    }


def configured_private_key() -> Ed25519PrivateKey:
    """The private key the settings name, or ImproperlyConfigured saying what is wrong with them."""
    try:
        if settings.CERTIFICATE_SIGNING_KEY:
            pem = settings.CERTIFICATE_SIGNING_KEY.encode()
        elif settings.CERTIFICATE_SIGNING_KEY_FILE:
            pem = Path(settings.CERTIFICATE_SIGNING_KEY_FILE).read_bytes()
        else:
            raise ImproperlyConfigured(
                "Set CERTIFICATE_SIGNING_KEY_FILE (or CERTIFICATE_SIGNING_KEY) to sign credentials."
            )
        private_key = serialization.load_pem_private_key(pem, password=None)
    except (OSError, ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"The certificate signing key cannot be read: {error}") from error
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The certificate signing key must be an Ed25519 key.")
    return private_key


def signing_key() -> tuple[Ed25519PrivateKey, SigningKey]:
    """The configured private key and the published record of its public half."""
    private_key = configured_private_key()
    record = SigningKey.objects.filter(
        public_key_multibase=public_key_multibase(private_key.public_key()), retired_at__isnull=True
    ).first()
    if record is None:
        raise ImproperlyConfigured(
            "The signing key is not a current published key: create it with `manage.py signing_key create`."
        )
    return private_key, record


def signing_key_create(*, path: Path) -> SigningKey:
    """A new Ed25519 key: the private half written to `path` (readable by its owner only), the public
    half published under a dated name; earlier keys retire from signing but stay published."""
    if path.exists():
        raise FileExistsError(f"{path} exists; choose a new file for the new key.")
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with transaction.atomic():
        record = _publish(private_key.public_key())
        path.touch(mode=0o600)
        path.write_bytes(pem)
    return record


def signing_key_adopt(*, path: Path) -> SigningKey:
    """Publishes the key already in `path` if it is not (a key kept while the database was rebuilt)."""
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The certificate signing key must be an Ed25519 key.")
    known = SigningKey.objects.filter(public_key_multibase=public_key_multibase(private_key.public_key())).first()
    if known is not None:
        return known
    with transaction.atomic():
        return _publish(private_key.public_key())


def _publish(public_key: Ed25519PublicKey) -> SigningKey:
    """Publishes the key under a dated name and retires the earlier ones from signing."""
    name, number = f"key-{date.today().isoformat()}", 1
    while SigningKey.objects.filter(key_id=name if number == 1 else f"{name}-{number}").exists():
        number += 1
    SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    return SigningKey.objects.create(
        key_id=name if number == 1 else f"{name}-{number}", public_key_multibase=public_key_multibase(public_key)
    )
