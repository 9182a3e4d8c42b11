"""The issuer's did:web identity: keys created and rotated by command, private halves never in the database."""

import io
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from certificates.keys import public_key_from_multibase, signing_key
from certificates.models import SigningKey

pytestmark = pytest.mark.django_db


def create_key(path):
    output = io.StringIO()
    call_command("signing_key", "create", "--out", str(path), stdout=output)
    return output.getvalue()


def test_a_created_key_is_written_for_its_owner_only_and_published(client, home_page, tmp_path, settings):
    path = tmp_path / "signing-key.pem"

    output = create_key(path)

    assert "CERTIFICATE_SIGNING_KEY_FILE=" in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    document = client.get(reverse("certificates:did_json")).json()
    [method] = document["verificationMethod"]
    assert document["id"] == "did:web:localhost" and method["controller"] == "did:web:localhost"
    assert method["type"] == "Multikey" and method["id"] == document["assertionMethod"][0]
    published = public_key_from_multibase(method["publicKeyMultibase"])
    assert published.public_bytes_raw() == private.public_key().public_bytes_raw()
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(path)
    assert signing_key()[1].key_id == method["id"].split("#")[1]
    pem = path.read_text()
    for row in SigningKey.objects.values():
        assert all(pem.splitlines()[1] not in str(value) for value in row.values())


def test_rotation_keeps_every_public_key_published_and_only_the_new_one_signs(client, home_page, tmp_path, settings):
    create_key(tmp_path / "first.pem")
    create_key(tmp_path / "second.pem")

    document = client.get(reverse("certificates:did_json"))

    assert len(document.json()["verificationMethod"]) == 2 and len(document.json()["assertionMethod"]) == 2
    assert document["Cache-Control"] == "public, max-age=300"
    settings.CERTIFICATE_SIGNING_KEY = (tmp_path / "first.pem").read_text()
    with pytest.raises(ImproperlyConfigured, match="not a current published key"):
        signing_key()
    settings.CERTIFICATE_SIGNING_KEY = (tmp_path / "second.pem").read_text()
    assert signing_key()[1].retired_at is None


def test_the_command_never_overwrites_a_key_file(tmp_path):
    path = tmp_path / "key.pem"
    path.write_text("precious")

    with pytest.raises(CommandError, match="exists"):
        create_key(path)
    assert path.read_text() == "precious" and not SigningKey.objects.exists()


def test_without_a_configured_key_signing_says_what_to_set(settings):
    settings.CERTIFICATE_SIGNING_KEY = settings.CERTIFICATE_SIGNING_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SIGNING_KEY_FILE"):
        signing_key()


def check_ids():
    return [
        message.id for message in run_checks(include_deployment_checks=True) if message.id.startswith("certificates")
    ]


def test_a_deployment_without_a_fixed_issuer_or_a_readable_signing_key_is_flagged(tmp_path, settings):
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_KEY_FILE = "", ""
    settings.CERTIFICATE_ISSUER_HOST = ""
    assert sorted(check_ids()) == ["certificates.W001", "certificates.W002"]
    settings.CERTIFICATE_ISSUER_HOST = "ce.example.com"
    assert check_ids() == ["certificates.W001"]
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    assert check_ids() == ["certificates.E001"]
    (tmp_path / "rsa.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "rsa.pem")
    assert check_ids() == ["certificates.E001"]
    create_key(tmp_path / "signing-key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "signing-key.pem")
    assert check_ids() == []
