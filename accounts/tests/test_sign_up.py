"""Signing up tells nobody whether an address already has an account: its owner is emailed instead."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.selectors import email_is_verified

from .factories import UserFactory
from .helpers import links_in_last_email

PASSPHRASE = "a long enough passphrase 2026"


def sign_up(client, email):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSPHRASE, "password2": PASSPHRASE})


def answer_seen(client, response) -> tuple:
    """What the visitor can tell from a sign-up: where it leads, what that page says, and whether they are in."""
    page = client.get(response["Location"])
    return response.status_code, response["Location"], page.status_code, "_auth_user_id" in client.session


def test_signing_up_with_a_taken_address_looks_the_same_as_with_a_new_one(client, home_page):
    UserFactory(email="taken@example.com", verified_email=True)

    taken = sign_up(client, "taken@example.com")
    answer_for_taken = answer_seen(client, taken)
    client.logout()
    answer_for_new = answer_seen(client, sign_up(client, "new@example.com"))

    assert answer_for_taken == answer_for_new == (302, reverse("account_email_verification_sent"), 200, False)
    assert "already registered" not in client.get(reverse("account_email_verification_sent")).text


def test_the_owner_of_a_taken_address_is_emailed_and_their_account_is_untouched(client, home_page):
    owner = UserFactory(email="taken@example.com", verified_email=True)

    sign_up(client, "taken@example.com")

    assert get_user_model().objects.filter(email="taken@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery staple")
    [email] = mail.outbox
    assert email.to == ["taken@example.com"]
    assert "already" in email.body and "/accounts/password/reset/" in email.body


def test_a_new_practitioner_confirms_the_address_and_is_then_signed_in(client, home_page):
    sign_up(client, "minh@example.com")
    user = get_user_model().objects.get(email="minh@example.com")
    assert "_auth_user_id" not in client.session
    [link] = links_in_last_email("/accounts/confirm-email/")

    client.post(link)

    assert email_is_verified(user=user)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_unconfirmed_practitioner_can_still_sign_in_later(client, home_page):
    sign_up(client, "minh@example.com")

    client.post(reverse("account_login"), {"login": "minh@example.com", "password": PASSPHRASE})

    assert "_auth_user_id" in client.session
