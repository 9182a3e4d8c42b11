"""The provider's written policies: privacy and terms of use, reached from every page's footer."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from lms.models import ProviderSettings


def footer_links(response) -> dict[str, str]:
    footer = BeautifulSoup(response.content, "html.parser").select_one("footer.site-footer")
    return {link.get_text(strip=True): link["href"] for link in footer.select("a")}


@pytest.fixture
def provider(home_page):
    settings = ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    settings.name = "Gulf Coast Massage Education"
    settings.save()
    return settings


@pytest.mark.parametrize("link", ["Privacy", "Terms of use", "Registration, cancellation and refund policies"])
def test_every_policy_in_the_footer_is_a_page_that_names_the_provider(client, provider, link):
    response = client.get(footer_links(client.get("/"))[link])

    assert response.status_code == 200
    heading = BeautifulSoup(response.content, "html.parser").h1.get_text()
    assert heading.startswith(link.split(",")[0])
    assert "Gulf Coast Massage Education" in response.text


def test_the_privacy_notice_says_what_is_kept_who_sees_it_and_for_how_long(client, provider):
    text = " ".join(BeautifulSoup(client.get("/privacy/").content, "html.parser").main.get_text().split())

    for kept in ("legal name", "email address", "license number", "study time", "quiz attempts", "certificates"):
        assert kept in text
    assert "only what the verification page shows" in text
    assert "all but the last three characters hidden" in text
    assert "for six years" in text and "for five years" in text and "for four years" in text
    assert "kept for at least six years" in text


def test_the_policy_pages_give_the_providers_contact(client, provider):
    for address in ("/privacy/", "/terms/"):
        page = BeautifulSoup(client.get(address).content, "html.parser").main

        assert page.select_one("a[href='mailto:ce@example.com']")
        assert "Tallahassee" in page.address.get_text()


def test_the_policy_pages_answer_only_reads(client, provider):
    assert client.post("/privacy/").status_code == 405
    assert client.head("/terms/").status_code == 200
