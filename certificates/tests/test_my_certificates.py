"""The practitioner's certificates page: each status in its own words and colors, a share link to copy."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts.tests.factories import UserFactory
from certificates.services import certificate_revoke
from certificates.tests.factories import issued_certificate

pytestmark = pytest.mark.django_db


def my_certificates(client, certificate):
    client.force_login(certificate.enrollment.user)
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_valid_certificate_says_valid_with_a_share_link_and_a_button_to_copy_it(client, catalogue):
    certificate = issued_certificate(catalogue)

    page = my_certificates(client, certificate)

    row = page.select_one(f"#certificate-{certificate.printed_code}")
    assert [badge.get_text() for badge in row.select(".badge")] == ["Valid"]
    assert "badge--ok" in row.select_one(".badge")["class"]
    verify_url = f"http://localhost/verify/{certificate.printed_code}/"
    assert row.find("a", string=verify_url)["href"] == verify_url
    button = row.select_one("button[data-copy]")
    assert button["data-copy"] == verify_url and button["type"] == "button"
    assert button.get_text(" ", strip=True) == "Copy link to Lymphatic Drainage after Surgery"
    status = page.find(id=button["aria-describedby"])
    assert status["role"] == "status"
    assert page.find("script", src=lambda src: src and src.endswith("js/copy.js"))
    assert finders.find("js/copy.js")


def test_a_revoked_certificate_is_marked_in_a_color_of_its_own_and_offers_no_linkedin_link(client, catalogue):
    certificate = issued_certificate(catalogue)
    certificate_revoke(
        certificate=certificate, by=UserFactory(), reason="Issued in error.", skip_permission_checks=True
    )

    page = my_certificates(client, certificate)

    badge = page.select_one(f"#certificate-{certificate.printed_code} .badge")
    assert badge.get_text() == "Revoked" and "badge--danger" in badge["class"]
    assert "it no longer counts" in page.select_one(f"#certificate-{certificate.printed_code}").get_text()
    assert not page.find("a", string="Add to LinkedIn profile")
