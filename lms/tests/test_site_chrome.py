"""The header and error pages every visitor sees."""

from bs4 import BeautifulSoup

from accounts.tests.factories import UserFactory


def nav_links(response) -> dict[str, str]:
    nav = BeautifulSoup(response.content, "html.parser").select_one("nav[aria-label=Main]")
    return {link.get_text(strip=True): link["href"] for link in nav.select("a")}


def test_the_header_links_to_the_catalogue_even_after_its_slug_changes(client, catalogue):
    catalogue.slug = "ce-courses"
    catalogue.save_revision().publish()

    assert nav_links(client.get("/"))["Courses"] == "/ce-courses/"


def test_the_header_offers_the_editor_to_anyone_who_may_use_it(client, catalogue):
    client.force_login(UserFactory())
    assert "Editor" not in nav_links(client.get("/"))

    client.force_login(UserFactory(is_superuser=True))
    assert nav_links(client.get("/"))["Editor"] == "/admin/"


def test_an_unknown_address_gets_a_helpful_404_page(client, catalogue):
    response = client.get("/no-such-course/")

    assert response.status_code == 404
    assert "There is no page at this address" in response.text
    assert BeautifulSoup(response.content, "html.parser").select_one("main a[href='/courses/']")


def test_sign_in_uses_the_site_layout(client, home_page):
    soup = BeautifulSoup(client.get("/accounts/login/").content, "html.parser")

    assert soup.html["lang"] == "en"
    assert soup.select_one("a.skip-link") and soup.select_one("main#main")
    assert soup.select_one("label[for=id_login]")


def test_an_unknown_api_address_answers_in_json(client, home_page):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404 and response.json()["error"]
