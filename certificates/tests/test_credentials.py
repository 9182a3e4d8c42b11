"""The signed credential: an Open Badges 3.0 credential with an eddsa-rdfc-2022 proof, served as signed,
revocable through a signed Bitstring Status List, and verifiable offline by `manage.py verify_credential`."""

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import threading
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft201909Validator, FormatChecker
from PIL import Image
from pypdf import PdfReader
from wagtail_factories import ImageFactory

from certificates.codes import new_code, printed
from certificates.credentials import bit_is_set, credential_sign, decoded_list, encoded_list
from certificates.integrity import ProofError, data_loss_check, proof_add
from certificates.keys import DID_CONTEXTS, public_key_multibase, signing_key_create
from certificates.management.commands import verify_credential
from certificates.models import Certificate, StatusList
from certificates.services import certificate_reissue, certificate_revoke, completion_record
from courses.models import CoursePage, LessonProgress
from lms.models import ProviderSettings
from quizzes.presentation import right_answers
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import QuizPageFactory, single_choice

from .factories import issued_certificate, nearly_complete_enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(catalogue, signing_key_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()
    return certificate


def served(client, certificate):
    return client.get(reverse("certificates:credential", args=[certificate.printed_code]))


def verify_file(path, **options):
    """`manage.py verify_credential`: (verified, everything it printed)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_credential", str(path), stdout=out, stderr=err, **options)
    except CommandError as error:
        return False, out.getvalue() + err.getvalue() + str(error)
    return True, out.getvalue() + err.getvalue()


def test_a_completed_course_gets_an_open_badge_served_exactly_as_signed(client, signed):
    response = served(client, signed)

    assert response.status_code == 200
    assert response.content == signed.credential.encode()
    assert response["Content-Type"] == "application/vc"
    assert response["Access-Control-Allow-Origin"] == "*"
    credential = json.loads(response.content)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "did:web:localhost"
    assert credential["name"] == "Certificate of Achievement: Lymphatic Drainage after Surgery"
    subject = credential["credentialSubject"]
    assert subject["creditsEarned"] == 1.5 and subject["achievement"]["creditsAvailable"] == 1.5
    assert subject["achievement"]["achievementType"] == "Certificate"
    assert subject["achievement"]["tag"] == ["Home study", "Pathology"]
    assert "DEMO-451234" in [entry["identifier"] for entry in subject["achievement"]["otherIdentifier"]]
    name, email = subject["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Nguyễn Thị Minh",
    }
    assert (
        "“Lymphatic Drainage after Surgery”, 1.50 CE hours, passing its final assessment" in credential["description"]
    )
    assert "image" not in subject["achievement"] and "image" not in credential["issuer"]  # none recorded
    address = signed.enrollment.user.email.lower()
    assert email["identityType"] == "emailAddress"
    assert email["identityHash"] == "sha256$" + hashlib.sha256((address + email["salt"]).encode()).hexdigest()
    assert address not in response.content.decode()
    [proof] = credential["proof"]  # a proof set of one, as 1EdTech's schema asks
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"].startswith("did:web:localhost#key-")
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"].endswith(reverse("certificates:status_list", args=[signed.status_list_id]))

    api = client.get(reverse("certificates:api_certificate", args=[signed.printed_code])).json()
    assert api["credential_url"].endswith(f"/certificates/{signed.printed_code}/credential.json")
    mine = client.get(reverse("certificates:mine"))
    assert mine.status_code == 302  # the holder's own page needs a sign-in; the credential is public by code
    client.force_login(signed.enrollment.user)
    assert "Download the signed credential" in client.get(reverse("certificates:mine")).content.decode()


def test_the_command_verifies_our_credential_offline(signed, tmp_path):
    path = tmp_path / "credential.json"
    path.write_text(signed.credential)

    verified, output = verify_file(path, offline=True)

    assert verified, output
    assert "proof checks out against the issuer's key key-" in output
    assert "has not been revoked" in output


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Somebody Else"),
            "signature does not match",
        ),
        (lambda c: c["credentialSubject"].update(creditsEarned=15), "signature does not match"),
        (lambda c: c["credentialSubject"].update(ceHours=40), "credentialSubject.ceHours"),
        (
            lambda c: c.update(
                credentialSchema=[{"id": "https://example.org/schema.json", "type": "1EdTechJsonSchemaValidator2019"}]
            ),
            "“1EdTechJsonSchemaValidator2019” is not defined",
        ),
        (lambda c: c["@context"].append("https://example.org/more-terms"), "contexts this site pins"),
        (lambda c: c["@context"].append({"ceHours": "@index"}), "contexts this site pins"),
        (lambda c: c["credentialSubject"].update({"@context": {"note": "@index"}, "note": "40 CE"}), "@context is a"),
        (lambda c: c["credentialSubject"].update({"@index": "40 CE hours"}), "@index is a JSON-LD keyword"),
        (
            lambda c: c["credentialSubject"]["achievement"].update(name={"@value": "Y", "@direction": "rtl"}),
            "achievement.name.@value is a JSON-LD keyword",
        ),
        (lambda c: c["credentialSubject"].update(id="holder-7"), "“holder-7” is not an absolute IRI"),
        (
            lambda c: c["credentialSubject"].update(result=[{"id": "r1", "type": ["Result"], "value": "40 CE hours"}]),
            "“r1” is not an absolute IRI",
        ),
        (lambda c: c["credentialSubject"].update(licenseNumber=None), "licenseNumber is null"),
        (lambda c: c["credentialSubject"].update(ceHours={}), "credentialSubject.ceHours is an empty object"),
        (lambda c: c["proof"][0].update(note="40 CE hours"), "not defined by the document's contexts"),
        (
            lambda c: c["proof"][0].update(verificationMethod="did:web:localhost#key-1999-01-01"),
            "does not list the key",
        ),
        (lambda c: c["proof"][0].update(verificationMethod="did:web:elsewhere.example#key"), "does not belong to"),
        (lambda c: c["proof"][0].update(proofValue="not-multibase"), "not a base58btc"),
        (lambda c: c.pop("proof"), "carries no proof"),
    ],
)
def test_a_tampered_credential_fails_with_the_reason(signed, tmp_path, tamper, reason):
    credential = json.loads(signed.credential)
    tamper(credential)
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))

    verified, output = verify_file(path, offline=True)

    assert not verified
    assert reason in output


def test_not_a_credential_fails_with_the_reason(db, tmp_path):
    path = tmp_path / "credential.json"
    path.write_text("{not json")
    assert verify_file(path, offline=True) == (
        False,
        "FAIL  The file is not JSON.\n" + f"{path} does not verify: The file is not JSON.",
    )
    path.write_text('{"@context": "https://www.w3.org/2018/credentials/v1"}')
    assert "not a W3C verifiable credential" in verify_file(path, offline=True)[1]


def test_signing_refuses_a_field_the_contexts_would_drop(signed):
    credential = json.loads(signed.credential)
    credential.pop("proof")
    data_loss_check(credential)  # the credential as issued loses nothing
    credential["credentialSubject"]["achievement"]["deliveryType"] = "home_study"

    with pytest.raises(ProofError, match=r"credentialSubject\.achievement\.deliveryType"):
        data_loss_check(credential)


def test_revocation_sets_the_bit_in_the_signed_status_list(
    client, signed, django_capture_on_commit_callbacks, tmp_path
):
    url = reverse("certificates:status_list", args=[signed.status_list_id])
    before = client.get(url)
    assert before.status_code == 200
    assert before["Cache-Control"] == "public, max-age=300" and "Last-Modified" in before
    bits = decoded_list(json.loads(before.content)["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == StatusList.LENGTH and not any(bits)

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=signed, by=None, skip_permission_checks=True, reason="Attendance record was falsified."
        )

    after = json.loads(client.get(url).content)
    bits = decoded_list(after["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, signed.status_list_index) and sum(bin(byte).count("1") for byte in bits) == 1
    path = tmp_path / "credential.json"
    path.write_text(signed.credential)
    verified, output = verify_file(path)
    assert not verified and "The issuer has revoked this credential." in output


def test_a_reissue_is_signed_anew_and_the_old_credential_is_revoked(client, signed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(
            certificate=signed, by=None, skip_permission_checks=True, reason="Legal name corrected."
        )
    new.refresh_from_db()

    assert json.loads(new.credential)["credentialSubject"]["identifier"][0]["identityHash"] == "Nguyễn Thị Minh"
    assert (new.status_list_id, new.status_list_index) != (signed.status_list_id, signed.status_list_index)
    bits = decoded_list(json.loads(StatusList.objects.get().credential)["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, signed.status_list_index) and not bit_is_set(bits, new.status_list_index)


def test_credentials_signed_with_a_retired_key_still_verify(client, signed, tmp_path, settings):
    signing_key_create(path=tmp_path / "next-key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "next-key.pem")

    page = client.get(reverse("certificates:verify", args=[signed.printed_code])).content.decode()

    assert (
        "checks out" in page and json.loads(signed.credential)["proof"][0]["verificationMethod"].split("#")[1] in page
    )
    path = tmp_path / "credential.json"
    path.write_text(signed.credential)
    assert verify_file(path, offline=True)[0]


def test_the_verification_page_says_when_the_stored_credential_does_not_check_out(client, signed):
    Certificate.objects.filter(pk=signed.pk).update(
        credential=signed.credential.replace("Nguyễn Thị Minh", "Nguyen Thi Minh")
    )

    page = client.get(reverse("certificates:verify", args=[signed.printed_code])).content.decode()

    assert "The signed credential does not check out" in page and "signature does not match" in page


def test_without_a_key_nothing_is_signed_until_the_operator_configures_one(
    client, catalogue, tmp_path, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)

    missing = served(client, certificate)
    assert missing.status_code == 404 and "not ready yet" in missing.json()["error"]
    api = client.get(reverse("certificates:api_certificate", args=[certificate.printed_code])).json()
    assert api["status"] == "valid" and api["credential_url"] is None
    assert (
        "has not been issued yet"
        in client.get(reverse("certificates:verify", args=[certificate.printed_code])).content.decode()
    )
    with pytest.raises(CommandError, match="CERTIFICATE_SIGNING_KEY_FILE"):
        call_command("sign_credentials", stdout=io.StringIO())

    signing_key_create(path=tmp_path / "key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    output = io.StringIO()
    call_command("sign_credentials", stdout=output)
    call_command("sign_credentials", stdout=output)

    assert "Signed 1 credential(s) and 0 status list(s)." in output.getvalue()
    assert "Signed 0 credential(s) and 0 status list(s)." in output.getvalue()
    assert served(client, certificate).status_code == 200
    certificate.refresh_from_db()
    assert PdfReader(io.BytesIO(certificate.pdf.open("rb").read())).attachments  # rendered again, carrying it


def test_a_certificate_revoked_before_it_was_signed_is_signed_revoked(
    client, catalogue, tmp_path, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
        certificate_revoke(certificate=certificate, by=None, skip_permission_checks=True, reason="Issued in error.")
    signing_key_create(path=tmp_path / "key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "key.pem")

    call_command("sign_credentials", stdout=io.StringIO())

    certificate.refresh_from_db()
    path = tmp_path / "credential.json"
    path.write_text(certificate.credential)
    verified, output = verify_file(path)
    assert not verified and "The issuer has revoked this credential." in output


def test_a_revocation_the_list_missed_is_published_by_sign_credentials(
    client, signed, settings, tmp_path, django_capture_on_commit_callbacks
):
    key_file = settings.CERTIFICATE_SIGNING_KEY_FILE
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "not-mounted.pem")  # the key is out of reach
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=signed, by=None, skip_permission_checks=True, reason="Issued in error.")
    path = tmp_path / "credential.json"
    path.write_text(signed.credential)
    assert verify_file(path)[0]  # the published list does not say so yet

    settings.CERTIFICATE_SIGNING_KEY_FILE = key_file
    output = io.StringIO()
    call_command("sign_credentials", stdout=output)

    assert "Signed 0 credential(s) and 1 status list(s)." in output.getvalue()
    verified, printed_output = verify_file(path)
    assert not verified and "The issuer has revoked this credential." in printed_output


def test_each_certificate_holds_its_own_random_bit(signed, django_capture_on_commit_callbacks):
    certificate = signed
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            certificate = certificate_reissue(
                certificate=certificate, by=None, skip_permission_checks=True, reason="Corrected."
            )

    indexes = list(Certificate.objects.values_list("status_list_index", flat=True))
    assert len(indexes) == 6 and len(set(indexes)) == 6
    assert all(0 <= index < StatusList.LENGTH for index in indexes)
    assert max(indexes) - min(indexes) > 6  # drawn at random, not handed out in sequence
    assert Certificate.objects.filter(credential="").count() == 0


def test_unknown_codes_and_lists_answer_in_json(client, signed):
    assert client.get(reverse("certificates:status_list", args=[99])).status_code == 404
    assert client.get(reverse("certificates:status_list", args=[99])).json()["error"]
    unknown = client.get(reverse("certificates:credential", args=[printed(new_code())]))
    assert unknown.status_code == 404 and unknown.json()["status"] == "not_found"
    typo = client.get(reverse("certificates:credential", args=[signed.printed_code[:-1] + "?"]))
    assert typo.status_code == 400 and typo.json()["status"] == "malformed"


VERIFIER_JS = Path(__file__).parent / "js"


def verified_by_javascript(credential: dict, client, tmp_path) -> dict:
    """Digital Bazaar's verifier (safe-mode JSON-LD, eddsa-rdfc-2022, Bitstring Status List) on the
    credential, given what it may dereference: our DID document and status list, as served."""
    if not (VERIFIER_JS / "node_modules").is_dir():
        pytest.fail("The JavaScript verifier is not installed: run `make test`, which installs it.")
    did = client.get(reverse("certificates:did_json")).json()
    world = {did["id"]: did}
    status_url = credential.get("credentialStatus", {}).get("statusListCredential")
    if status_url:
        world[status_url] = json.loads(client.get(urlsplit(status_url).path).content)
    (tmp_path / "credential.json").write_text(json.dumps(credential, ensure_ascii=False))
    (tmp_path / "world.json").write_text(json.dumps(world))
    finished = subprocess.run(  # noqa: S603 (our own script, on files this test wrote)
        [
            shutil.which("node"),
            str(VERIFIER_JS / "verify.mjs"),
            str(tmp_path / "credential.json"),
            str(tmp_path / "world.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(finished.stdout)


def test_an_independent_implementation_verifies_our_credential_and_its_revocation(
    client, signed, tmp_path, django_capture_on_commit_callbacks
):
    credential = json.loads(signed.credential)

    result = verified_by_javascript(credential, client, tmp_path)
    assert result["verified"] is True, result["errors"]
    assert result["status"]["verified"] is True and result["status"]["results"][0]["status"] is False

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=signed, by=None, skip_permission_checks=True, reason="Issued in error.")

    result = verified_by_javascript(credential, client, tmp_path)
    assert result["status"]["results"][0]["status"] is True  # the bit is set: revoked


def test_a_provider_known_by_postal_address_alone_is_named_without_an_email(
    client, catalogue, signing_key_file, tmp_path, django_capture_on_commit_callbacks
):
    ProviderSettings.objects.update(email="", postal_address="100 Example Street, Tallahassee")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()
    credential = json.loads(certificate.credential)

    assert "email" not in credential["issuer"] and credential["issuer"]["name"] == "Medical Massage CE"
    assert verified_by_javascript(credential, client, tmp_path)["verified"] is True


def test_control_characters_in_a_name_do_not_break_the_signature_elsewhere(
    client, catalogue, signing_key_file, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue, legal_name="Nguyễn\fThị\x7f Minh\x01")
    certificate.refresh_from_db()
    credential = json.loads(certificate.credential)

    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "NguyễnThị Minh"
    assert verified_by_javascript(credential, client, tmp_path)["verified"] is True


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Somebody Else"),
        lambda c: c["credentialSubject"]["achievement"].update(creditsAvailable=15),
        lambda c: c["credentialSubject"].update(ceHours=40),  # undefined: pyld alone would not notice
    ],
)
def test_the_independent_implementation_rejects_what_ours_rejects(client, signed, tmp_path, tamper):
    credential = json.loads(signed.credential)
    tamper(credential)

    result = verified_by_javascript(credential, client, tmp_path)

    assert result["verified"] is False
    path = tmp_path / "ours.json"
    path.write_text(json.dumps(credential))
    assert verify_file(path, offline=True)[0] is False


def test_serving_credentials_costs_the_same_few_queries(client, signed, django_assert_max_num_queries):
    verify_url = reverse("certificates:verify", args=[signed.printed_code])
    with django_assert_max_num_queries(7):  # the stored credential checked once: the site, its keys
        assert "checks out" in client.get(verify_url).content.decode()
    with django_assert_max_num_queries(5):  # then the check is remembered
        assert "checks out" in client.get(verify_url).content.decode()
    with django_assert_max_num_queries(2):  # the certificate, the lookup log
        assert served(client, signed).status_code == 200
    with django_assert_max_num_queries(1):  # nothing logged: who fetches a status list is not recorded
        assert client.get(reverse("certificates:status_list", args=[signed.status_list_id])).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signers_at_the_same_moment_share_one_status_list(catalogue, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    certificate = issued_certificate(catalogue)  # no key yet: issued unsigned
    for _ in range(5):
        certificate = certificate_reissue(
            certificate=certificate, by=None, skip_permission_checks=True, reason="Corrected."
        )
    assert StatusList.objects.count() == 1  # a new site starts with one (migration 0007)
    signing_key_create(path=tmp_path / "key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    barrier = threading.Barrier(6)

    def sign(certificate_id):
        try:
            barrier.wait()
            credential_sign(certificate_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(pk,)) for pk in Certificate.objects.values_list("pk", flat=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Certificate.objects.filter(credential="").count() == 0
    assert StatusList.objects.count() == 1
    assert len(set(Certificate.objects.values_list("status_list", "status_list_index"))) == 6


def test_bad_files_given_to_the_command_get_a_clear_error(signed, tmp_path):
    credential = tmp_path / "credential.json"
    credential.write_text(signed.credential)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    not_a_document = tmp_path / "did.json"
    not_a_document.write_text("[]")

    assert "Cannot read the DID document" in verify_file(credential, did_document=tmp_path / "missing.json")[1]
    assert "Cannot read the status list" in verify_file(credential, status_list=tmp_path / "missing.json")[1]
    assert "is not a JSON object" in verify_file(credential, did_document=not_a_document)[1]
    assert "nested too deeply" in verify_file(deep, offline=True)[1]
    assert "Cannot read the credential" in verify_file(tmp_path / "missing.json")[1]


OTHER_ISSUER = "did:web:other.example"


def another_issuers(tmp_path, *, status_entry, encoded, purpose="revocation", controller=OTHER_ISSUER):
    """A credential, DID document and status list of another issuer, signed with its own key, as files."""
    key = Ed25519PrivateKey.generate()
    method = f"{OTHER_ISSUER}#key-1"
    list_url = "https://other.example/status/1"
    status_list = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": OTHER_ISSUER},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://other.example/credentials/1",
        "type": ["VerifiableCredential"],
        "issuer": OTHER_ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "Someone"},
        "credentialStatus": status_entry(list_url),
    }
    did = {
        "@context": DID_CONTEXTS,
        "id": OTHER_ISSUER,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": public_key_multibase(key.public_key()),
            }
        ],
        "assertionMethod": [method],
    }
    files = {}
    for name, document in {"credential": credential, "status_list": status_list}.items():
        signed_document = proof_add(
            document, private_key=key, verification_method=method, created="2026-01-01T00:00:00Z"
        )
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(signed_document))
    files["did_document"] = tmp_path / "did.json"
    files["did_document"].write_text(json.dumps(did))
    return files


def entry(index):
    return lambda url: {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index,
        "statusListCredential": url,
    }


@pytest.mark.parametrize(
    ("case", "verified", "reason"),
    [
        (dict(status_entry=entry("5"), encoded=encoded_list([])), True, "says it has not been revoked"),
        (dict(status_entry=entry("5"), encoded=encoded_list([5])), False, "has revoked this credential"),
        (dict(status_entry=lambda url: [entry("5")(url)], encoded=encoded_list([5])), False, "has revoked"),
        (dict(status_entry=entry("-5"), encoded=encoded_list([5])), False, "not a Bitstring Status List entry"),
        (
            dict(status_entry=entry("5"), encoded=encoded_list([]), purpose="suspension"),
            False,
            "signed for revocations",
        ),
        (
            dict(status_entry=entry("5"), encoded=encoded_list([]), controller="did:web:third.example"),
            False,
            "does not list the key",
        ),
    ],
)
def test_another_issuers_credential_is_checked_by_the_same_rules(db, tmp_path, case, verified, reason):
    files = another_issuers(tmp_path, **case)

    result, output = verify_file(
        files["credential"], did_document=files["did_document"], status_list=files["status_list"]
    )

    assert result is verified, output
    assert reason in output


def test_the_pdf_carries_the_signed_credential_which_verifies_on_its_own(signed, tmp_path):
    reader = PdfReader(io.BytesIO(signed.pdf.open("rb").read()))

    [carried] = reader.attachments[f"certificate-{signed.printed_code}.json"]

    assert carried == signed.credential.encode()
    path = tmp_path / "from-the-pdf.json"
    path.write_bytes(carried)
    assert verify_file(path, offline=True)[0]


def test_a_pdf_rendered_before_the_credential_was_signed_is_rendered_again_when_downloaded(
    client, catalogue, tmp_path, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)  # no key: the PDF is rendered without a credential
    signing_key_create(path=tmp_path / "key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    credential_sign(certificate.pk)  # signed by a path that does not render the PDF (a worker stopped mid-way)
    client.force_login(certificate.enrollment.user)

    content = client.get(reverse("certificates:pdf", args=[certificate.code])).content

    certificate.refresh_from_db()
    assert list(PdfReader(io.BytesIO(content)).attachments) == [f"certificate-{certificate.printed_code}.json"]
    assert certificate.pdf_carries_credential and certificate.pdf_sha256 == hashlib.sha256(content).hexdigest()


# 1EdTech's published JSON schema for the OB 3.0 AchievementCredential: see schemas/README.md.
ACHIEVEMENT_CREDENTIAL_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas/ob_v3p0_achievementcredential.json").read_text()
)
FORMATS = FormatChecker(formats=list(Draft201909Validator.FORMAT_CHECKER.checkers))


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value) -> bool:
    """jsonschema checks date-time only with an optional package installed; RFC 3339 is this much."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value, re.ASCII):
        return False
    return bool(datetime.fromisoformat(value.replace("Z", "+00:00")))


def schema_errors(credential: dict) -> list[str]:
    validator = Draft201909Validator(ACHIEVEMENT_CREDENTIAL_SCHEMA, format_checker=FORMATS)
    return [f"{error.json_path}: {error.message[:200]}" for error in validator.iter_errors(credential)]


def test_the_date_time_check_is_real():
    assert schema_errors({"validFrom": "2026-12-01 10:00"}) != schema_errors({"validFrom": "2026-12-01T10:00:00Z"})


def completed_with_a_final_assessment(catalogue, *, right: int, of: int, pass_mark: str, cover_image=None):
    """A certificate the real way, after the final assessment is taken: `right` of `of` questions right."""
    enrollment, last_lesson = nearly_complete_enrollment(catalogue, test_passed=False)
    CoursePage.objects.filter(pk=enrollment.course_id).update(cover_image=cover_image)
    quiz = QuizPageFactory(
        parent=enrollment.course,
        pass_mark_percent=Decimal(pass_mark),
        questions=[single_choice(prompt=f"Question {n + 1}?") for n in range(of)],
    )
    attempt = attempt_start(quiz=quiz, user=enrollment.user)
    answers = right_answers(attempt.questions)
    for question in attempt.questions[right:]:
        answers[question["key"]] = next(choice["key"] for choice in question["choices"] if not choice["correct"])
    assert attempt_submit(attempt=attempt, answers=answers).passed
    LessonProgress.objects.filter(enrollment=enrollment, lesson=last_lesson).update(completed_at=timezone.now())
    return completion_record(enrollment=enrollment).certificate


def decoded_image(data_uri: str, media_type: str) -> Image.Image:
    prefix = f"data:{media_type};base64,"
    assert data_uri.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(data_uri.removeprefix(prefix))))


def test_a_wallet_shows_the_holder_images_and_the_score_and_every_validator_accepts_it(
    client, catalogue, signing_key_file, tmp_path, django_capture_on_commit_callbacks
):
    cover = ImageFactory(file__width=640, file__height=480, description="Hands over the lymph nodes of the neck")
    logo = ImageFactory(file__width=800, file__height=200, file__format="PNG")
    ProviderSettings.objects.update(logo=logo)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = completed_with_a_final_assessment(catalogue, right=3, of=4, pass_mark="70", cover_image=cover)
    certificate.refresh_from_db()
    credential = json.loads(certificate.credential)
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]

    assert subject["identifier"][0]["identityType"] == "name"
    assert subject["identifier"][0]["identityHash"] == "Nguyễn Thị Minh"
    assert achievement["description"].startswith("Home study continuing-education course of 1.50 CE hours")
    assert achievement["image"]["type"] == "Image"
    assert achievement["image"]["caption"] == "Hands over the lymph nodes of the neck"
    assert decoded_image(achievement["image"]["id"], "image/jpeg").size == (200, 200)
    assert decoded_image(credential["issuer"]["image"]["id"], "image/png").size == (200, 50)  # the logo's shape kept
    assert "caption" not in credential["issuer"]["image"]
    [described] = achievement["resultDescription"]
    assert described == {
        "id": achievement["id"] + "#final-assessment",
        "type": ["ResultDescription"],
        "name": "Final assessment score",
        "resultType": "Percent",
        "valueMin": "0",
        "valueMax": "100",
        "requiredValue": "70",
    }
    assert subject["result"] == [{"type": ["Result"], "resultDescription": described["id"], "value": "75"}]

    assert schema_errors(credential) == []
    data_loss_check({key: value for key, value in credential.items() if key != "proof"})
    assert verified_by_javascript(credential, client, tmp_path)["verified"] is True
    path = tmp_path / "credential.json"
    path.write_text(certificate.credential)
    assert verify_file(path, offline=True)[0]
    tampered = json.loads(certificate.credential)
    tampered["credentialSubject"]["result"][0]["value"] = "95"
    path.write_text(json.dumps(tampered))
    assert "signature does not match" in verify_file(path, offline=True)[1]


def test_a_completion_without_a_test_carries_no_result_and_passes_the_schema(
    client, catalogue, signing_key_file, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue, delivery="live", test_passed=False)
    certificate.refresh_from_db()
    credential = json.loads(certificate.credential)

    assert credential["credentialSubject"]["achievement"]["achievementType"] == "CertificateOfCompletion"
    assert "result" not in credential["credentialSubject"]
    assert "resultDescription" not in credential["credentialSubject"]["achievement"]
    assert schema_errors(credential) == []
    assert verified_by_javascript(credential, client, tmp_path)["verified"] is True


def test_the_schema_wants_a_proof_set_which_is_what_is_issued(signed):
    credential = json.loads(signed.credential)

    assert schema_errors(credential) == []
    assert [error.split(":")[0] for error in schema_errors({**credential, "proof": credential["proof"][0]})] == [
        "$.proof"
    ]


def test_a_credential_stored_with_a_single_proof_object_still_verifies(client, signed, tmp_path):
    """Credentials signed before proofs were issued as a set carry one proof object; it signs the same."""
    credential = json.loads(signed.credential)
    credential["proof"] = credential["proof"][0]
    stored = json.dumps(credential, ensure_ascii=False, indent=2)
    Certificate.objects.filter(pk=signed.pk).update(credential=stored)
    path = tmp_path / "credential.json"
    path.write_text(stored)

    assert verify_file(path, offline=True)[0]
    assert verified_by_javascript(credential, client, tmp_path)["verified"] is True
    assert "checks out" in client.get(reverse("certificates:verify", args=[signed.printed_code])).content.decode()
    assert served(client, signed).content == stored.encode()


def another_keys_proof(credential: dict) -> dict:
    """A valid proof of the credential by a key that is not the issuer's (an endorser's, say)."""
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    return proof_add(
        unsigned,
        private_key=Ed25519PrivateKey.generate(),
        verification_method=f"{OTHER_ISSUER}#key-1",
        created="2026-01-01T00:00:00Z",
    )["proof"][0]


def test_in_a_proof_set_the_issuers_proof_must_check_out_and_another_keys_does_not_replace_it(signed, tmp_path):
    credential = json.loads(signed.credential)
    endorsed = {**credential, "proof": [another_keys_proof(credential), *credential["proof"]]}
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(endorsed))
    verified, output = verify_file(path, offline=True)
    assert verified and "proof checks out against the issuer's key key-" in output

    forged = {**credential, "name": "Certificate of Achievement: 40 CE hours"}
    forged["proof"] = [*credential["proof"], another_keys_proof(forged)]  # the other key signs the forgery
    path.write_text(json.dumps(forged))
    assert "signature does not match" in verify_file(path, offline=True)[1]

    path.write_text(json.dumps({**credential, "proof": [another_keys_proof(credential)]}))
    assert "does not belong to the credential's issuer" in verify_file(path, offline=True)[1]
    path.write_text(json.dumps({**credential, "proof": []}))
    assert "carries no proof" in verify_file(path, offline=True)[1]


def test_a_key_given_twice_is_refused_though_the_signature_would_match(client, signed, tmp_path):
    """JSON parsers keep the last of a repeated key (so the signature matches), some readers the first."""
    text = signed.credential.replace(
        '{\n  "@context"', '{\n  "name": "Certificate of Achievement: 40 CE hours",\n  "@context"', 1
    )
    assert json.loads(text) == json.loads(signed.credential)
    path = tmp_path / "credential.json"
    path.write_text(text)

    verified, output = verify_file(path, offline=True)

    assert not verified and "gives the key “name” twice in one object" in output


def verify_exit(path, **options) -> tuple[int, str]:
    """`manage.py verify_credential`: its exit status and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_credential", str(path), stdout=out, stderr=err, **options)
    except CommandError as error:
        return error.returncode, out.getvalue() + err.getvalue() + str(error)
    return 0, out.getvalue() + err.getvalue()


def test_a_revoked_credential_whose_status_list_is_out_of_reach_is_not_reported_verified(db, tmp_path, monkeypatch):
    files = another_issuers(tmp_path, status_entry=entry("5"), encoded=encoded_list([5]))  # revoked
    checked = {"did_document": files["did_document"]}

    status, output = verify_exit(files["credential"], offline=True, **checked)
    assert status == 2 and "revocation status could not be checked" in output
    assert "https://other.example/status/1 could not be reached" in output and "verifies." not in output

    def unreachable(*args, **kwargs):
        raise URLError("Name or service not known")

    monkeypatch.setattr(verify_credential, "urlopen", unreachable)  # online, but the list's host is down
    assert verify_exit(files["credential"], **checked)[0] == 2

    status, output = verify_exit(files["credential"], offline=True, accept_unknown_status=True, **checked)
    assert status == 0 and "verifies, but its revocation status could not be checked" in output
    status, output = verify_exit(files["credential"], status_list=files["status_list"], **checked)
    assert status == 1 and "has revoked this credential" in output


def test_a_logo_whose_file_is_gone_is_left_out_and_the_credential_still_signed(
    catalogue, signing_key_file, django_capture_on_commit_callbacks, caplog
):
    logo = ImageFactory(file__format="PNG")
    logo.file.storage.delete(logo.file.name)
    ProviderSettings.objects.update(logo=logo)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()

    credential = json.loads(certificate.credential)
    assert credential["issuer"]["name"] == "Medical Massage CE" and "image" not in credential["issuer"]
    assert schema_errors(credential) == []
    assert f"Image {logo.pk} left out of a credential" in caplog.text
