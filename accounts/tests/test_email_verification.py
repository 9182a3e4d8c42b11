"""Practitioners sign up with an email address and confirm it before they may enrol."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from accounts.selectors import email_is_verified

from .factories import UserFactory
from .helpers import PASSWORD, links_in_last_email, sign_in


def test_a_user_with_a_confirmed_primary_address_is_verified(db):
    assert email_is_verified(user=UserFactory(verified_email=True))


def test_an_unconfirmed_address_or_none_at_all_is_not_verified(db):
    unconfirmed = UserFactory()
    EmailAddress.objects.create(user=unconfirmed, email=unconfirmed.email, primary=True, verified=False)

    assert not email_is_verified(user=unconfirmed)
    assert not email_is_verified(user=UserFactory())  # e.g. created in the admin: never confirmed
    assert not email_is_verified(user=AnonymousUser())


def test_a_confirmed_old_address_does_not_verify_a_new_one(db):
    user = UserFactory(email="old@example.com", verified_email=True)
    user.email = "new@example.com"
    user.save()

    assert not email_is_verified(user=user)


def test_signing_up_sends_a_link_that_confirms_the_address(client, home_page):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "minh@example.com",
            "password1": "a long enough passphrase 2026",
            "password2": "a long enough passphrase 2026",
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(email="minh@example.com")
    assert not email_is_verified(user=user)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["minh@example.com"]
    [link] = links_in_last_email("/accounts/confirm-email/")

    page = client.get(link)  # opening the link only asks: a mail scanner following it confirms nothing
    assert page.status_code == 200 and "minh@example.com" in page.text
    assert not email_is_verified(user=user)

    client.post(link)

    assert email_is_verified(user=user)


def test_an_unconfirmed_practitioner_can_still_sign_in_and_browse(client, home_page):
    user = UserFactory(email="later@example.com")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    response = sign_in(client, "later@example.com")

    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == user


def test_a_new_email_address_replaces_the_old_one_only_once_confirmed(client, home_page):
    user = UserFactory(email="old@example.com", verified_email=True)
    sign_in(client, "old@example.com")

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # asked before changing the address
    client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})

    user.refresh_from_db()
    assert user.email == "old@example.com" and email_is_verified(user=user)
    assert mail.outbox[-1].to == ["new@example.com"]
    [link] = links_in_last_email("/accounts/confirm-email/")

    client.post(link)

    user.refresh_from_db()
    assert user.email == "new@example.com" and email_is_verified(user=user)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["new@example.com"]
    assert client.login(email="new@example.com", password=PASSWORD)


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, home_page):
    UserFactory(email="forgot@example.com", verified_email=True)

    client.post(reverse("account_reset_password"), {"email": "forgot@example.com"})
    [link] = links_in_last_email("/accounts/password/reset/key/")
    form_url = client.get(link)["Location"]  # allauth moves the key out of the address first
    response = client.post(
        form_url, {"password1": "a brand new passphrase 2026", "password2": "a brand new passphrase 2026"}
    )

    assert response.status_code == 302
    assert client.login(email="forgot@example.com", password="a brand new passphrase 2026")
    assert not client.login(email="forgot@example.com", password=PASSWORD)


def test_with_two_factor_on_the_address_cannot_be_changed_until_it_is_turned_off(client, home_page):
    user = UserFactory(email="old@example.com", verified_email=True, totp=True)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})

    assert "You cannot add an email address to an account protected by two-factor authentication." in response.text
    user.refresh_from_db()
    assert user.email == "old@example.com" and not mail.outbox


def test_an_unconfirmed_practitioner_has_the_confirmation_sent_again_once_every_three_minutes(client, home_page):
    user = UserFactory(email="minh@example.com")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.force_login(user)
    profile = client.get(reverse("accounts:profile")).text
    assert "Send the email again" in profile and f'action="{reverse("accounts:email_confirmation_resend")}"' in profile

    resend = reverse("accounts:email_confirmation_resend")
    first = client.post(resend, {"next": "/courses/sports-massage/"}, follow=True)
    again = client.post(resend, {"next": "/courses/sports-massage/"}, follow=True)

    assert first.redirect_chain[0][0] == "/courses/sports-massage/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["minh@example.com"]
    assert "in the last few minutes" in again.text
    [link] = links_in_last_email("/accounts/confirm-email/")
    client.post(link)
    assert email_is_verified(user=user)


def test_sending_the_confirmation_again_needs_a_post_and_leads_only_to_this_site(client, home_page):
    user = UserFactory()
    client.force_login(user)
    resend = reverse("accounts:email_confirmation_resend")

    assert client.get(resend).status_code == 405
    response = client.post(resend, {"next": "https://elsewhere.example/"})

    assert response["Location"] == reverse("accounts:profile")
    assert len(mail.outbox) == 1  # an address created in the admin, never confirmed, gets its first link
