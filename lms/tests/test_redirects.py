"""Wagtail's redirects (an editor's, from a page's old address) still redirect; the apps' own 404s do not look."""

from wagtail.contrib.redirects.models import Redirect


def test_an_old_page_address_redirects_to_where_the_editor_sent_it(client, catalogue):
    Redirect.objects.create(old_path="/old-catalog", redirect_link="/courses/")

    response = client.get("/old-catalog/")

    assert response.status_code == 301 and response["Location"] == "/courses/"


def test_an_address_no_url_matches_is_redirected_too(client, catalogue):
    Redirect.objects.create(old_path="/catalog.html", redirect_link="/courses/", is_permanent=False)

    response = client.get("/catalog.html")

    assert response.status_code == 302 and response["Location"] == "/courses/"
