"""The profile keeps the legal name that certificates print."""

import datetime

from bs4 import BeautifulSoup
from django.urls import reverse

from .factories import UserFactory


def test_a_practitioner_changes_their_legal_name(client, home_page):
    user = UserFactory(legal_name="Minh Nguyen")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"legal_name": "  Nguyễn   Thị Minh "}, follow=True)

    user.refresh_from_db()
    assert user.legal_name == "Nguyễn Thị Minh"
    assert "Your legal name is saved" in response.text


def test_a_blank_legal_name_is_refused_and_the_old_one_kept(client, home_page):
    user = UserFactory(legal_name="Nguyễn Thị Minh")
    client.force_login(user)

    for blank in ["", "   "]:
        response = client.post(reverse("accounts:profile"), {"legal_name": blank})

        assert response.status_code == 200
        assert "Enter your legal name: certificates cannot be issued without it." in response.text
        user.refresh_from_db()
        assert user.legal_name == "Nguyễn Thị Minh"


def test_a_legal_name_too_long_for_a_certificate_is_refused(client, home_page):
    user = UserFactory(legal_name="Nguyễn Thị Minh")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"legal_name": "A" * 201})

    assert "Ensure this value has at most 200 characters" in response.text
    user.refresh_from_db()
    assert user.legal_name == "Nguyễn Thị Minh"


def test_the_profile_shows_whether_the_email_is_confirmed_and_two_factor_is_on(client, home_page):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile")).text
    assert "Not confirmed" in page and "Confirm your email address before you enroll" in page

    client.force_login(UserFactory(verified_email=True, totp=True))
    page = client.get(reverse("accounts:profile")).text
    assert "Not confirmed" not in page and "Confirmed" in page


def test_a_practitioner_reads_times_in_their_own_zone_with_the_zone_named(client, home_page):
    from credits.models import LookupChannel, RecordLookup
    from credits.tests.factories import RegulatorFactory

    user = UserFactory(legal_name="Minh Nguyen")
    lookup = RecordLookup.objects.create(
        regulator=RegulatorFactory(), holder=user, licence_number="MA12345", channel=LookupChannel.PAGE
    )
    RecordLookup.objects.filter(pk=lookup.pk).update(
        looked_up_at=datetime.datetime(2028, 6, 30, 19, 0, tzinfo=datetime.UTC)
    )
    client.force_login(user)

    assert "June 30, 2028, 3:00 PM EDT" in client.get(reverse("accounts:profile")).text  # the site's zone at first

    response = client.post(reverse("accounts:time_zone"), {"time_zone": "America/Chicago"}, follow=True)

    user.refresh_from_db()
    assert user.time_zone == "America/Chicago"
    assert "Your time zone is saved" in response.text
    assert "June 30, 2028, 2:00 PM CDT" in response.text
    chosen = BeautifulSoup(response.content, "html.parser").select_one("select[name=time_zone] option[selected]")
    assert chosen.text == "Central Time (Chicago)"


def test_a_time_zone_not_in_the_list_is_refused_and_the_old_one_kept(client, home_page):
    user = UserFactory(time_zone="America/Denver")
    client.force_login(user)

    response = client.post(reverse("accounts:time_zone"), {"time_zone": "Mars/Olympus_Mons"}, follow=True)

    user.refresh_from_db()
    assert user.time_zone == "America/Denver"
    assert "Select a valid choice" in response.text
