"""Staff without an uploaded picture appear in the admin with their initials, never a Gravatar."""

from urllib.parse import unquote

from bs4 import BeautifulSoup
from django.urls import reverse

from .factories import UserFactory


def account_menu_avatar(client) -> str:
    page = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content, "html.parser")
    return page.select_one(".avatar img")["src"]


def test_the_admin_shows_a_persons_initials_and_asks_gravatar_nothing(client, db):
    client.force_login(UserFactory(is_superuser=True, legal_name="Maria de los Ángeles Ortiz"))

    src = account_menu_avatar(client)

    assert src.startswith("data:image/svg+xml")
    assert ">MO</text>" in unquote(src)
    assert "gravatar" not in client.get(reverse("wagtailadmin_home")).text


def test_without_a_legal_name_the_email_gives_the_initial(client, db):
    client.force_login(UserFactory(is_superuser=True, legal_name="", email="jordan@example.com"))

    assert ">J</text>" in unquote(account_menu_avatar(client))
