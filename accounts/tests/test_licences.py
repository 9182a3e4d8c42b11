"""Practitioners record their licences; each board says what its licence numbers look like."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Licence
from accounts.services import licence_create
from credits.tests.factories import BoardFactory

from .factories import LicenceFactory, UserFactory


@pytest.fixture
def florida(db):
    return BoardFactory(
        code="FL",
        name="Florida Board of Massage Therapy",
        jurisdiction="Florida",
        licence_number_pattern=r"MA\d{4,6}",
        licence_number_example="MA12345",
    )


@pytest.fixture
def new_york(db):
    return BoardFactory(
        code="NY",
        name="New York State Board for Massage Therapy",
        jurisdiction="New York",
        licence_number_pattern=r"\d{6}",
        licence_number_example="012345",
    )


@pytest.fixture
def practitioner(client, home_page):
    user = UserFactory(email="minh@example.com")
    client.force_login(user)
    return user


def licence_data(for_board, **fields):
    return {"board": for_board.pk, "number": "MA12345", "jurisdiction": "", "expires_on": "2027-08-31", **fields}


@pytest.mark.parametrize(
    ("board_code", "number", "fits"),
    [
        ("FL", "MA12345", True),
        ("FL", " ma1234 ", True),  # read as boards print it: trimmed, in capitals
        ("FL", "12345", False),
        ("FL", "MA12345X", False),  # the whole number must fit, not a part of it
        ("NY", "012345", True),
        ("NY", "MA12345", False),
        ("NY", "12345", False),
    ],
)
def test_a_board_accepts_only_numbers_in_its_form(florida, new_york, board_code, number, fits):
    board = {"FL": florida, "NY": new_york}[board_code]

    assert board.licence_number_fits(number) is fits


def test_a_board_without_a_pattern_accepts_any_number(db):
    assert BoardFactory(licence_number_pattern="").licence_number_fits("anything 123")


def test_a_board_pattern_must_be_a_regular_expression_with_an_example_that_fits_it(db):
    with pytest.raises(ValidationError) as error:
        BoardFactory.build(code="X1", licence_number_pattern=r"MA(\d{4}", licence_number_example="MA1234").full_clean()
    assert "not a valid regular expression" in str(error.value.message_dict["licence_number_pattern"])

    with pytest.raises(ValidationError) as error:
        BoardFactory.build(code="X2", licence_number_pattern=r"MA\d{4}", licence_number_example="").full_clean()
    assert "licence_number_example" in error.value.message_dict

    with pytest.raises(ValidationError) as error:
        BoardFactory.build(code="X3", licence_number_pattern=r"MA\d{4}", licence_number_example="12345").full_clean()
    assert error.value.message_dict["licence_number_example"] == ["The example does not match the pattern."]


def test_an_editor_saving_a_board_with_a_broken_pattern_is_told_and_nothing_changes(client, florida):
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("wagtailsnippets_credits_board:edit", args=[florida.pk])
    data = {"code": "FL", "name": florida.name, "jurisdiction": "Florida", "website": ""}

    response = client.post(url, {**data, "licence_number_pattern": r"MA(\d{4", "licence_number_example": "MA1234"})

    assert response.status_code == 200
    assert "This is not a valid regular expression" in response.text
    florida.refresh_from_db()
    assert florida.licence_number_pattern == r"MA\d{4,6}"

    client.post(url, {**data, "licence_number_pattern": r"MA\d{5}", "licence_number_example": "MA12345"})
    florida.refresh_from_db()
    assert florida.licence_number_pattern == r"MA\d{5}"


def test_a_practitioner_adds_a_licence_and_the_state_defaults_to_the_boards(client, practitioner, florida):
    response = client.post(reverse("accounts:licence_add"), licence_data(florida, number=" ma56789 "))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    licence = Licence.objects.get(user=practitioner)
    assert (licence.board, licence.number, licence.jurisdiction) == (florida, "MA56789", "Florida")
    assert "Florida Board of Massage Therapy" in client.get(reverse("accounts:profile")).text


def test_the_profile_and_the_board_editor_speak_us_english(client, practitioner, florida):
    LicenceFactory(user=practitioner, board=florida, number="MA56789", expires_on="2027-08-31")

    profile = BeautifulSoup(client.get(reverse("accounts:profile")).content, "html.parser").get_text(" ")
    client.force_login(UserFactory(is_superuser=True))
    board_editor = client.get(reverse("wagtailsnippets_credits_board:edit", args=[florida.pk])).text

    assert "Licenses" in profile and "Add a license" in profile and "licence" not in profile.lower()
    assert "August 31, 2027" in profile  # month first, as US boards print dates
    assert "License numbers" in board_editor and "License number pattern" in board_editor


def test_a_number_that_does_not_fit_the_board_is_refused_with_the_form_it_should_have(client, practitioner, new_york):
    response = client.post(reverse("accounts:licence_add"), licence_data(new_york, number="MA12345"))

    assert response.status_code == 200
    assert "New York State Board for Massage Therapy license numbers look like 012345" in response.text
    assert 'value="MA12345"' in response.text  # what was typed is kept to correct
    assert not Licence.objects.exists()


def test_the_number_s_help_gives_the_chosen_board_s_format(client, practitioner, florida, new_york):
    def number_help(response):
        page = BeautifulSoup(response.content, "html.parser")
        number = page.find("input", {"name": "number"})
        [help_id] = [id_ for id_ in number["aria-describedby"].split() if id_.endswith("_helptext")]
        return page.find(id=help_id).get_text(strip=True), page

    help_text, page = number_help(client.get(reverse("accounts:licence_add")))
    assert help_text == "As printed on your license. Choose the board first to see the form its numbers take."
    florida_option = page.find("option", {"value": str(florida.pk)})
    assert florida_option["data-number-help"] == (
        "As printed on your license: Florida Board of Massage Therapy numbers look like MA12345."
    )

    help_text, _ = number_help(client.post(reverse("accounts:licence_add"), licence_data(new_york, number="MA12345")))
    assert help_text == "As printed on your license: New York State Board for Massage Therapy numbers look like 012345."

    licence = LicenceFactory(user=practitioner, board=florida, number="MA56789")
    help_text, _ = number_help(client.get(reverse("accounts:licence_edit", args=[licence.pk])))
    assert "numbers look like MA12345" in help_text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"board": ""}, "Choose the board that issued the license."),
        ({"number": ""}, "Enter the license number."),
        ({"expires_on": ""}, "Enter the expiration date printed on the license."),
        ({"expires_on": "31/08/2027x"}, "Enter the expiration date as a date"),
    ],
)
def test_a_licence_form_with_a_mistake_saves_nothing_and_says_what_is_wrong(
    client, practitioner, florida, fields, message
):
    response = client.post(reverse("accounts:licence_add"), licence_data(florida, **fields))

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing was saved" in response.text
    assert not Licence.objects.exists()


def test_a_national_board_needs_the_country_written_in(client, practitioner):
    national = BoardFactory(code="NCBTMB", name="NCBTMB", jurisdiction="")

    response = client.post(reverse("accounts:licence_add"), licence_data(national, number="1234567"))
    assert "Enter the state or country that issued this license." in response.text
    assert not Licence.objects.exists()

    client.post(reverse("accounts:licence_add"), licence_data(national, number="1234567", jurisdiction="United States"))
    assert Licence.objects.get().jurisdiction == "United States"


def test_the_same_licence_cannot_be_recorded_twice(client, practitioner, florida):
    LicenceFactory(user=practitioner, board=florida, number="MA12345")

    response = client.post(reverse("accounts:licence_add"), licence_data(florida, number="ma12345"))

    assert "You have already recorded this license." in response.text
    assert Licence.objects.count() == 1


def test_a_practitioner_may_hold_several_licences(client, practitioner, florida, new_york):
    client.post(reverse("accounts:licence_add"), licence_data(florida))
    client.post(reverse("accounts:licence_add"), licence_data(new_york, number="012345"))

    assert Licence.objects.filter(user=practitioner).count() == 2


def test_editing_a_licence_with_a_bad_number_leaves_it_as_it_was(client, practitioner, florida):
    licence = LicenceFactory(user=practitioner, board=florida, number="MA12345", expires_on="2027-08-31")

    response = client.post(
        reverse("accounts:licence_edit", args=[licence.pk]),
        licence_data(florida, number="12345", expires_on="2029-08-31"),
    )

    assert response.status_code == 200
    licence.refresh_from_db()
    assert (licence.number, str(licence.expires_on)) == ("MA12345", "2027-08-31")


def test_a_practitioner_edits_and_removes_their_own_licence(client, practitioner, florida):
    licence = LicenceFactory(user=practitioner, board=florida, number="MA12345")

    client.post(reverse("accounts:licence_edit", args=[licence.pk]), licence_data(florida, number="MA54321"))
    licence.refresh_from_db()
    assert licence.number == "MA54321"

    assert (
        "Remove your Florida Board of Massage Therapy license MA54321?"
        in client.get(reverse("accounts:licence_delete", args=[licence.pk])).text
    )
    client.post(reverse("accounts:licence_delete", args=[licence.pk]))
    assert not Licence.objects.exists()


def test_another_practitioners_licence_cannot_be_seen_changed_or_removed_by_guessing_its_id(
    client, practitioner, florida
):
    theirs = LicenceFactory(user=UserFactory(email="other@example.com"), board=florida, number="MA99999")
    edit, delete = (
        reverse("accounts:licence_edit", args=[theirs.pk]),
        reverse("accounts:licence_delete", args=[theirs.pk]),
    )

    assert client.get(edit).status_code == 404
    assert client.post(edit, licence_data(florida, number="MA11111")).status_code == 404
    assert client.get(delete).status_code == 404
    assert client.post(delete).status_code == 404
    assert client.get(reverse("accounts:licence_edit", args=[theirs.pk + 1000])).status_code == 404

    theirs.refresh_from_db()
    assert theirs.number == "MA99999"
    assert "MA99999" not in client.get(reverse("accounts:profile")).text


def test_the_profile_and_licences_need_a_signed_in_user(client, home_page, florida):
    licence = LicenceFactory(board=florida, number="MA12345")

    for url in [
        reverse("accounts:profile"),
        reverse("accounts:licence_add"),
        reverse("accounts:licence_edit", args=[licence.pk]),
        reverse("accounts:licence_delete", args=[licence.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    assert client.post(reverse("accounts:licence_delete", args=[licence.pk])).status_code == 302
    assert Licence.objects.filter(pk=licence.pk).exists()


def test_the_licence_service_refuses_a_number_a_form_would_refuse(db, florida):
    with pytest.raises(ValidationError) as error:
        licence_create(
            user=UserFactory(), board=florida, number="12345", jurisdiction="Florida", expires_on="2027-08-31"
        )

    assert "look like MA12345" in error.value.message_dict["number"][0]
    assert not Licence.objects.exists()
