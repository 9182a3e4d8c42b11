"""The signed credential: an Open Badges 3.0 credential with an eddsa-rdfc-2022 proof, served as signed,
revocable through a signed Bitstring Status List, and verifiable offline by `manage.py verify_credential`."""

import hashlib
import io
import json
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from certificates.codes import new_code, printed
from certificates.credentials import bit_is_set, credential_sign, decoded_list, encoded_list
from certificates.integrity import ProofError, data_loss_check, proof_add
from certificates.keys import DID_CONTEXTS, public_key_multibase, signing_key_create
from certificates.models import Certificate, StatusList
from certificates.services import certificate_reissue, certificate_revoke
from lms.models import ProviderSettings

from .factories import issued_certificate

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
    assert name["identityHash"] == "Nguyễn Thị Minh" and name["hashed"] is False
    address = signed.enrollment.user.email.lower()
    assert email["identityType"] == "emailAddress"
    assert email["identityHash"] == "sha256$" + hashlib.sha256((address + email["salt"]).encode()).hexdigest()
    assert address not in response.content.decode()
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"].startswith("did:web:localhost#key-")
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
        (lambda c: c["proof"].update(note="40 CE hours"), "not defined by the document's contexts"),
        (lambda c: c["proof"].update(verificationMethod="did:web:localhost#key-1999-01-01"), "does not list the key"),
        (lambda c: c["proof"].update(verificationMethod="did:web:elsewhere.example#key"), "does not belong to"),
        (lambda c: c["proof"].update(proofValue="not-multibase"), "not a base58btc"),
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
        certificate_revoke(certificate=signed, by=None, reason="Attendance record was falsified.")

    after = json.loads(client.get(url).content)
    bits = decoded_list(after["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, signed.status_list_index) and sum(bin(byte).count("1") for byte in bits) == 1
    path = tmp_path / "credential.json"
    path.write_text(signed.credential)
    verified, output = verify_file(path)
    assert not verified and "The issuer has revoked this credential." in output


def test_a_reissue_is_signed_anew_and_the_old_credential_is_revoked(client, signed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=signed, by=None, reason="Legal name corrected.")
    new.refresh_from_db()

    assert json.loads(new.credential)["credentialSubject"]["identifier"][0]["identityHash"] == "Nguyễn Thị Minh"
    assert (new.status_list_id, new.status_list_index) != (signed.status_list_id, signed.status_list_index)
    bits = decoded_list(json.loads(StatusList.objects.get().credential)["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, signed.status_list_index) and not bit_is_set(bits, new.status_list_index)


def test_credentials_signed_with_a_retired_key_still_verify(client, signed, tmp_path, settings):
    signing_key_create(path=tmp_path / "next-key.pem")
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "next-key.pem")

    page = client.get(reverse("certificates:verify", args=[signed.printed_code])).content.decode()

    assert "checks out" in page and json.loads(signed.credential)["proof"]["verificationMethod"].split("#")[1] in page
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
        certificate_revoke(certificate=certificate, by=None, reason="Issued in error.")
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
        certificate_revoke(certificate=signed, by=None, reason="Issued in error.")
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
            certificate = certificate_reissue(certificate=certificate, by=None, reason="Corrected.")

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
        certificate_revoke(certificate=signed, by=None, reason="Issued in error.")

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
        certificate = certificate_reissue(certificate=certificate, by=None, reason="Corrected.")
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
