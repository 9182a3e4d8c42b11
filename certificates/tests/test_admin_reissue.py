"""Reviewers' certificates list in the admin, and reissuing a certificate that was revoked."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.tests.factories import UserFactory
from certificates.services import RevocationError, certificate_reissue, certificate_revoke
from certificates.tests.factories import issued_certificate
from courses.services import REVIEWERS, authoring_roles_setup
from credits.selectors import credit_entries


@pytest.fixture
def reviewer(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    return UserFactory(groups=[REVIEWERS])


def row_of(page, certificate):
    return page.find("code", string=certificate.printed_code).find_parent("tr")


def actions(row) -> list[str]:
    cell = row.select("td")[-1]
    return [link.get_text(strip=True) for link in cell.select("a")] or [" ".join(cell.get_text().split())]


def counting(user, certificate) -> list:
    return [e for e in credit_entries(user=user).filter(certificate_code=certificate.code) if not e.is_superseded]


def test_the_list_has_a_search_box_and_codes_that_do_not_wrap(client, catalogue, reviewer):
    certificate = issued_certificate(catalogue)
    client.force_login(reviewer)

    page = BeautifulSoup(client.get(reverse("certificates_admin:index")).content, "html.parser")

    search = page.select_one("header form[role=search] input[name=q]")
    assert search["type"] == "text" and search["placeholder"] == "Code, email or name"
    code_cell, *_, actions_cell = row_of(page, certificate).select("td")
    assert "w-whitespace-nowrap" in code_cell["class"] and "w-whitespace-nowrap" in actions_cell["class"]
    assert actions(row_of(page, certificate)) == ["Reissue", "Revoke"]


def test_searching_as_the_reviewer_types_answers_with_the_results_alone(client, catalogue, reviewer):
    certificate = issued_certificate(catalogue)
    client.force_login(reviewer)
    url = reverse("certificates_admin:index")

    found = client.get(url, {"q": certificate.printed_code.lower()}, headers={"x-requested-with": "XMLHttpRequest"})
    missed = client.get(url, {"q": "nobody@example.com"}, headers={"x-requested-with": "XMLHttpRequest"})

    assert "<header" not in found.text and certificate.printed_code in found.text
    assert "No certificate matches “nobody@example.com”." in missed.text


def test_a_revoked_certificate_offers_reissue_and_a_replaced_one_names_its_replacement(client, catalogue, reviewer):
    certificate = issued_certificate(catalogue)
    certificate_revoke(certificate=certificate, by=reviewer, reason="Name misspelt on the certificate.")
    client.force_login(reviewer)
    url = reverse("certificates_admin:index")

    assert actions(row_of(BeautifulSoup(client.get(url).content, "html.parser"), certificate)) == ["Reissue"]

    client.post(reverse("certificates_admin:reissue", args=[certificate.pk]), {"reason": "Corrected spelling."})
    certificate.refresh_from_db()
    new = certificate.reissued_as
    assert actions(row_of(BeautifulSoup(client.get(url).content, "html.parser"), certificate)) == [
        f"Replaced by {new.printed_code}"
    ]


def test_reissuing_a_revoked_certificate_keeps_it_revoked_links_the_new_one_and_counts_its_hours_again(
    client, catalogue, reviewer
):
    old = issued_certificate(catalogue)
    user = old.enrollment.user
    certificate_revoke(certificate=old, by=reviewer, reason="Name misspelt on the certificate.")
    revoked_at = old.revoked_at
    assert counting(user, old) and all(entry.withdrawn_at for entry in counting(user, old))
    user.legal_name = "Minh Nguyen"
    user.save()
    client.force_login(reviewer)

    form = client.get(reverse("certificates_admin:reissue", args=[old.pk]))
    client.post(reverse("certificates_admin:reissue", args=[old.pk]), {"reason": "Corrected spelling of the name."})

    assert "This one stays revoked (Name misspelt on the certificate.)" in form.text
    old.refresh_from_db()
    new = old.reissued_as
    assert (old.status, old.revoked_at, old.revoked_by) == ("revoked", revoked_at, reviewer)
    assert old.revocation_reason == "Name misspelt on the certificate."
    assert new.status == "valid" and new.snapshot["holder"]["name"] == "Minh Nguyen"
    assert (new.completed_on, new.snapshot["course"]) == (old.completed_on, old.snapshot["course"])
    [entry] = counting(user, new)
    assert entry.withdrawn_at is None and entry.supersedes.certificate_code == old.code
    assert entry.correction_reason == "Corrected spelling of the name."
    assert not counting(user, old)  # the withdrawn entries stay on record, superseded
    logged = ModelLogEntry.objects.get(action="certificates.reissue")
    assert (logged.user, logged.data["new"], logged.data["was_revoked"]) == (reviewer, new.code, True)
    page = client.get(reverse("certificates:verify", args=[old.printed_code])).text
    assert (
        f'It was replaced by certificate <a href="{reverse("certificates:verify", args=[new.printed_code])}">' in page
    )


def test_a_certificate_is_reissued_once_then_its_replacement_is(catalogue, reviewer):
    old = issued_certificate(catalogue)
    new = certificate_reissue(certificate=old, by=reviewer, reason="License number corrected.")

    with pytest.raises(RevocationError, match=f"already replaced by {new.printed_code}"):
        certificate_reissue(certificate=old, by=reviewer, reason="Again.")

    assert certificate_reissue(certificate=new, by=reviewer, reason="Name corrected.").reissue_of == new
