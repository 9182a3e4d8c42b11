"""Reviewers reprint a practitioner's transcript from the admin (providers must be able to for six
years); each reprint is in the audit log, and nobody else can."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from accounts.tests.factories import UserFactory
from certificates.tests.factories import issued_certificate
from courses.services import INSTRUCTORS, REVIEWERS, authoring_roles_setup


@pytest.fixture
def certified(catalogue):
    authoring_roles_setup(catalogue=catalogue)
    certificate = issued_certificate(catalogue, legal_name="Rosa Delgado")
    return certificate.enrollment.user.licences.get(), certificate


def pdf_text(response) -> str:
    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


def test_a_reviewer_finds_a_license_and_reprints_its_transcript_which_is_logged(client, certified):
    licence, _ = certified
    reviewer = UserFactory(groups=[REVIEWERS])
    client.force_login(reviewer)

    found = client.get(reverse("credits_transcripts:find"), {"q": licence.number.lower()})
    cycle = client.get(reverse("credits_transcripts:licence_pdf", args=[licence.pk]))
    record = client.get(reverse("credits_transcripts:full_pdf", args=[licence.user.pk]))

    assert "Rosa Delgado" in found.text and reverse("credits_transcripts:licence_pdf", args=[licence.pk]) in found.text
    assert cycle["Content-Type"] == "application/pdf" and record["Content-Type"] == "application/pdf"
    assert "Rosa Delgado" in pdf_text(cycle) and licence.number in pdf_text(cycle)
    assert "Rosa Delgado" in pdf_text(record) and "Manual Lymphatic Drainage after Surgery" in pdf_text(record)
    logged = ModelLogEntry.objects.filter(action="credits.transcript_reprint", user=reviewer)
    assert logged.count() == 2


def test_no_one_else_reprints_a_transcript(client, certified):
    licence, _ = certified
    urls = [
        reverse("credits_transcripts:find") + "?q=" + licence.number,
        reverse("credits_transcripts:licence_pdf", args=[licence.pk]),
        reverse("credits_transcripts:full_pdf", args=[licence.user.pk]),
    ]
    for user in (UserFactory(groups=[INSTRUCTORS]), licence.user):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url)
            assert response.get("Content-Type") != "application/pdf"
    assert not ModelLogEntry.objects.filter(action="credits.transcript_reprint").exists()
