"""The regulators' contract: the verification page and the JSON API, for one code or a hundred."""

import json
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from certificates.codes import check_symbol, printed
from certificates.models import CertificateLookup
from certificates.tests.factories import issued_certificate
from certificates.verification import MAX_BULK_CODES, MISSES

pytestmark = pytest.mark.django_db

UNKNOWN = "0" * 12 + check_symbol("0" * 12)


@pytest.fixture
def certificate(catalogue):
    return issued_certificate(catalogue)


def api(client, code):
    return client.get(f"/api/v1/certificates/{quote(code, safe='')}/")


def bulk(client, body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(reverse("certificates:api_bulk_verify"), data, content_type=content_type)


def test_the_page_shows_what_the_certificate_certifies_with_the_licence_masked(client, certificate):
    response = client.get(reverse("certificates:verify", args=[certificate.printed_code]))

    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert response.status_code == 200
    assert "Valid certificate" in text and "Nguyễn Thị Minh" in text
    assert "Manual Lymphatic Drainage after Surgery" in text and "1.50 CE hours" in text
    assert "Certificate of Achievement" in text and "Home study" in text
    assert "DEMO-451234" in text and "NCBTMB provider no. AP-1234" in text
    assert "••••765" in text and "MA98765" not in response.content.decode()
    assert "NCBTMB license ••••765" in text
    assert response["X-Robots-Tag"] == "noindex, nofollow" and response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_form_reads_a_code_as_people_type_it(client, certificate):
    typed = certificate.printed_code.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    response = client.get(reverse("certificates:verify_form"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[certificate.printed_code])


def test_a_typing_mistake_is_malformed_and_an_unknown_code_not_found(client, certificate):
    mistyped = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")

    malformed = client.get(reverse("certificates:verify", args=[mistyped]))
    missing = client.get(reverse("certificates:verify", args=[printed(UNKNOWN)]))
    form = client.get(reverse("certificates:verify_form"), {"code": mistyped})

    assert malformed.status_code == 400 and "Not a certificate code" in malformed.content.decode()
    assert missing.status_code == 404 and "No such certificate" in missing.content.decode()
    assert form.status_code == 400 and "typing mistake" in form.content.decode()


def page_of(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_example_on_the_form_reads_as_a_code_never_issued_not_as_a_typing_mistake(client, certificate):
    example = page_of(client.get(reverse("certificates:verify_form"))).select_one(".lead code").get_text()

    response = client.get(reverse("certificates:verify_form"), {"code": example}, follow=True)

    assert example != certificate.printed_code and response.status_code == 404
    assert "No such certificate" in response.content.decode() and "typing mistake" not in response.content.decode()
    assert api(client, example).json()["status"] == "not_found"


def test_the_example_is_never_handed_out_as_a_code(monkeypatch):
    from certificates import codes

    symbols = iter(codes.EXAMPLE[: codes.BODY_LENGTH] + "0" * codes.BODY_LENGTH)
    monkeypatch.setattr(codes.secrets, "choice", lambda alphabet: next(symbols))

    assert codes.new_code() == UNKNOWN


def test_an_unknown_code_answers_with_the_form_again_the_message_in_view_and_the_code_kept(client):
    response = client.get(reverse("certificates:verify_form"), {"code": UNKNOWN.lower()}, follow=True)

    page = page_of(response)
    alert = page.select_one(".message.message--error[role=alert]")
    assert response.status_code == 404 and page.h1.get_text() == "No such certificate"
    assert f"No certificate with the code {printed(UNKNOWN)} has been issued by Medical Massage CE" in alert.get_text()
    field = page.select_one("form input#code")
    assert field["value"] == printed(UNKNOWN) and field["aria-invalid"] == "true"
    assert field["aria-describedby"] == alert["id"]


def test_a_mistyped_code_answers_with_the_form_again_keeping_exactly_what_was_typed(client, certificate):
    typed = printed(certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")).lower()

    response = client.get(reverse("certificates:verify_form"), {"code": typed})

    page = page_of(response)
    alert = page.select_one(".message.message--error[role=alert]")
    assert response.status_code == 400 and page.h1.get_text() == "Not a certificate code"
    assert f"“{typed}” cannot be a certificate code. This code has a typing mistake" in alert.get_text()
    assert page.select_one("form input#code")["value"] == typed
    assert not page.select(".field__help")  # not the small grey help text


def test_a_mistyped_code_in_the_address_gets_the_form_too(client):
    response = client.get(reverse("certificates:verify", args=["7K3M-9QXR"]))

    page = page_of(response)
    assert response.status_code == 400 and page.select_one("form input#code")["value"] == "7K3M-9QXR"
    assert "13 symbols, not 8" in page.select_one(".message--error").get_text()


def test_a_revoked_certificates_credential_is_intact_but_revoked_not_a_reassurance(
    client, catalogue, signing_key_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(catalogue)
    certificate.refresh_from_db()
    assert certificate.credential
    certificate.revoked_at, certificate.revocation_reason = timezone.now(), "Issued in error."
    certificate.save()

    page = page_of(client.get(reverse("certificates:verify", args=[certificate.printed_code])))

    text = page.get_text(" ", strip=True)
    assert "checks out" not in text and not page.select(".message--success")
    assert "(Open Badges 3.0) is intact" in text and "The issuer has revoked it" in text


def test_every_boards_provider_number_is_shown(client, catalogue):
    from certificates.services import completion_record
    from certificates.tests.factories import nearly_complete_enrollment
    from courses.models import LessonProgress
    from courses.tests.factories import CourseApprovalFactory
    from credits.tests.factories import BoardFactory

    enrollment, last_lesson = nearly_complete_enrollment(catalogue)
    florida = BoardFactory(code="fl", name="Florida Board of Massage Therapy", provider_number="MCE-5678")
    CourseApprovalFactory(course=enrollment.course, board=florida, number="20-912345")
    LessonProgress.objects.filter(enrollment=enrollment, lesson=last_lesson).update(completed_at=timezone.now())
    certificate = completion_record(enrollment=enrollment).certificate

    page = page_of(client.get(reverse("certificates:verify", args=[certificate.printed_code])))

    facts = {div.dt.get_text(): div.dd.get_text() for div in page.select(".facts > div")}
    assert facts["NCBTMB provider no."] == "AP-1234"
    assert facts["Florida Board of Massage Therapy provider no."] == "MCE-5678"
    approvals = api(client, certificate.code).json()["course"]["approvals"]
    assert {a["board"]: a["provider_number"] for a in approvals} == {
        "NCBTMB": "AP-1234",
        "Florida Board of Massage Therapy": "MCE-5678",
    }


def test_the_api_answers_the_contract(client, certificate):
    body = api(client, certificate.code.lower()).json()

    assert body == {
        "code": certificate.printed_code,
        "status": "valid",
        "holder": {"name": "Nguyễn Thị Minh", "licences": [{"board": "NCBTMB", "number": "••••765"}]},
        "course": {
            "title": "Lymphatic Drainage after Surgery",
            "ce_hours": "1.50",
            "categories": ["Pathology"],
            "delivery": "home_study",
            "approvals": [
                {
                    "board": "NCBTMB",
                    "number": "DEMO-451234",
                    "title": "Manual Lymphatic Drainage after Surgery",
                    "hours": "1.50",
                    "provider_number": "AP-1234",
                }
            ],
        },
        "certificate_kind": "achievement",
        "provider": {"name": "Medical Massage CE", "number": "AP-1234"},
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "revoked_at": None,
        "revocation_reason": None,
        "credential_url": None,
    }


def test_not_found_carries_only_the_code_and_status_and_malformed_why_and_what_was_sent(client):
    missing, malformed = api(client, UNKNOWN), api(client, "7K3M-9QXR")

    assert (missing.status_code, missing.json()) == (404, {"code": printed(UNKNOWN), "status": "not_found"})
    assert (malformed.status_code, malformed.json()) == (
        400,
        {
            "code": "7K3M-9QXR",
            "status": "malformed",
            "reason": "A certificate code has 13 symbols, not 8.",
            "submitted": "7K3M-9QXR",
        },
    )


def test_a_revoked_certificate_says_so_with_reason_and_date(client, certificate):
    certificate.revoked_at, certificate.revocation_reason = timezone.now(), "Issued in error: the test was retaken."
    certificate.save()

    body = api(client, certificate.code).json()
    page = client.get(reverse("certificates:verify", args=[certificate.printed_code])).content.decode()

    assert (body["status"], body["revocation_reason"]) == ("revoked", "Issued in error: the test was retaken.")
    assert body["revoked_at"] == certificate.revoked_at.isoformat()
    assert "Revoked certificate" in page and "Issued in error" in page


def test_bulk_verification_answers_in_order_in_one_query_whatever_the_number(
    client, certificate, django_assert_max_num_queries
):
    codes = [certificate.printed_code, UNKNOWN, "nonsense"] * 33 + [certificate.code]

    with django_assert_max_num_queries(BULK_QUERIES):
        response = bulk(client, {"codes": codes})
    with django_assert_max_num_queries(BULK_QUERIES):
        bulk(client, {"codes": codes[:1]})

    results = response.json()["results"]
    assert [result["status"] for result in results[:3]] == ["valid", "not_found", "malformed"]
    assert len(results) == 100 and results[-1]["code"] == certificate.printed_code


BULK_QUERIES = 2  # the certificates, then the lookup log (production writes it later: test_lookup_log)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        ("{not json", "application/json", "The body is not valid JSON."),
        ({"codes": ["x"]}, "text/plain", "Send a JSON body with Content-Type: application/json."),
        ({"codes": "7K3M"}, "application/json", 'The body must be an object with "codes": a list of codes.'),
        (["7K3M"], "application/json", 'The body must be an object with "codes": a list of codes.'),
        ("[" * 100_000, "application/json", "The body is not valid JSON."),
        ('{"codes": ' + "1" * 5000 + "}", "application/json", "The body is not valid JSON."),
        ({"codes": []}, "application/json", f"Send between 1 and {MAX_BULK_CODES} codes at a time."),
        ({"codes": ["x"] * 101}, "application/json", f"Send between 1 and {MAX_BULK_CODES} codes at a time."),
    ],
)
def test_bad_bulk_requests_get_a_400_with_a_reason_and_log_nothing(client, body, content_type, reason):
    response = bulk(client, body, content_type=content_type)

    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert not CertificateLookup.objects.exists()


def test_misses_are_limited_with_retry_after(client, certificate):
    for _ in range(MISSES.allowed):
        assert api(client, UNKNOWN).status_code == 404

    limited = api(client, certificate.code)
    page = client.get(reverse("certificates:verify", args=[certificate.printed_code]))

    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Too many lookups" in limited.json()["error"]
    assert page.status_code == 429 and page["Retry-After"]


def test_every_lookup_is_logged_with_a_hashed_address_and_counted_for_the_holder(client, certificate):
    client.get(reverse("certificates:verify", args=[certificate.printed_code]), REMOTE_ADDR="203.0.113.9")
    api(client, certificate.code)

    lookups = CertificateLookup.objects.filter(certificate=certificate)
    assert lookups.count() == 2
    assert all(len(lookup.address_hash) == 64 and "203.0.113.9" not in lookup.address_hash for lookup in lookups)
    client.force_login(certificate.enrollment.user)
    assert "2 times" in client.get(reverse("certificates:mine")).content.decode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
@example("verify")
def test_no_code_ever_gives_a_server_error(client, text):
    """The client fixture holds no state between examples; the cache is emptied for each."""
    cache.clear()  # not rate limited across examples
    response = api(client, text or " ")
    if text == "verify":  # the bulk API's address: it says how to use it
        assert response.status_code == 405 and response.json()["error"]
    else:
        assert response.status_code in (200, 400, 404), (text, response.status_code)
    assert response["Content-Type"] == "application/json"
    bulk_response = bulk(client, {"codes": [text]})
    assert bulk_response.status_code == 200


def test_odd_entries_in_a_bulk_request_are_each_malformed_and_safe_to_echo(client, certificate):
    body = '{"codes": [1, null, "\\ud800", "\\u0000abc", "CODE"]}'.replace("CODE", certificate.code)
    response = bulk(client, body)

    results = response.json()["results"]
    assert [result["status"] for result in results] == ["malformed"] * 4 + ["valid"]
    assert results[3]["code"] == "\ufffdabc"
    assert [result["submitted"] for result in results[:4]] == ["1", "null", "\ufffd", "\ufffdabc"]
    assert results[0]["reason"] == results[1]["reason"] == "A certificate code is sent as a JSON string."
    assert "submitted" not in results[4] and "reason" not in results[4]


def test_typos_do_not_use_up_the_miss_limit_but_unknown_codes_do(client, certificate):
    mistyped = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    for _ in range(MISSES.allowed + 5):
        assert api(client, mistyped).status_code == 400
    assert api(client, certificate.code).status_code == 200


def test_an_ipv6_client_is_limited_across_its_whole_64(client, certificate):
    for n in range(MISSES.allowed):
        client.get(f"/api/v1/certificates/{UNKNOWN}/", REMOTE_ADDR=f"2001:db8::{n:x}")

    assert client.get(f"/api/v1/certificates/{certificate.code}/", REMOTE_ADDR="2001:db8::ffff").status_code == 429
    assert client.get(f"/api/v1/certificates/{certificate.code}/", REMOTE_ADDR="2001:db8:1::1").status_code == 200


def test_every_verification_answer_carries_noindex_and_no_cache_even_a_405(client):
    for response in [
        client.post(reverse("certificates:verify", args=[UNKNOWN])),
        client.get(reverse("certificates:api_bulk_verify")),
    ]:
        assert response.status_code == 405
        assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-cache" in response["Cache-Control"]
    assert client.head(reverse("certificates:api_certificate", args=[UNKNOWN])).status_code == 404
    assert client.get(reverse("certificates:api_bulk_verify"))["Allow"] == "POST, OPTIONS"


def test_the_holder_gets_a_share_address_and_a_linkedin_add_to_profile_link(client, certificate):
    client.force_login(certificate.enrollment.user)

    page = BeautifulSoup(client.get(reverse("certificates:mine")).content, "html.parser")

    linkedin = page.find("a", string="Add to LinkedIn profile")["href"]
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    assert f"certId={certificate.printed_code}" in linkedin and "certUrl=http%3A%2F%2Flocalhost%2Fverify%2F" in linkedin
    assert f"Share: http://localhost/verify/{certificate.printed_code}/" in page.get_text()


def test_any_origin_may_read_every_api_answer_even_a_limit(client, certificate):
    malformed = api(client, "7K3M-9QXR")
    for _ in range(MISSES.allowed):
        missing = api(client, UNKNOWN)
    answers = [malformed, missing, bulk(client, {"codes": [UNKNOWN]}), api(client, certificate.code)]

    assert [answer.status_code for answer in answers] == [400, 404, 429, 429]
    for answer in answers:
        assert answer["Access-Control-Allow-Origin"] == "*", answer.status_code
    assert "Retry-After" in answers[-1]["Access-Control-Expose-Headers"]
    cache.clear()
    found = client.get(f"/api/v1/certificates/{certificate.code}/", HTTP_ORIGIN="https://board.example")
    assert found.status_code == 200 and found["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("url", "methods"),
    [("/api/v1/certificates/verify/", "POST"), (f"/api/v1/certificates/{UNKNOWN}/", "GET, HEAD")],
)
def test_a_browsers_cors_preflight_is_answered_without_a_lookup(client, url, methods):
    response = client.options(
        url,
        HTTP_ORIGIN="https://board.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=methods.split(",")[0],
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )

    assert response.status_code == 204 and response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == methods
    assert response["Access-Control-Allow-Headers"] == "Content-Type"
    assert int(response["Access-Control-Max-Age"]) > 0
    assert not CertificateLookup.objects.exists()


def test_a_cross_origin_bulk_verification_is_answered(certificate):
    browser = Client(enforce_csrf_checks=True)  # a page elsewhere: no CSRF token, and none is needed

    response = browser.post(
        reverse("certificates:api_bulk_verify"),
        json.dumps({"codes": [certificate.code]}),
        content_type="application/json",
        HTTP_ORIGIN="https://board.example",
    )

    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["results"][0]["status"] == "valid"


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("post", f"/api/v1/certificates/{UNKNOWN}/", "GET, HEAD, OPTIONS"),
        ("delete", f"/api/v1/certificates/{UNKNOWN}/", "GET, HEAD, OPTIONS"),
        ("put", "/api/v1/certificates/verify/", "POST, OPTIONS"),
        ("patch", "/api/v1/certificates/verify/", "POST, OPTIONS"),
    ],
)
def test_other_methods_get_a_405_in_json_not_a_csrf_page(method, url, allow):
    browser = Client(enforce_csrf_checks=True)

    response = getattr(browser, method)(url, "{}", content_type="application/json")

    assert response.status_code == 405 and response["Content-Type"] == "application/json"
    assert response["Allow"] == allow and response.json()["error"]
    assert not CertificateLookup.objects.exists()


def test_a_body_over_the_size_limit_gets_a_400_in_json(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = bulk(client, {"codes": [UNKNOWN] * 80})

    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": f"The body is larger than 1000 bytes: send at most {MAX_BULK_CODES} codes at a time."
    }
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not CertificateLookup.objects.exists()


@pytest.mark.parametrize("known", [True, False], ids=["issued code", "unknown code"])
def test_one_code_costs_the_same_two_queries_issued_or_unknown(client, certificate, known, django_assert_num_queries):
    """An unknown code is answered as fast as an issued one: nobody learns from the timing which codes exist."""
    code = certificate.code if known else UNKNOWN

    with django_assert_num_queries(BULK_QUERIES):
        response = api(client, code)

    assert response.status_code == (200 if known else 404)
