"""The demo shows the CE record at work: a regulator to sign in as, reported credits (one verified, one
awaiting review) and a Florida license part-way to its renewal."""

import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from pypdf import PdfReader

from credits.models import REGULATORS, CreditEntry, EntrySource, Regulator, ReviewStatus
from credits.selectors import standings
from lms.demo import reference


def seed():
    call_command("seed_demo", stdout=io.StringIO())


class DemoCreditsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()
        users = get_user_model().objects
        cls.practitioner = users.get(email="practitioner@example.com")
        cls.regulator = users.get(email="regulator@example.com")

    def florida(self):
        [florida] = [item for item in standings(user=self.practitioner) if item.licence.board.code == "FL"]
        return florida

    def test_the_demo_regulator_signs_in_with_the_printed_password_and_audits_florida(self):
        [spec] = [spec for spec in reference.USERS if spec["role"] == "regulator"]

        response = self.client.post("/accounts/login/", {"login": spec["email"], "password": spec["password"]})

        assert response.status_code == 302
        assert self.regulator.groups.filter(name=REGULATORS).exists()
        assert Regulator.objects.get(user=self.regulator).board.code == "FL"
        assert self.client.get("/audit/").status_code == 200

    def test_the_florida_license_expires_on_august_31_2027_part_way_to_its_renewal(self):
        florida = self.florida()

        assert florida.licence.number == "MA98765"
        assert str(florida.licence.expires_on) == "2027-08-31"
        progress = florida.progress
        assert Decimal(0) < progress.counted_hours < progress.required_hours
        assert progress.live_hours == Decimal(3)  # the hands-on class reported from elsewhere, verified
        assert "9 more hours live, in person" in [str(shortfall) for shortfall in progress.shortfalls]

    def test_a_verified_in_person_credit_with_its_pdf_proof_counts_and_another_awaits_review(self):
        reported = {
            entry.title: entry
            for entry in CreditEntry.objects.filter(user=self.practitioner, source=EntrySource.REPORTED)
        }
        hands_on = reported["Hands-on Myofascial Release for the Lumbar Spine"]
        pending = reported["Preventing Medical Errors in Massage Practice"]

        assert hands_on.review_status == ReviewStatus.VERIFIED
        assert hands_on.reviewed_by.email == "reviewer@example.com"
        assert (hands_on.delivery, hands_on.hours) == ("live", Decimal("3.00"))
        with hands_on.proof.open("rb") as proof:
            assert "Lumbar Spine" in PdfReader(proof).pages[0].extract_text()
        assert pending.review_status == ReviewStatus.SELF_REPORTED and pending.proof_content_type == "image/png"
        placement = self.florida().progress.placement(str(hands_on.pk))
        assert placement.counted and placement.hours == Decimal(3)

    def test_the_dashboard_shows_the_florida_license(self):
        self.client.force_login(self.practitioner)

        response = self.client.get("/learn/")

        assert response.status_code == 200
        assert "MA98765" in response.content.decode()

    def test_seeding_again_adds_no_credit_and_no_regulator(self):
        before = (CreditEntry.objects.count(), Regulator.objects.count())

        seed()

        assert (CreditEntry.objects.count(), Regulator.objects.count()) == before
