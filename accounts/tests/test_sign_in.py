"""There is one sign-in form, allauth's, and it is rate limited; no other login form is left open."""

from django.urls import reverse

from .factories import UserFactory
from .helpers import sign_in


def test_too_many_wrong_passwords_for_one_account_lock_it_for_a_while(client, home_page):
    UserFactory(email="minh@example.com")
    for _ in range(5):
        assert "password you specified are not correct" in sign_in(client, "minh@example.com", "wrong").text

    response = sign_in(client, "minh@example.com")  # even the right password, for now

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_a_client_that_keeps_posting_to_the_login_form_is_refused_with_429(client, home_page):
    statuses = [sign_in(client, f"guess{n}@example.com", "wrong").status_code for n in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


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
