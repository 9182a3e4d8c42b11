"""Administrators keep each user's legal name, the name certificates print, in the Wagtail user editor."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from .factories import UserFactory


def test_an_administrator_sets_a_legal_name_when_adding_a_user(client, db):
    client.force_login(UserFactory(email="admin@example.com", is_superuser=True))

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "minh@example.com",
            "first_name": "Minh",
            "last_name": "Nguyễn",
            "legal_name": "Nguyễn Thị Minh",
            "password1": "a long enough passphrase 2026",
            "password2": "a long enough passphrase 2026",
        },
    )

    assert response.status_code == 302
    assert get_user_model().objects.get(email="minh@example.com").legal_name == "Nguyễn Thị Minh"


def test_the_user_editor_shows_and_changes_the_legal_name(client, db):
    client.force_login(UserFactory(email="admin@example.com", is_superuser=True))
    user = UserFactory(email="lukasz@example.com", first_name="Łukasz", last_name="Żółć", legal_name="Lukasz Zolc")
    url = reverse("wagtailusers_users:edit", args=[user.pk])

    assert 'value="Lukasz Zolc"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "email": user.email,
            "first_name": "Łukasz",
            "last_name": "Żółć",
            "legal_name": "Łukasz Żółć",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.legal_name == "Łukasz Żółć"
