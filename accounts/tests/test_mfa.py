"""Staff who can publish courses or hand out rights must use two-factor authentication to reach the editor."""

import datetime

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.selectors import user_must_use_mfa
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup

from .factories import UserFactory
from .helpers import PASSWORD, sign_in, totp_code

TOTP_SETUP = "/accounts/2fa/totp/activate/"


def test_superusers_reviewers_and_user_editors_must_use_mfa_instructors_and_practitioners_need_not(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    user_editors = Group.objects.create(name="User editors")
    user_editors.permissions.add(Permission.objects.get(codename="change_user", content_type__app_label="accounts"))

    assert user_must_use_mfa(user=UserFactory(is_superuser=True))
    assert user_must_use_mfa(user=UserFactory(groups=[REVIEWERS]))
    assert user_must_use_mfa(user=UserFactory(groups=["User editors"]))
    assert not user_must_use_mfa(user=UserFactory(groups=[INSTRUCTORS]))
    assert not user_must_use_mfa(user=UserFactory())
    assert not user_must_use_mfa(user=UserFactory(is_superuser=True, is_active=False))


def test_whoever_may_add_users_must_use_mfa_since_they_could_add_a_superuser(db):
    user_adders = Group.objects.create(name="User adders")
    user_adders.permissions.add(Permission.objects.get(codename="add_user", content_type__app_label="accounts"))

    assert user_must_use_mfa(user=UserFactory(groups=["User adders"]))


def test_a_reviewer_without_an_authenticator_is_sent_from_the_editor_to_set_one_up(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    client.force_login(UserFactory(groups=[REVIEWERS], totp=False))

    for url in ["/admin/", f"/admin/pages/{catalogue.pk}/edit/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == TOTP_SETUP, url


def test_a_superuser_without_an_authenticator_is_sent_to_set_one_up(client, home_page):
    client.force_login(UserFactory(is_superuser=True, totp=False))

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[0] == (TOTP_SETUP, 302)
    assert "the editor needs two-factor authentication" in response.text


def test_staff_with_an_authenticator_and_instructors_reach_the_editor(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    for user in [UserFactory(is_superuser=True), UserFactory(groups=[REVIEWERS]), UserFactory(groups=[INSTRUCTORS])]:
        client.force_login(user)
        assert client.get("/admin/").status_code == 200, user


def test_the_public_site_does_not_ask_a_practitioner_or_staff_for_two_factor(client, home_page):
    client.force_login(UserFactory(is_superuser=True, totp=False))
    assert client.get("/").status_code == 200

    client.force_login(UserFactory())
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_reviewer_sets_up_an_authenticator_then_signs_in_with_a_code(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    reviewer = UserFactory(email="rosa@example.com", groups=[REVIEWERS], totp=False, verified_email=True)

    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=False):
        sign_in(client, "rosa@example.com")
        assert client.get("/admin/")["Location"] == TOTP_SETUP
        # allauth asks for the password again before a change to two-factor settings.
        assert client.get(TOTP_SETUP)["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate") + f"?next={TOTP_SETUP}", {"password": PASSWORD})
        setup_page = client.get(TOTP_SETUP)
        assert setup_page.status_code == 200 and 'src="data:image/svg+xml;base64,' in setup_page.text
        secret = client.session[SECRET_SESSION_KEY]

        assert "Incorrect code" in client.post(TOTP_SETUP, {"code": "000000"}).text
        client.post(TOTP_SETUP, {"code": totp_code(secret)})

        assert Authenticator.objects.filter(user=reviewer, type=Authenticator.Type.TOTP).exists()
        assert Authenticator.objects.filter(user=reviewer, type=Authenticator.Type.RECOVERY_CODES).exists()
        assert client.get("/admin/").status_code == 200
        client.post(reverse("account_logout"))

    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 5, tzinfo=datetime.UTC), tick=False):
        response = sign_in(client, "rosa@example.com")
        assert response["Location"] == reverse("mfa_authenticate")
        assert client.get("/admin/")["Location"].startswith("/accounts/login/")  # the password alone is not enough

        client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

        assert client.get("/admin/").status_code == 200


def recovery_code_buttons(response) -> dict[str, str]:
    main = BeautifulSoup(response.content, "html.parser").main
    return {link.get_text(strip=True): link["href"] for link in main.select("a.button")}


def test_setting_up_an_authenticator_ends_on_the_codes_with_continue_and_separate_buttons_for_the_codes(
    client, home_page
):
    practitioner = UserFactory(email="lee@example.com", verified_email=True)
    sign_in(client, "lee@example.com")
    client.post(reverse("account_reauthenticate") + f"?next={TOTP_SETUP}", {"password": PASSWORD})
    client.get(TOTP_SETUP)

    response = client.post(TOTP_SETUP, {"code": totp_code(client.session[SECRET_SESSION_KEY])}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    codes = RecoveryCodes.activate(practitioner).get_unused_codes()
    assert BeautifulSoup(response.content, "html.parser").find("textarea").get_text().split() == codes
    assert recovery_code_buttons(response) == {
        "Download codes": reverse("mfa_download_recovery_codes"),
        "Generate new codes": reverse("mfa_generate_recovery_codes"),
        "Continue to your profile": reverse("accounts:profile"),
    }
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_staff_continue_from_their_recovery_codes_to_the_editor_that_asked_for_them(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    reviewer = UserFactory(groups=[REVIEWERS])
    RecoveryCodes.activate(reviewer)
    client.force_login(reviewer)
    codes_page = reverse("mfa_view_recovery_codes")
    client.post(reverse("account_reauthenticate") + f"?next={codes_page}", {"password": PASSWORD})

    buttons = recovery_code_buttons(client.get(codes_page))

    assert buttons["Continue to the editor"] == reverse("wagtailadmin_home")
    assert client.get(buttons["Continue to the editor"]).status_code == 200
