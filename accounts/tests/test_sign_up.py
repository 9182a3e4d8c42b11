"""Signing up tells nobody whether an address already has an account: its owner is emailed instead."""

from bs4 import BeautifulSoup
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


def test_a_common_password_is_refused_beside_the_password_field(client, home_page):
    response = client.post(
        reverse("account_signup"), {"email": "minh@example.com", "password1": "password", "password2": "password"}
    )

    page = BeautifulSoup(response.text, "html.parser")
    password_field = page.find("input", {"name": "password1"}).find_parent(class_="field")
    email_field = page.find("input", {"name": "email"}).find_parent(class_="field")
    assert "This password is too common." in password_field.select_one(".errorlist").text
    assert email_field.select_one(".errorlist") is None
    assert "too common" not in email_field.text


def test_the_confirmation_email_and_page_name_the_site_not_the_host_or_the_account(client, home_page):
    sign_up(client, "minh@example.com")
    [email] = mail.outbox

    assert email.subject == "[Medical Massage CE] Confirm your email address"
    assert email.body.startswith("Hello from Medical Massage CE!")
    assert "testserver" not in email.body.replace("http://testserver/accounts/confirm-email/", "")
    [link] = links_in_last_email("/accounts/confirm-email/")
    page = BeautifulSoup(client.get(link).text, "html.parser").main.get_text(" ", strip=True)
    assert "Confirm that minh@example.com is your email address for Medical Massage CE." in page
    assert " user " not in page


def test_the_page_after_sign_up_says_where_to_look_and_whom_to_write_to(client, home_page):
    response = sign_up(client, "minh@example.com")

    page = BeautifulSoup(client.get(response["Location"]).text, "html.parser")
    assert page.title.get_text(strip=True).startswith("Check your inbox")
    text = page.main.get_text(" ", strip=True)
    assert "Follow the link in it to finish signing up to Medical Massage CE." in text
    assert page.main.find("a", href="mailto:ce@example.com")
