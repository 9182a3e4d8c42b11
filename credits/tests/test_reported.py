"""Credits reported from elsewhere: the practitioner's form and record, their proofs, corrections, and the
reviewers' verdicts in the Wagtail admin."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import ModelLogEntry

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup
from credits import services
from credits.models import CreditEntry, DeliveryType, ReviewStatus
from lms.errors import DomainError, NotPermitted

from .factories import (
    BoardFactory,
    CreditCategoryFactory,
    CreditEntryFactory,
    ProvedCreditEntryFactory,
    image_bytes,
    proof_image,
    proof_pdf,
)


@pytest.fixture(autouse=True)
def proof_storage(tmp_path, settings):
    """Private storage in a folder of the test's own, so that what a test leaves there can be seen."""
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "private", "base_url": None}}
    settings.STORAGES = {**settings.STORAGES, "private": private}
    return tmp_path / "private"


def stored_files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def practitioner(client, db):
    user = UserFactory(email="pat@example.com", legal_name="Pat Rivera")
    client.force_login(user)
    return user


@pytest.fixture
def reviewer(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    return UserFactory(email="reviewer@example.com", groups=[REVIEWERS])


@pytest.fixture
def ethics(db):
    return CreditCategoryFactory(slug="ethics", name="Ethics")


def report_data(proof=None, **changes):
    data = {
        "title": "Lymphatic Drainage after Mastectomy",
        "provider_name": "Coastal Bodywork Seminars",
        "provider_number": "451234-11",
        "board": "",
        "completed_on": "2026-10-02",
        "hours": "3.5",
        "delivery": DeliveryType.LIVE,
        "proof": proof,
    }
    return {**data, **changes}


def test_the_record_and_its_pages_need_a_login(client, db):
    entry = ProvedCreditEntryFactory()

    for url in (
        reverse("credits:record"),
        reverse("credits:report"),
        reverse("credits:entry", args=[entry.pk]),
        reverse("credits:correct", args=[entry.pk]),
        reverse("credits:proof", args=[entry.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_a_practitioner_reports_a_credit_with_a_pdf_certificate(client, practitioner, ethics, proof_storage):
    board = BoardFactory(code="FL", name="Florida Board of Massage Therapy")
    pdf = proof_pdf()

    response = client.post(
        reverse("credits:report"), report_data(pdf, board=board.pk, categories=[ethics.pk]), follow=True
    )

    entry = CreditEntry.objects.get(user=practitioner)
    assert response.redirect_chain == [(reverse("credits:entry", args=[entry.pk]), 302)]
    page = response.content.decode()
    assert "is in your CE record, self-reported until a reviewer checks it" in page
    assert "Self-reported" in page and "Download the proof (PDF)" in page
    assert (entry.title, entry.provider_name, entry.provider_number, entry.board) == (
        "Lymphatic Drainage after Mastectomy",
        "Coastal Bodywork Seminars",
        "451234-11",
        board,
    )
    assert (entry.hours, entry.completed_on, entry.delivery) == (
        Decimal("3.50"),
        datetime.date(2026, 10, 2),
        DeliveryType.LIVE,
    )
    assert list(entry.categories.all()) == [ethics]
    assert (entry.source, entry.review_status, entry.created_by) == ("reported", "self_reported", practitioner)
    # Stored privately under a random name: the name the practitioner gave the file says nothing.
    assert entry.proof_content_type == "application/pdf"
    assert "certificate" not in entry.proof.name and entry.proof.name.endswith(".pdf")
    assert stored_files(proof_storage) == [entry.proof.name]
    log = ModelLogEntry.objects.get(action="credits.report")
    assert (log.user, log.object_id) == (practitioner, str(entry.pk))

    download = client.get(reverse("credits:proof", args=[entry.pk]))
    assert b"".join(download.streaming_content) == pdf.file.getvalue()
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="proof-{entry.pk}.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_photo_of_the_certificate_is_kept_redrawn_and_shown_inline(client, practitioner, kind):
    response = client.post(reverse("credits:report"), report_data(proof_image(kind)))

    entry = CreditEntry.objects.get(user=practitioner)
    assert response.status_code == 302
    proof = client.get(reverse("credits:proof", args=[entry.pk]))
    content = b"".join(proof.streaming_content)
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == (kind, (240, 160))
    assert proof["Content-Type"] == entry.proof_content_type == f"image/{kind.lower()}"
    assert proof["Content-Disposition"].startswith("inline; filename=")
    assert proof["X-Content-Type-Options"] == "nosniff"


def html_as_png():
    return SimpleUploadedFile("proof.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "image/png")


def truncated_png():
    whole = image_bytes("PNG")
    return SimpleUploadedFile("proof.png", whole[: len(whole) // 2], "image/png")


def truncated_jpeg():
    whole = image_bytes("JPEG")
    return SimpleUploadedFile("proof.jpg", whole[: len(whole) // 2], "image/jpeg")


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (lambda: SimpleUploadedFile("certificate.pdf", b"Completed, 3 hours.", "application/pdf"), "not a PDF, JPEG"),
        (html_as_png, "not a PDF, JPEG or PNG, whatever its name says"),
        (lambda: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n<html></html>", "image/png"), "cannot be read"),
        (truncated_png, "starts like a PNG image but cannot be read as one"),
        (truncated_jpeg, "starts like a JPEG image but cannot be read as one"),
        (lambda: SimpleUploadedFile("c.pdf", b"%PDF-1.7\n1 0 obj\n", "application/pdf"), "cannot be opened"),
        (lambda: proof_image("PNG", size=(400, 400)), "proofs can be at most 195.3"),
    ],
    ids=[
        "text-named-pdf",
        "html-named-png",
        "html-behind-png-signature",
        "truncated-png",
        "truncated-jpeg",
        "pdf-that-does-not-open",
        "oversized",
    ],
)
def test_a_bad_proof_is_refused_with_a_message_and_nothing_is_saved(
    client, practitioner, settings, proof_storage, make_upload, message
):
    settings.CREDIT_PROOF_MAX_BYTES = 200_000

    response = client.post(reverse("credits:report"), report_data(make_upload()))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page and message in page
    # What the practitioner typed is still there, so that only the file needs choosing again.
    assert 'value="Lymphatic Drainage after Mastectomy"' in page
    assert not CreditEntry.objects.exists()
    assert stored_files(proof_storage) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"completed_on": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"completed_on": "last spring"}, "Enter the completion date as a date"),
        ({"hours": "0"}, "more than 0"),
        ({"hours": "-2"}, "more than 0"),
        ({"hours": "101"}, "at most 100 hours"),
        ({"hours": "2.125"}, "at most two decimal places"),
        ({"hours": "three"}, "Enter the hours as a number"),
        ({"title": ""}, "Enter the course title."),
        ({"provider_number": ""}, "Enter the provider or approval number"),
        ({"delivery": ""}, "Choose how the course was delivered."),
        ({"title": "Ethics\u202e"}, "invisible or control characters"),
        ({"proof": ""}, "Attach the certificate, or a photo or scan of it, as proof."),
    ],
)
def test_a_wrong_detail_is_refused_in_plain_words_and_nothing_is_saved(
    client, practitioner, proof_storage, changes, message
):
    response = client.post(reverse("credits:report"), report_data(**{"proof": proof_pdf(), **changes}))

    assert response.status_code == 200 and message in response.content.decode()
    assert not CreditEntry.objects.exists()
    assert stored_files(proof_storage) == []


def test_an_empty_post_says_what_is_missing(client, practitioner):
    page = client.post(reverse("credits:report")).content.decode()

    assert "Enter the course title." in page and "Attach the certificate" in page
    assert not CreditEntry.objects.exists()


def test_a_good_file_sent_with_a_wrong_detail_is_asked_for_again(client, practitioner):
    page = client.post(reverse("credits:report"), report_data(proof_pdf(), hours="0")).content.decode()

    assert "choose the proof file again" in page


def test_a_row_that_fails_to_save_takes_its_file_with_it(practitioner, proof_storage, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "log", fail)
    data = {
        "title": "Ethics",
        "provider_name": "Another provider",
        "provider_number": "1",
        "board": None,
        "completed_on": datetime.date(2026, 1, 1),
        "hours": Decimal(2),
        "delivery": DeliveryType.HOME_STUDY,
    }

    with pytest.raises(RuntimeError):
        services.reported_credit_create(user=practitioner, data=data, proof=proof_pdf())

    assert not CreditEntry.objects.exists()
    assert stored_files(proof_storage) == []


def test_another_practitioners_entry_proof_and_correction_are_not_found(client, practitioner):
    theirs = ProvedCreditEntryFactory(title="Someone else's course")
    earned = CreditEntryFactory(earned=True)

    for url in (
        reverse("credits:entry", args=[theirs.pk]),
        reverse("credits:correct", args=[theirs.pk]),
        reverse("credits:proof", args=[theirs.pk]),
        reverse("credits:entry", args=[earned.pk]),
        reverse("credits:entry", args=[99_999_999]),
        reverse("credits:proof", args=[99_999_999]),
    ):
        assert client.get(url).status_code == 404, url
    posted = client.post(reverse("credits:correct", args=[theirs.pk]), report_data("", correction_reason="Mine now"))
    assert posted.status_code == 404
    assert "Someone else's course" not in client.get(reverse("credits:record")).content.decode()
    assert CreditEntry.objects.count() == 2


def test_reviewers_with_two_factor_see_any_proof_and_other_staff_do_not(client, reviewer, db):
    entry = ProvedCreditEntryFactory()
    url = reverse("credits:proof", args=[entry.pk])

    client.force_login(UserFactory(is_staff=True, totp=True))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(email="reviewer2@example.com", groups=[REVIEWERS], totp=False))
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 200


def test_the_record_shows_each_status_with_its_reason(client, practitioner):
    CreditEntryFactory(user=practitioner, title="Awaiting course")
    CreditEntryFactory(user=practitioner, title="Verified course", review_status=ReviewStatus.VERIFIED)
    CreditEntryFactory(
        user=practitioner, title="Rejected course", review_status="rejected", review_note="The certificate is unsigned."
    )
    CreditEntryFactory(
        user=practitioner,
        earned=True,
        title="Revoked course",
        withdrawn_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        withdrawn_reason="Certificate revoked: attended half.",
    )
    old = CreditEntryFactory(user=practitioner, title="Corrected course")
    services.reported_credit_correct(
        entry=old, by=practitioner, data={**_facts(old), "hours": Decimal(3), "correction_reason": "3 hours, not 2"}
    )

    page = client.get(reverse("credits:record")).content.decode()

    assert "Self-reported" in page and "Awaiting a reviewer." in page
    assert "Verified" in page
    assert "Rejected" in page and "The certificate is unsigned." in page
    assert "Withdrawn" in page and "Certificate revoked: attended half." in page
    assert "Superseded" in page and "Replaced by" in page
    assert page.count("Corrected course") == 2


def test_an_earned_entry_prints_its_certificate_code_as_the_certificate_does(client, practitioner):
    entry = CreditEntryFactory(user=practitioner, earned=True, certificate_code="FLAW00000000A")

    page = client.get(reverse("credits:entry", args=[entry.pk])).content.decode()

    assert "FLAW-0000-0000-A" in page and "FLAW00000000A" not in page


def _facts(entry):
    return {
        "title": entry.title,
        "provider_name": entry.provider_name,
        "provider_number": entry.provider_number,
        "board": entry.board,
        "completed_on": entry.completed_on,
        "hours": entry.hours,
        "delivery": entry.delivery,
        "categories": list(entry.categories.all()),
    }


def test_a_correction_supersedes_the_entry_and_both_stay(client, practitioner, ethics, proof_storage):
    client.post(reverse("credits:report"), report_data(proof_pdf()))
    old = CreditEntry.objects.get()
    form = client.get(reverse("credits:correct", args=[old.pk])).content.decode()
    assert 'value="Lymphatic Drainage after Mastectomy"' in form and 'value="3.50"' in form

    response = client.post(
        reverse("credits:correct", args=[old.pk]),
        report_data("", hours="4", categories=[ethics.pk], correction_reason="The certificate says 4 hours."),
        follow=True,
    )

    new = CreditEntry.objects.exclude(pk=old.pk).get()
    assert response.redirect_chain == [(reverse("credits:entry", args=[new.pk]), 302)]
    assert "the earlier version stays in your record" in response.content.decode()
    old.refresh_from_db()
    assert (old.hours, list(old.categories.all())) == (Decimal("3.50"), [])
    assert (new.hours, list(new.categories.all()), new.supersedes, new.correction_reason) == (
        Decimal("4.00"),
        [ethics],
        old,
        "The certificate says 4 hours.",
    )
    assert (new.review_status, new.proof.name, new.proof_content_type) == (
        "self_reported",
        old.proof.name,
        "application/pdf",
    )
    assert client.get(reverse("credits:proof", args=[new.pk])).status_code == 200
    assert ModelLogEntry.objects.filter(action="credits.supersede", user=practitioner).count() == 1

    # The replaced version cannot be corrected again; its page points to the correction.
    again = client.post(
        reverse("credits:correct", args=[old.pk]), report_data("", correction_reason="Twice")
    ).content.decode()
    assert "replaced by a correction" in again
    assert CreditEntry.objects.count() == 2
    assert "Correct this credit" not in client.get(reverse("credits:entry", args=[old.pk])).content.decode()


def test_a_correction_can_bring_a_new_proof_and_needs_a_reason(client, practitioner, proof_storage):
    old = ProvedCreditEntryFactory(user=practitioner)
    url = reverse("credits:correct", args=[old.pk])

    refused = client.post(url, report_data(proof_image("JPEG"), correction_reason="  ")).content.decode()
    assert "Say what you corrected" in refused and CreditEntry.objects.count() == 1
    assert stored_files(proof_storage) == [old.proof.name]

    client.post(url, report_data(proof_image("JPEG"), correction_reason="I attached the wrong certificate."))

    new = CreditEntry.objects.get(supersedes=old)
    assert new.proof_content_type == "image/jpeg" and new.proof.name != old.proof.name
    assert stored_files(proof_storage) == sorted([old.proof.name, new.proof.name])


def test_a_reviewed_credit_can_no_longer_be_corrected(client, practitioner):
    verified = CreditEntryFactory(user=practitioner, review_status=ReviewStatus.VERIFIED)

    page = client.post(
        reverse("credits:correct", args=[verified.pk]), report_data(proof_pdf(), correction_reason="More hours")
    ).content.decode()

    assert "already been verified, so it can no longer be corrected" in page
    assert CreditEntry.objects.count() == 1


def test_a_reviewer_verifies_in_the_admin(client, practitioner, reviewer):
    entry = ProvedCreditEntryFactory(user=practitioner, title="Reflexology for Neuropathy")
    client.force_login(reviewer)

    listing = client.get(reverse("credits_reported_admin:index")).content.decode()
    response = client.post(reverse("credits_reported_admin:verify", args=[entry.pk]), follow=True)

    assert "Reflexology for Neuropathy" in listing and reverse("credits:proof", args=[entry.pk]) in listing
    assert "is verified" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.review_status, entry.reviewed_by, entry.reviewed_at is not None) == ("verified", reviewer, True)
    assert ModelLogEntry.objects.get(action="credits.verify").user == reviewer
    awaiting = client.get(reverse("credits_reported_admin:index")).content.decode()
    assert "No reported credits are awaiting review." in awaiting
    verified = client.get(reverse("credits_reported_admin:index"), {"status": "verified"}).content.decode()
    assert "Reflexology for Neuropathy" in verified
    # A second verdict on the same credit is refused.
    again = client.post(reverse("credits_reported_admin:verify", args=[entry.pk]), follow=True).content.decode()
    assert "already been verified" in again


def test_a_reviewer_rejects_with_a_reason_the_practitioner_reads(client, practitioner, reviewer):
    entry = ProvedCreditEntryFactory(user=practitioner, title="Sports Massage Weekend")
    url = reverse("credits_reported_admin:reject", args=[entry.pk])
    client.force_login(reviewer)

    page = client.get(url).content.decode()
    refused = client.post(url, {"note": ""}).content.decode()
    blank = client.post(url, {"note": "   "}).content.decode()
    client.post(url, {"note": "The certificate names another person."})

    assert "Sports Massage Weekend" in page and reverse("credits:proof", args=[entry.pk]) in page
    assert "Give the reason for rejecting" in refused and "Give the reason for rejecting" in blank
    entry.refresh_from_db()
    assert (entry.review_status, entry.review_note, entry.reviewed_by) == (
        "rejected",
        "The certificate names another person.",
        reviewer,
    )
    assert ModelLogEntry.objects.get(action="credits.reject").data["note"] == "The certificate names another person."
    client.force_login(practitioner)
    record = client.get(reverse("credits:record")).content.decode()
    assert "Rejected" in record and "The certificate names another person." in record


def test_editors_without_the_review_permission_are_refused(client, practitioner, reviewer):
    entry = ProvedCreditEntryFactory(user=practitioner)
    client.force_login(UserFactory(email="instructor@example.com", groups=[INSTRUCTORS], totp=True))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    # Wagtail answers a refusal in the admin by sending the editor back to the dashboard, saying why.
    for response in (
        client.get(reverse("credits_reported_admin:index")),
        client.post(reverse("credits_reported_admin:verify", args=[entry.pk])),
        client.post(reverse("credits_reported_admin:reject", args=[entry.pk]), {"note": "No"}),
    ):
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Sorry, you do not have permission to access this area." in home
    assert "Reported credits" not in home
    entry.refresh_from_db()
    assert entry.review_status == "self_reported"


def test_reviewing_needs_two_factor_and_someone_else_than_the_practitioner(reviewer):
    own = CreditEntryFactory(user=reviewer)
    without_mfa = UserFactory(email="new-reviewer@example.com", groups=[REVIEWERS], totp=False)

    with pytest.raises(NotPermitted, match="two-factor"):
        services.reported_credit_review(entry=CreditEntryFactory(), by=without_mfa, verdict="verified")
    with pytest.raises(NotPermitted, match="Another reviewer"):
        services.reported_credit_review(entry=own, by=reviewer, verdict="verified")
    with pytest.raises(DomainError, match="earned here"):
        services.reported_credit_review(entry=CreditEntryFactory(earned=True), by=reviewer, verdict="verified")
    own.refresh_from_db()
    assert own.review_status == "self_reported"


def test_only_the_current_version_of_a_credit_is_reviewed(client, practitioner, reviewer):
    old = ProvedCreditEntryFactory(user=practitioner, title="Myofascial Release I")
    new = services.reported_credit_correct(
        entry=old, by=practitioner, data={**_facts(old), "correction_reason": "Typo in the title"}
    )
    client.force_login(reviewer)

    listing = client.get(reverse("credits_reported_admin:index")).content.decode()
    refused = client.post(reverse("credits_reported_admin:verify", args=[old.pk]), follow=True).content.decode()

    assert listing.count("Myofascial Release I") == 1 and "Corrected: Typo in the title" in listing
    assert "replaced by a correction" in refused
    old.refresh_from_db()
    assert old.review_status == "self_reported"
    services.reported_credit_review(entry=new, by=reviewer, verdict="verified")


# The page's frame (session, user, site, provider, the user's permissions, the catalog link) and two of
# its own: the entries with what they supersede and are superseded by, and their categories.
RECORD_QUERIES = 12


@pytest.mark.parametrize("count", [5, 50])
def test_the_record_costs_the_same_queries_for_5_and_50_entries(
    client, practitioner, ethics, count, django_assert_max_num_queries
):
    for number in range(count):
        entry = ProvedCreditEntryFactory(user=practitioner, title=f"Course {number}", categories=[ethics])
        if number % 5 == 0:
            services.reported_credit_correct(
                entry=entry, by=practitioner, data={**_facts(entry), "correction_reason": "Hours"}
            )

    with django_assert_max_num_queries(RECORD_QUERIES):
        response = client.get(reverse("credits:record"))

    assert response.content.decode().count("Superseded") == len(range(0, count, 5))


# The admin's frame (session, user, permissions, menu, two-factor check) and the page of credits with their
# practitioners, boards and categories, and its count.
REVIEW_QUEUE_QUERIES = 14


@pytest.mark.parametrize("count", [5, 50])
def test_the_review_queue_costs_the_same_queries_for_5_and_50_credits(
    client, reviewer, ethics, count, django_assert_max_num_queries
):
    for number in range(count):
        ProvedCreditEntryFactory(title=f"Reported course {number}", categories=[ethics])
    client.force_login(reviewer)

    with django_assert_max_num_queries(REVIEW_QUEUE_QUERIES):
        response = client.get(reverse("credits_reported_admin:index"))

    assert response.content.decode().count("Reported course ") == count
