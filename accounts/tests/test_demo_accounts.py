"""The demo's users are ready to use: confirmed addresses, and licences for the practitioner."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from accounts.selectors import email_is_verified, licences_for_user, user_must_use_mfa
from credits.models import Board
from lms.demo import reference


class DemoAccountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    def user(self, role):
        [spec] = [spec for spec in reference.USERS if spec["role"] == role]
        return get_user_model().objects.get(email=spec["email"])

    def test_every_demo_user_has_a_confirmed_email_address(self):
        for spec in reference.USERS:
            assert email_is_verified(user=get_user_model().objects.get(email=spec["email"])), spec["email"]

    def test_the_demo_practitioner_holds_licences_in_their_boards_forms(self):
        licences = list(licences_for_user(user=self.user("practitioner")))

        assert {licence.board.code for licence in licences} == {"FL", "NCBTMB"}
        assert all(licence.board.licence_number_fits(licence.number) for licence in licences)

    def test_demo_boards_that_license_practitioners_say_what_their_numbers_look_like(self):
        for code in ["NCBTMB", "FL", "TX", "NY"]:
            board = Board.objects.get(code=code)
            assert board.licence_number_example and board.licence_number_fits(board.licence_number_example), code

    def test_the_demo_administrator_and_reviewer_must_set_up_two_factor_the_instructor_need_not(self):
        assert user_must_use_mfa(user=self.user("administrator"))
        assert user_must_use_mfa(user=self.user("reviewer"))
        assert not user_must_use_mfa(user=self.user("instructor"))
        assert not user_must_use_mfa(user=self.user("practitioner"))
