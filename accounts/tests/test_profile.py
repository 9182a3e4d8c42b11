"""The profile keeps the legal name that certificates print."""

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
