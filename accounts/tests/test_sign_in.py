"""There is one sign-in form, allauth's, and it is rate limited; no other login form is left open."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .factories import UserFactory
from .helpers import sign_in

ATTACKER = "203.0.113.5"
OWNER = "198.51.100.7"


def retry_after(response) -> int:
    return int(response["Retry-After"])


def test_too_many_wrong_passwords_for_one_account_from_one_address_lock_it_there_for_a_while(client, home_page):
    UserFactory(email="minh@example.com")
    for _ in range(5):
        assert "password you specified are not correct" in sign_in(client, "minh@example.com", "wrong").text

    response = sign_in(client, "minh@example.com")  # even the right password, for now

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [{}, {"is_superuser": True}], ids=["practitioner", "admin"])
def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(home_page, role):
    owner = UserFactory(email="rosa@example.com", **role)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(6):
        sign_in(attacker, "rosa@example.com", "wrong")
    assert "Too many failed login attempts" in sign_in(attacker, "rosa@example.com").text

    own_browser = Client(REMOTE_ADDR=OWNER)
    response = sign_in(own_browser, "rosa@example.com")

    if owner.is_superuser:  # past the password, on to the second factor
        assert response["Location"] == reverse("mfa_authenticate")
    else:
        assert int(own_browser.session["_auth_user_id"]) == owner.pk
    assert "Too many failed login attempts" in sign_in(attacker, "rosa@example.com").text


def test_a_client_that_keeps_posting_to_the_login_form_is_refused_with_429_and_told_when_to_retry(client, home_page):
    statuses = [sign_in(client, f"guess{n}@example.com", "wrong").status_code for n in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    limited = sign_in(client, "guess@example.com", "wrong")
    assert limited.status_code == 429 and 55 <= retry_after(limited) <= 60  # 30 a minute, the first just now


def test_sign_up_is_rate_limited_per_client(client, home_page):
    def sign_up(n):
        password = "a long enough passphrase 2026"
        return client.post(
            reverse("account_signup"), {"email": f"new{n}@example.com", "password1": password, "password2": password}
        )

    statuses = []
    for n in range(21):
        statuses.append(sign_up(n).status_code)
        client.logout()

    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    # The minute's limit is what refuses it, not the hour's (60 an hour): a minute at most.
    assert 0 < retry_after(sign_up(21)) <= 60


def test_asking_for_password_resets_for_one_address_too_often_is_refused_with_429_and_told_when_to_retry(
    client, home_page
):
    UserFactory(email="minh@example.com")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "minh@example.com"}).status_code for _ in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    limited = client.post(reverse("account_reset_password"), {"email": "minh@example.com"})
    assert limited.status_code == 429 and 0 < retry_after(limited) <= 60


def test_opening_the_admins_logout_address_signs_nobody_out_and_leaves_the_session_cookie(client, home_page):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get("/admin/logout/")

    assert response.status_code == 405 and response["Allow"] == "POST"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # neither deleted nor replaced
    assert client.get("/admin/").status_code == 200
    assert "logged out" not in client.get("/admin/").text


def test_the_admins_sign_out_button_still_signs_out(client, home_page):
    client.force_login(UserFactory(is_superuser=True))

    response = client.post("/admin/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_admin_login_form_sends_people_to_allauths_sign_in(client, home_page):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_posting_a_password_to_the_admin_login_form_signs_nobody_in(client, home_page):
    UserFactory(email="admin@example.com", is_superuser=True, is_staff=True)

    response = client.post(
        "/admin/login/", {"username": "admin@example.com", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_an_anonymous_visit_to_the_admin_goes_to_allauths_sign_in(client, home_page):
    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_wagtails_front_end_login_for_private_pages_also_goes_to_allauth(client, home_page):
    response = client.get(reverse("wagtailcore_login") + "?next=/courses/")

    assert response["Location"] == "/accounts/login/?next=/courses/"


def test_the_admin_has_no_password_reset_form_of_its_own(client, home_page):
    assert client.get("/admin/password_reset/").status_code == 404
    assert client.get(reverse("account_reset_password")).status_code == 200
