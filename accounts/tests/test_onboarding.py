"""A new practitioner is asked for their legal name and first license once their address is confirmed;
they may skip it, and whatever they type is saved whole or not at all."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Licence
from credits.tests.factories import BoardFactory

from .factories import LicenceFactory, UserFactory
from .helpers import links_in_last_email

PASSPHRASE = "a long enough passphrase 2026"
ONBOARDING = reverse("accounts:onboarding")


@pytest.fixture
def florida(db):
    return BoardFactory(
        code="FL",
        name="Florida Board of Massage Therapy",
        jurisdiction="Florida",
        licence_number_pattern=r"MA\d{4,6}",
        licence_number_example="MA12345",
    )


def sign_up_and_confirm(client, email="minh@example.com", *, next_url="", time_zone="America/Chicago"):
    client.post(
        reverse("account_signup") + (f"?next={next_url}" if next_url else ""),
        {"email": email, "password1": PASSPHRASE, "password2": PASSPHRASE, "time_zone": time_zone},
    )
    [link] = links_in_last_email("/accounts/confirm-email/")
    return client.post(link)


def test_confirming_the_address_after_sign_up_leads_to_the_onboarding(client, home_page):
    response = sign_up_and_confirm(client)

    assert response.status_code == 302 and response["Location"] == ONBOARDING
    page = client.get(ONBOARDING)
    assert "Welcome to Medical Massage CE" in page.text
    assert "Legal name" in page.text and "Your first license" in page.text and "Skip for now" in page.text


def test_signing_up_from_a_course_page_returns_there_by_way_of_the_onboarding(client, home_page):
    response = sign_up_and_confirm(client, next_url="/courses/sports-massage/")

    assert response["Location"] == f"{ONBOARDING}?next=%2Fcourses%2Fsports-massage%2F"
    response = client.post(response["Location"], {"legal_name": "", "time_zone": "America/Chicago"})
    assert response["Location"] == "/courses/sports-massage/"


def test_the_browser_s_time_zone_sent_with_the_sign_up_is_kept(client, home_page):
    sign_up_and_confirm(client, time_zone="America/Los_Angeles")
    client.logout()
    sign_up_and_confirm(client, "ana@example.com", time_zone="Not/AZone")

    users = get_user_model().objects
    assert users.get(email="minh@example.com").time_zone == "America/Los_Angeles"
    assert users.get(email="ana@example.com").time_zone == "America/New_York"  # the site's, for a zone unknown here


def test_the_onboarding_saves_the_legal_name_and_the_first_license(client, home_page, florida):
    sign_up_and_confirm(client)
    user = get_user_model().objects.get(email="minh@example.com")

    response = client.post(
        ONBOARDING,
        {
            "legal_name": " Nguyễn  Thị Minh ",
            "time_zone": "America/Chicago",
            "licence-board": florida.pk,
            "licence-number": "ma12345",
            "licence-jurisdiction": "",
            "licence-expires_on": "2028-06-30",
        },
    )

    assert response["Location"] == reverse("courses:dashboard")
    user.refresh_from_db()
    assert user.legal_name == "Nguyễn Thị Minh"
    [licence] = user.licences.all()
    assert (licence.board, licence.number, licence.jurisdiction) == (florida, "MA12345", "Florida")
    assert client.get(ONBOARDING)["Location"] == reverse("courses:dashboard")  # nothing left to ask


def test_a_mistyped_license_saves_nothing_and_names_the_board_s_format(client, home_page, florida):
    sign_up_and_confirm(client)
    user = get_user_model().objects.get(email="minh@example.com")

    response = client.post(
        ONBOARDING,
        {
            "legal_name": "Nguyễn Thị Minh",
            "time_zone": "America/Chicago",
            "licence-board": florida.pk,
            "licence-number": "12345",
            "licence-expires_on": "2028-06-30",
        },
    )

    assert response.status_code == 200
    assert "Florida Board of Massage Therapy license numbers look like MA12345" in response.text
    assert "Nothing was saved" in response.text
    user.refresh_from_db()
    assert user.legal_name == "" and not Licence.objects.filter(user=user).exists()


def test_skipping_the_onboarding_saves_nothing_and_it_is_offered_again(client, home_page, florida):
    sign_up_and_confirm(client)
    page = client.get(ONBOARDING).text
    assert f'href="{reverse("courses:dashboard")}">Skip for now' in page

    response = client.post(ONBOARDING, {"legal_name": "", "time_zone": "America/Chicago", "licence-jurisdiction": ""})

    assert response["Location"] == reverse("courses:dashboard")
    assert get_user_model().objects.get(email="minh@example.com").legal_name == ""
    assert client.get(ONBOARDING).status_code == 200


def test_a_practitioner_with_a_license_is_asked_only_for_the_name(client, home_page):
    user = UserFactory(legal_name="")
    LicenceFactory(user=user)
    client.force_login(user)

    page = client.get(ONBOARDING).text

    assert "Legal name" in page and "Your first license" not in page


def test_the_onboarding_leads_only_to_this_site(client, home_page):
    client.force_login(UserFactory(legal_name=""))

    response = client.post(f"{ONBOARDING}?next=https://elsewhere.example/", {"legal_name": "A B", "time_zone": "UTC"})

    assert response["Location"] == reverse("courses:dashboard")


def test_confirming_in_another_browser_asks_to_log_in_and_then_onboards(client, home_page):
    client.post(
        reverse("account_signup"), {"email": "minh@example.com", "password1": PASSPHRASE, "password2": PASSPHRASE}
    )
    [link] = links_in_last_email("/accounts/confirm-email/")
    client.cookies.clear()  # another browser: not the one that signed up

    response = client.post(link)

    assert response["Location"] == f"{reverse('account_login')}?next=%2Faccounts%2Fwelcome%2F"
    assert len(mail.outbox) == 1
