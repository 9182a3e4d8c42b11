"""The provider's registration, cancellation and refund policies on a public page, linked from every page."""

from bs4 import BeautifulSoup
from django.urls import reverse

from lms.models import ProviderSettings

REFUND_POLICY = "A full refund within 14 days of purchase if no lesson has been completed."


def test_anyone_reads_the_providers_policies_from_the_footer_of_any_page(client, home_page):
    provider = ProviderSettings.objects.get()
    provider.refund_policy = REFUND_POLICY
    provider.email = "ce@example.com"
    provider.save()

    footer = BeautifulSoup(client.get(home_page.url).content, "html.parser").select_one("footer")
    link = footer.find("a", string="Registration, cancellation and refund policies")
    page = BeautifulSoup(client.get(link["href"]).content, "html.parser")

    assert link["href"] == reverse("payments:policies")
    headings = [heading.get_text(strip=True) for heading in page.select("main h2")]
    assert headings == ["Registration policy", "Cancellation policy", "Refund policy", "Certificate fee"]
    text = page.select_one("main").get_text(" ", strip=True)
    assert REFUND_POLICY in text
    assert "Not published yet. Ask ce@example.com before buying." in text  # the registration policy is blank
    assert "None: the certificate is included in the course price." in text
